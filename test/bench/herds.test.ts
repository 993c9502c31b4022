import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { herdScenario, sharedProviderScenario } from "./herd-scenarios.js";
import { installShiftedClock, uninstallShiftedClock } from "./shifted-clock.js";
import { useWorldEnvironment, type SubjectId } from "./subjects.js";

// The deterministic half of `pnpm bench`: STS calls and waiting callers in the herds, against the
// local IRSA world with real SDK clients. Timings are only reported by `pnpm bench`.
const CALLERS = 2_000;
// Long enough that a caller served from cache (microseconds) is never mistaken for one that waited.
const STS_LATENCY_MS = 300;
const OURS: SubjectId[] = ["ours-direct", "ours-v3-client", "ours-v2-adapter"];
const options = { callers: CALLERS, stsLatencyMs: STS_LATENCY_MS };

describe("herds against the local IRSA world", () => {
  let world: IrsaWorld;
  let restoreEnvironment: () => void;

  beforeAll(async () => {
    installShiftedClock();
    world = await startIrsaWorld({ tokenTtlSeconds: 7 * 24 * 3600 });
    restoreEnvironment = useWorldEnvironment(world);
  });

  afterAll(async () => {
    restoreEnvironment();
    await world.close();
    uninstallShiftedClock();
  });

  it.each(OURS)("%s: a cold herd makes 1 STS call, every caller waits for it", async (id) => {
    const herd = await herdScenario(world, id, "cold", options);
    expect(herd).toMatchObject({ stsCalls: 1, waited: CALLERS, failed: 0 });
  });

  it.each(OURS)("%s: at 4 minutes before expiry nobody waits, 1 background STS call", async (id) => {
    const herd = await herdScenario(world, id, "four-minutes-before-expiry", options);
    expect(herd).toMatchObject({ stsCalls: 1, waited: 0, failed: 0 });
  });

  it("the anchor, a v3 client over fromTokenFile, makes every caller wait at 4 minutes before expiry", async () => {
    const herd = await herdScenario(world, "v3-client-fromTokenFile", "four-minutes-before-expiry", options);
    expect(herd).toMatchObject({ stsCalls: 1, waited: CALLERS, failed: 0 });
  });

  it.each(OURS)("%s: just past expiry, 1 STS call shared by every caller", async (id) => {
    const herd = await herdScenario(world, id, "just-past-expiry", options);
    expect(herd).toMatchObject({ stsCalls: 1, waited: CALLERS, failed: 0 });
  });

  it("20 v3 clients sharing our provider make 1 STS call through an expiry; over fromTokenFile they make 20", async () => {
    expect(await sharedProviderScenario(world, "ours-v3-client", 20)).toEqual({ clients: 20, stsCalls: 1 });
    expect(await sharedProviderScenario(world, "v3-client-fromTokenFile", 20)).toEqual({ clients: 20, stsCalls: 20 });
  });
});
