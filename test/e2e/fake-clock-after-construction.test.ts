// One clock per provider: a suite that builds its provider at module scope and installs fake
// timers later (as users' suites do) must see the engine and the source move together. The local
// STS dates its answers and the issuer its tokens with Date.now, so both follow the fake clock.
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { fromWebIdentity } from "@irsa/web-identity";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { assumeCalls, worldInit } from "./web-identity-support.js";

const HOUR_MS = 3_600_000;

describe("a provider built before fake timers are installed", () => {
  let world: IrsaWorld;
  beforeAll(async () => {
    world = await startIrsaWorld();
  });
  afterAll(async () => {
    await world.close();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("reads the fake clock everywhere: no false skew, no set judged expired, recovery from an outage across expiry", async () => {
    // Built at "module scope": before the fake clock exists.
    const provider = fromWebIdentity(worldInit(world, { recoveryBackoffMs: [1_000, 30_000] }));
    try {
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + HOUR_MS });
      await world.tokenFile.rotate(); // a token minted on the fake clock, as kubelet would have

      const first = await provider();
      expect(provider.stats.clockSkewMs).toBe(0);
      const expiration = first.expiration!.getTime();
      expect(expiration - Date.now()).toBeGreaterThan(HOUR_MS - 60_000);

      // An outage across expiry: every attempt of the refresh in the last minute fails ...
      const callsBefore = assumeCalls(world);
      vi.setSystemTime(expiration - 30_000);
      await world.tokenFile.rotate(); // kubelet rotated it at 80% of its life
      world.sts.faults.failNext(3, { code: "ServiceUnavailable" });
      await expect(provider()).resolves.toMatchObject({ accessKeyId: first.accessKeyId }); // still valid: served
      expect(assumeCalls(world) - callsBefore).toBe(3);

      // ... STS is healthy again once the set has expired: back within one recovery step.
      vi.setSystemTime(expiration + 1_000);
      let recovered: number | undefined;
      let failedCalls = 0;
      for (let step = 0; step <= 60 && recovered === undefined; step++) {
        try {
          const next = await provider();
          expect(next.accessKeyId).not.toBe(first.accessKeyId);
          recovered = step;
        } catch {
          failedCalls++;
          vi.setSystemTime(Date.now() + 1_000);
        }
      }
      expect(recovered).toBeDefined();
      expect(recovered!).toBeLessThanOrEqual(30); // seconds of fake time after expiry
      expect(failedCalls).toBeLessThanOrEqual(30);
      expect(provider.stats.clockSkewMs).toBe(0);
    } finally {
      provider.close();
    }
  });
});
