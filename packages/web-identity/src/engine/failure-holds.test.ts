// A bounded source (STS) call rate in every state: each finding of issue 13 injected, the
// source calls counted exactly on the injected clock.
import { describe, expect, it, vi } from "vitest";
import { ScriptedSource, credentialSet, seededRandom, settle } from "@irsa/testing";
import type { CachedCredentialProvider } from "./cache-types.js";
import { HOUR, MINUTE, T0, useEngineClock } from "../test-support/engine-test-clock.js";
import { markNonRecoverable } from "../shared/errors.js";

const { cache } = useEngineClock();

const idpDown = () => new Error("IDPCommunicationError: the identity provider did not answer");
const accessDenied = () => markNonRecoverable(Object.assign(new Error("AccessDenied: not authorized"), { code: "AccessDenied" }));

/** Calls `provider` every `everyMs` until `untilMs` after now, ignoring errors; returns when each source call started. */
async function traffic(provider: CachedCredentialProvider, source: ScriptedSource, everyMs: number, durationMs: number): Promise<number[]> {
  const start = Date.now();
  const starts: number[] = [];
  let seen = source.calls;
  for (let at = 0; at < durationMs; at += everyMs) {
    vi.setSystemTime(start + at);
    await provider().catch(() => undefined);
    await settle(); // a background refresh ends at this instant too
    if (source.calls > seen) starts.push(at), (seen = source.calls);
  }
  return starts;
}

describe("recoverable failure with nothing cached (identity provider down at pod start)", () => {
  it("was 36 STS calls in 5 s for callers back to back; now 4: a jittered exponential backoff from 1 s, callers get the last error at once", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => Promise.reject(idpDown()));
    const provider = cache(source, { random: () => 0 }); // each backoff at its floor: 0.5, 1, 2, 4 s
    const starts = await traffic(provider, source, 10, 5_000);
    expect(starts).toEqual([0, 500, 1_500, 3_500]);
    await expect(provider()).rejects.toThrow("IDPCommunicationError");
  });

  it("caps the backoff at 30 s, so a pod holds credentials within 30 s of the identity provider answering again", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => Promise.reject(idpDown()));
    const provider = cache(source, { random: seededRandom(13) });
    const starts = await traffic(provider, source, 100, 10 * MINUTE);
    const gaps = starts.slice(1).map((at, i) => at - starts[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000);
    expect(gaps.slice(6).every((gap) => gap >= 15_000)).toBe(true); // at the cap: [15 s, 30 s]
    source.answerWith(() => credentialSet("BACK", Date.now() + HOUR));
    const back = Date.now();
    while ((await provider().catch(() => undefined)) === undefined) vi.setSystemTime(Date.now() + 100);
    expect(Date.now() - back).toBeLessThanOrEqual(30_000);
  });

  it("a past Expiration with nothing cached was 20 STS calls for 20 sequential calls; now 1", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => credentialSet("OLD", Date.now() - MINUTE));
    const provider = cache(source);
    for (let i = 0; i < 20; i++) await expect(provider()).rejects.toThrow(/expired at/);
    expect(source.calls).toBe(1);
  });
});

describe("recoverable failure with the set expired (STS down across the expiry), then STS back", () => {
  it("serves the valid set to its expiry, never the expired set, and is back within the 30 s cap", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => credentialSet("A", T0 + HOUR));
    const provider = cache(source, { random: () => 0.5 });
    await provider();
    source.answerWith(() => Promise.reject(new Error("ServiceUnavailable")));
    vi.setSystemTime(T0 + HOUR - 10 * MINUTE);
    const starts = await traffic(provider, source, 1_000, 20 * MINUTE); // STS down 20 min across the expiry
    // The 450 s drawn would pass the instant A must be renewed by (its mandatory window, 540 s
    // away): each retry lands halfway there, behind the callers, until A expires.
    expect(starts.slice(0, 3)).toEqual([0, 270_000, 405_000]);
    expect(starts.filter((start) => start < 10 * MINUTE).length).toBeLessThanOrEqual(16);
    source.answerWith(() => credentialSet("B", Date.now() + HOUR));
    const back = Date.now();
    let served: string | undefined;
    while (served === undefined) {
      vi.setSystemTime(Date.now() + 1_000);
      served = (await provider().catch(() => undefined))?.accessKeyId;
    }
    expect(served).toBe("ASIAB");
    expect(Date.now() - back).toBeLessThanOrEqual(22_500 + 1_000);
  });
});

