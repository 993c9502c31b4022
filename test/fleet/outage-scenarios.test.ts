// The outage scenarios on a small fleet: each target of issue 13 as a test (the full figures:
// run-outage-scenarios.ts, in RESULTS.md).
import { describe, expect, it } from "vitest";
import { OUTAGE_FLEET, OUTAGE_SCENARIOS, runOutage } from "./outage-scenarios.js";

const SMALL = { ...OUTAGE_FLEET, pods: 40, durationMs: 2 * 3_600_000 };

describe("outage scenarios, 40 pods, the real engine", () => {
  it.each(OUTAGE_SCENARIOS.map((scenario) => [scenario.name, scenario] as const))("%s: target met, far fewer STS calls than the v3 model", async (_name, scenario) => {
    const ours = await runOutage(scenario, { kind: "ours" }, SMALL);
    const v3 = await runOutage(scenario, { kind: "v3-model" }, SMALL);
    expect(scenario.met(ours), JSON.stringify(ours)).toBe(true);
    expect(ours.callsPerPod).toBeLessThan(v3.callsPerPod / 10);
  }, 60_000);
});
