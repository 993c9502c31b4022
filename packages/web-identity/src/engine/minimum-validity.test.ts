// A consumer's minimum validity (withMinimumValidity): every set handed over lives at least that
// long; the engine renews in the background before the set falls below it; a horizon that can
// never be met is refused at construction. All on the injected clock, source calls counted.
import { describe, expect, it, vi } from "vitest";
import { ScriptedSource, credentialSet, settle } from "@irsa/testing";
import { HOUR, MINUTE, T0, useEngineClock } from "../test-support/engine-test-clock.js";
import { ConfigurationError } from "../shared/errors.js";
import { fromWebIdentity } from "../providers/from-web-identity.js";
import { MinimumValidityError } from "./minimum-validity.js";
import { withMinimumValidity } from "./with-minimum-validity.js";

const { cache } = useEngineClock();

/** A source that answers at once with a set living `lifetimeMs` from the clock's now. */
function freshSets(lifetimeMs: number): ScriptedSource {
  const source = new ScriptedSource();
  let n = 0;
  source.answerWith(() => credentialSet(`S${n++}`, Date.now() + lifetimeMs));
  return source;
}

/** Calls `provider` once a minute for `durationMs`; returns the shortest life left and the waits. */
async function everyMinute(provider: () => Promise<{ expiration?: Date }>, durationMs: number) {
  let shortestMs = Infinity;
  for (let at = Date.now(), end = at + durationMs; at <= end; at += MINUTE) {
    await vi.advanceTimersByTimeAsync(at - Date.now());
    const set = await provider();
    shortestMs = Math.min(shortestMs, set.expiration!.getTime() - Date.now());
  }
  return shortestMs;
}

describe("withMinimumValidity over the refresh engine", () => {
  it.each([
    ["15-minute RDS tokens on 1-hour sets", HOUR, 15 * MINUTE, 3],
    ["30-minute presigned URLs on 1-hour sets", HOUR, 30 * MINUTE, 5],
    ["2-hour presigned URLs on 4-hour sets", 4 * HOUR, 2 * HOUR, 2],
  ])("%s: over 2 hours every set has the validity, nobody waits after the first fetch, STS calls stay within one an hour of the default", async (_name, lifetimeMs, horizonMs, maxCalls) => {
    const source = freshSets(lifetimeMs);
    const provider = cache(source, { proactive: true, random: Math.random });
    const signer = withMinimumValidity(provider, horizonMs);
    const shortestMs = await everyMinute(signer, 2 * HOUR);
    expect(shortestMs).toBeGreaterThanOrEqual(horizonMs);
    expect(provider.stats.blockedCalls).toBe(1); // the first fetch only
    const horizonCalls = source.calls;
    expect(horizonCalls).toBeLessThanOrEqual(maxCalls);
    signer.close();
    provider.close();
    // The same engine without the horizon: the calls it saves are at most one an hour.
    const plain = freshSets(lifetimeMs);
    await everyMinute(cache(plain, { proactive: true, random: Math.random }), 2 * HOUR);
    expect(horizonCalls - plain.calls).toBeLessThanOrEqual(2);
  });

  it("keeps the fleet's jitter: 200 engines holding sets with one expiration renew over a spread of instants", async () => {
    const instants = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const source = new ScriptedSource();
      source.answerWith(() => credentialSet("A", T0 + HOUR));
      const provider = cache(source, { shared: false, random: Math.random });
      withMinimumValidity(provider, 15 * MINUTE);
      await provider();
      instants.add(provider.stats.nextRefreshAt!);
      expect(provider.stats.nextRefreshAt!).toBeLessThanOrEqual(T0 + HOUR - 15 * MINUTE - 60_000);
      expect(provider.stats.nextRefreshAt!).toBeGreaterThanOrEqual(T0 + HOUR - 15 * MINUTE - 4.5 * MINUTE);
    }
    expect(instants.size).toBeGreaterThan(150);
  });

  it("a horizon added to an engine that holds a set too short for it: one shared refresh, then served", async () => {
    const source = freshSets(HOUR);
    const provider = cache(source, { proactive: false });
    await provider();
    vi.setSystemTime(T0 + 50 * MINUTE); // 10 minutes left
    const signer = withMinimumValidity(provider, 15 * MINUTE);
    const sets = await Promise.all(Array.from({ length: 50 }, () => signer()));
    expect(source.calls).toBe(2);
    for (const set of sets) expect(set.expiration!.getTime() - Date.now()).toBeGreaterThanOrEqual(15 * MINUTE);
    expect((await provider()).accessKeyId).toBe(sets[0]!.accessKeyId); // plain callers get the new set too
  });

  it("a source that hands out sets too short: a MinimumValidityError naming durationSeconds, and at most one source call a minute", async () => {
    const source = freshSets(10 * MINUTE);
    const provider = cache(source, { proactive: false });
    const signer = withMinimumValidity(provider, 15 * MINUTE);
    for (let second = 0; second < 180; second++) {
      vi.setSystemTime(T0 + second * 1000);
      const error = await signer().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MinimumValidityError);
      expect((error as Error).message).toMatch(/durationSeconds/);
      expect((error as MinimumValidityError).recoverable).toBe(false);
    }
    expect(source.calls).toBeLessThanOrEqual(4);
    expect((await provider()).accessKeyId).toMatch(/^ASIAS/); // plain callers are served
  });

  it("close() gives the horizon back: the schedule returns to the plain one", async () => {
    const source = freshSets(HOUR);
    const provider = cache(source, { random: () => 0 });
    const signer = withMinimumValidity(provider, 30 * MINUTE);
    await provider();
    expect(provider.stats.nextRefreshAt).toBe(T0 + 27 * MINUTE); // 10% of the 30 usable minutes before the horizon
    signer.close();
    expect(provider.stats.nextRefreshAt).toBe(T0 + 45 * MINUTE); // the 15-minute advisory window of a 1-hour set
  });

  it("over a provider not built on the engine: checks each set and asks once more with forceRefresh", async () => {
    let calls = 0;
    const plain = async (properties?: Record<string, unknown>) => {
      calls++;
      return credentialSet(properties?.forceRefresh ? "NEW" : "OLD", Date.now() + (properties?.forceRefresh ? HOUR : 5 * MINUTE));
    };
    const signer = withMinimumValidity(plain, 15 * MINUTE);
    expect((await signer()).accessKeyId).toBe("ASIANEW");
    expect(calls).toBe(2);
    await expect(withMinimumValidity(async () => credentialSet("X", Date.now() + MINUTE), 15 * MINUTE)()).rejects.toBeInstanceOf(MinimumValidityError);
  });
});

