import { describe, expect, it } from "vitest";
import { FULL_FLEET, simulateFleet, type FleetConfig } from "./fleet-simulation.js";

// The deterministic figures of the fleet simulation on a small fleet with a fixed seed. The
// simulation drives the real refresh engine in simulated time, so these run in about a second.
const SMALL: FleetConfig = { ...FULL_FLEET, pods: 500, durationMs: 6 * 3_600_000, seed: 7 };
const HOUR_MS = 3_600_000;

describe("fleet simulation", () => {
  it("gives the same figures for the same seed", async () => {
    const first = await simulateFleet(SMALL, { kind: "ours" });
    const second = await simulateFleet(SMALL, { kind: "ours" });
    expect({ ...second, callsPerSecond: [...second.callsPerSecond] }).toEqual({ ...first, callsPerSecond: [...first.callsPerSecond] });
  });

  it("ours at defaults: one first fetch per pod, refreshes nobody waits for, no throttling, near the minimum of calls", async () => {
    const ours = await simulateFleet(SMALL, { kind: "ours" });
    expect(ours.pods).toBeGreaterThan(500 + 6 * 50 - 5);
    expect(ours.pods).toBeLessThanOrEqual(500 + 6 * 50);
    expect(ours.firstFetchCalls).toBe(ours.pods);
    expect(ours.throttledCalls).toBe(0);
    expect(ours.failedRequests).toBe(0);
    expect(ours.waitedAfterStart).toBe(0);
    // 1-hour sets refreshed 8-15 minutes before expiry: between 60/52 and 60/45 refreshes per pod-hour.
    const refreshesPerPodHour = ours.refreshCallsPerPodDay / 24;
    expect(refreshesPerPodHour).toBeGreaterThan(1);
    expect(refreshesPerPodHour).toBeLessThan(1.35);
    expect(ours.stsCalls).toBeLessThanOrEqual(1.35 * ours.minimumStsCalls);
  });

  it("the v3 client model makes a request wait at every refresh and peaks higher than our jittered refreshes", async () => {
    const model = await simulateFleet(SMALL, { kind: "v3-model" });
    const ours = await simulateFleet(SMALL, { kind: "ours" });
    expect(model.firstFetchCalls).toBe(model.pods);
    expect(model.waitedAfterStart).toBe(model.refreshCalls);
    expect(model.perSecond.refreshPeak).toBeGreaterThanOrEqual(2 * ours.perSecond.refreshPeak);
  });

  it("drives the real engine: one pod, jitter 0, fixed latency refreshes every 45 minutes plus the STS latency", async () => {
    const onePod: FleetConfig = { ...SMALL, pods: 1, startWindowMs: 0, replacedPerHour: 0, stsLatencyMs: [100, 100] };
    const figures = await simulateFleet(onePod, { kind: "ours", jitter: 0 });
    // Call k goes out at k x (45 min + 100 ms): refresh instant = expiration - 15 min, expiration = answer + 1 h.
    const cycleMs = 0.75 * HOUR_MS + 100;
    expect(figures.firstFetchCalls).toBe(1);
    expect(figures.refreshCalls).toBe(Math.ceil(onePod.durationMs / cycleMs) - 1);
    expect(figures.waitedAfterStart).toBe(0);
  });

  it("workers per pod: 8 workers without sharing are 8 STS callers per pod; sharing makes a pod one caller again", async () => {
    const small: FleetConfig = { ...SMALL, pods: 100, durationMs: 2 * HOUR_MS };
    const single = await simulateFleet(small, { kind: "ours" });
    const eight = await simulateFleet({ ...small, workersPerPod: 8 }, { kind: "ours" });
    const shared = await simulateFleet({ ...small, workersPerPod: 8, sharedAcrossWorkers: true }, { kind: "ours" });
    expect(eight.pods).toBe(single.pods);
    expect(eight.firstFetchCalls).toBe(8 * eight.pods);
    expect(eight.stsCallsPerPodDay).toBeGreaterThan(7 * single.stsCallsPerPodDay);
    expect(shared.firstFetchCalls).toBe(shared.pods);
    expect(shared.stsCalls).toBe(single.stsCalls);
  });
});
