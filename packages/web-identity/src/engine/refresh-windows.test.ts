import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  LONG_ADVISORY_WINDOW_MS,
  MEDIUM_ADVISORY_WINDOW_MS,
  SHORT_ADVISORY_WINDOW_MS,
  drawDurationMs,
  drawRefreshAt,
  tieredAdvisoryWindowMs,
  windowsForSet,
} from "./refresh-windows.js";

const MIN = 60_000;

describe("tieredAdvisoryWindowMs", () => {
  it("gives 5 min up to 20 min of lifetime, 15 min below 90 min, 60 min from 90 min", () => {
    expect(tieredAdvisoryWindowMs(15 * MIN)).toBe(SHORT_ADVISORY_WINDOW_MS);
    expect(tieredAdvisoryWindowMs(20 * MIN)).toBe(5 * MIN);
    expect(tieredAdvisoryWindowMs(20 * MIN + 1)).toBe(MEDIUM_ADVISORY_WINDOW_MS);
    expect(tieredAdvisoryWindowMs(60 * MIN)).toBe(15 * MIN);
    expect(tieredAdvisoryWindowMs(90 * MIN - 1)).toBe(15 * MIN);
    expect(tieredAdvisoryWindowMs(90 * MIN)).toBe(LONG_ADVISORY_WINDOW_MS);
    expect(tieredAdvisoryWindowMs(12 * 60 * MIN)).toBe(60 * MIN);
  });
});

describe("windowsForSet", () => {
  it("uses the table and the mandatory window unchanged for every STS lifetime (15 min to 12 h)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 15 * MIN, max: 12 * 60 * MIN }), (lifetimeMs) => {
        const windows = windowsForSet({ lifetimeMs, advisoryWindowMs: undefined, mandatoryWindowMs: MIN });
        expect(windows).toEqual({ advisoryMs: tieredAdvisoryWindowMs(lifetimeMs), mandatoryMs: MIN });
      }),
    );
  });

  it("lets a configured advisory window override the table", () => {
    expect(windowsForSet({ lifetimeMs: 60 * MIN, advisoryWindowMs: 10 * MIN, mandatoryWindowMs: MIN })).toEqual({
      advisoryMs: 10 * MIN,
      mandatoryMs: MIN,
    });
  });

  it("caps the mandatory window at the advisory window", () => {
    const windows = windowsForSet({ lifetimeMs: 60 * MIN, advisoryWindowMs: undefined, mandatoryWindowMs: 30 * MIN });
    expect(windows.mandatoryMs).toBe(windows.advisoryMs);
  });

  it("shrinks both windows for a short-lived set so it is served for at least a quarter of its life", () => {
    const windows = windowsForSet({ lifetimeMs: 40_000, advisoryWindowMs: undefined, mandatoryWindowMs: MIN });
    expect(windows.advisoryMs).toBeCloseTo(30_000);
    expect(windows.mandatoryMs).toBeCloseTo(6_000); // 60 s x (30 s / 5 min)
  });
});

describe("drawRefreshAt", () => {
  const windows = { advisoryMs: 15 * MIN, mandatoryMs: MIN };
  const expiration = 1_000_000_000;

  it("spans [expiration - advisory, that + jitter x (advisory - mandatory)]", () => {
    expect(drawRefreshAt(expiration, windows, 0.5, () => 0)).toBe(expiration - 15 * MIN);
    expect(drawRefreshAt(expiration, windows, 0.5, () => 1)).toBe(expiration - 15 * MIN + 7 * MIN);
    expect(drawRefreshAt(expiration, windows, 0, () => 0.9)).toBe(expiration - 15 * MIN);
  });

  it("stays inside its span even when the random source misbehaves", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: false }), fc.double({ min: 0, max: 1, noNaN: true }), (value, jitter) => {
        const at = drawRefreshAt(expiration, windows, jitter, () => value);
        expect(at).toBeGreaterThanOrEqual(expiration - windows.advisoryMs);
        expect(at).toBeLessThanOrEqual(expiration - windows.mandatoryMs);
      }),
    );
  });
});

describe("drawDurationMs", () => {
  it("draws uniformly in [min, max]", () => {
    expect(drawDurationMs([300_000, 600_000], () => 0)).toBe(300_000);
    expect(drawDurationMs([300_000, 600_000], () => 0.5)).toBe(450_000);
    expect(drawDurationMs([1_000, 1_000], () => 0.7)).toBe(1_000);
  });
});