describe("non-recoverable failure (a broken trust policy) under steady traffic", () => {
  it("AccessDenied with a valid set, 10 requests/s in the advisory window for 14 min: was 115 STS calls, now 12, then at most one a minute", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => credentialSet("A", T0 + HOUR));
    const provider = cache(source, { random: () => 0 });
    await provider();
    source.answerWith(() => Promise.reject(accessDenied()));
    vi.setSystemTime(T0 + 45 * MINUTE); // the advisory window opens (random 0)
    const starts = await traffic(provider, source, 100, 14 * MINUTE);
    // Error cache 1 s, doubling while the same error repeats, up to [150 s, 300 s].
    expect(starts.map((at) => at / 1_000)).toEqual([0, 1, 3, 7, 15, 31, 63, 127, 255, 405, 555, 705]);
    expect((await provider()).accessKeyId).toBe("ASIAA"); // the valid set is served throughout
  });

  it("under a permanent error, at most one call a minute after the first minutes, whatever the draws", async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const source = new ScriptedSource();
      source.answerWith(() => Promise.reject(accessDenied()));
      const provider = cache(source, { random: seededRandom(seed) });
      const starts = await traffic(provider, source, 1_000, HOUR);
      const late = starts.filter((at) => at >= 5 * MINUTE);
      for (let i = 1; i < late.length; i++) expect(late[i]! - late[i - 1]!).toBeGreaterThanOrEqual(MINUTE);
      expect(starts.length).toBeLessThanOrEqual(5 * 12 + 20); // about 1 per 225 s once grown
      vi.setSystemTime(T0);
    }
  });

  it("is reset by what could change the answer: refresh(), invalidate, a changed AWS_* variable", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => credentialSet("A", T0 + HOUR));
    const provider = cache(source, { random: () => 0 });
    await provider();
    source.answerWith(() => Promise.reject(accessDenied()));
    vi.setSystemTime(T0 + HOUR - 30_000); // mandatory: callers wait, and get the error
    await expect(provider()).rejects.toThrow("AccessDenied");
    await expect(provider()).rejects.toThrow("AccessDenied");
    expect(source.calls).toBe(2);
    await expect(provider.refresh()).rejects.toThrow("AccessDenied"); // refresh(): a new call
    expect(source.calls).toBe(3);
    provider.invalidate("ASIAA");
    await expect(provider()).rejects.toThrow("AccessDenied"); // invalidate: a new call
    expect(source.calls).toBe(4);
    await expect(provider()).rejects.toThrow("AccessDenied");
    expect(source.calls).toBe(4);
    process.env.AWS_ROLE_ARN = "arn:aws:iam::111122223333:role/fixed-trust";
    try {
      await expect(provider()).rejects.toThrow("AccessDenied"); // a changed variable: a new call
      expect(source.calls).toBe(5);
    } finally {
      delete process.env.AWS_ROLE_ARN;
    }
  });
});

describe("a blip near expiry (one STS error minutes before the set expires)", () => {
  it("is retried in the background before the mandatory window: 1 failed and 1 good STS call, 0 callers wait", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => credentialSet("A", T0 + HOUR));
    const provider = cache(source, { random: () => 0.5, proactive: true });
    await provider();
    const blockedAfterFirst = provider.stats.blockedCalls;

    // One error 4 minutes before expiry (the advisory refresh behind a caller), STS fine after.
    source.answerWith(() => Promise.reject(new Error("ServiceUnavailable")));
    vi.setSystemTime(T0 + HOUR - 4 * MINUTE);
    await provider();
    await settle();
    expect(source.calls).toBe(2);
    // Was: the 450 s drawn, clamped to the expiry, so no retry before the set expired. Now: at
    // the latest halfway to the mandatory window (90 s), by the proactive timer.
    expect(provider.stats.backoffUntil).toBe(T0 + HOUR - 4 * MINUTE + 90_000);
    source.answerWith(() => credentialSet("B", Date.now() + HOUR));
    // Callers every second up to and past the old expiry: none waits, B arrives before A expires.
    for (let at = T0 + HOUR - 4 * MINUTE; at <= T0 + HOUR + MINUTE; at += 1_000) {
      await vi.advanceTimersByTimeAsync(at - Date.now());
      expect((await provider()).accessKeyId).toMatch(/^ASIA[AB]$/);
    }
    expect(source.calls).toBe(3);
    expect(provider.stats.accessKeyId).toBe("ASIAB");
    expect(provider.stats.blockedCalls).toBe(blockedAfterFirst);
  });

  it("keeps the 5-10 minute backoff when the set has long to live", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => credentialSet("A", T0 + 12 * HOUR));
    const provider = cache(source, { random: () => 0.5 });
    await provider();
    source.answerWith(() => Promise.reject(new Error("ServiceUnavailable")));
    vi.setSystemTime(T0 + 11.5 * HOUR); // advisory (the 60-min window of a 12-h set); 30 min to live
    await provider();
    await settle();
    expect(provider.stats.backoffUntil).toBe(T0 + 11.5 * HOUR + 450_000);
  });
});