describe("a minimum validity that can never be met is refused when the consumer is built", () => {
  it.each([
    ["2 hours on the default 1-hour sets", {}, 2 * HOUR, /2 h cannot be met by sets that live 1 h \(durationSeconds 3600\).*Raise durationSeconds to at least 7500/],
    ["more than 12 hours", { durationSeconds: 43_200 }, 13 * HOUR, /never be met.*12 h/],
    ["more than 1 hour on a chained role", { durationSeconds: 43_200, roleChain: [{ roleArn: "arn:aws:iam::222233334444:role/b" }] }, 61 * MINUTE, /roleChain lives at most 1 h/],
    ["zero", {}, 0, /above 0/],
    ["not a number", {}, "15m" as unknown as number, /above 0/],
  ])("%s", (_name, init, horizonMs, message) => {
    const provider = fromWebIdentity({ roleArn: "arn:aws:iam::111122223333:role/a", webIdentityTokenFile: "/nonexistent", region: "us-east-1", ...init });
    try {
      let error: unknown;
      try {
        withMinimumValidity(provider, horizonMs);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as Error).message).toMatch(message);
    } finally {
      provider.close();
    }
  });

  it("accepts 2-hour validity on 4-hour sets, and 55 minutes on 1-hour sets", () => {
    const fourHours = fromWebIdentity({ roleArn: "arn:aws:iam::111122223333:role/a", webIdentityTokenFile: "/x", region: "us-east-1", durationSeconds: 14_400 });
    const oneHour = fromWebIdentity({ roleArn: "arn:aws:iam::111122223333:role/a", webIdentityTokenFile: "/x", region: "us-east-1" });
    try {
      expect(withMinimumValidity(fourHours, 2 * HOUR).minimumValidityMs).toBe(2 * HOUR);
      expect(withMinimumValidity(oneHour, 55 * MINUTE).minimumValidityMs).toBe(55 * MINUTE);
    } finally {
      fourHours.close();
      oneHour.close();
    }
  });
});

void settle;
