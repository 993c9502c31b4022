import { inspect } from "node:util";
import { describe, expect, it, vi } from "vitest";
import type { CachedCredentialProvider, CredentialCacheEvent, CredentialCacheOptions } from "./cache-types.js";
import { DEFAULT_JITTER } from "./cache-options.js";
import { ConfigurationError, IrsaCredentialsError, markNonRecoverable } from "../shared/errors.js";
import { cachedProvider, withCredentialCache } from "./cached-provider.js";
import { HOUR, MINUTE, T0, useEngineClock } from "../test-support/engine-test-clock.js";
import { ScriptedSource, credentialSet, recordingLogger, settle, track } from "@irsa/testing";

// A one-hour set received at T0: advisory window 15 min, mandatory 60 s. With random() = 0 the
// refresh instant is the start of the advisory window, backoffs last 300 s, error caches 1 s.
const EXPIRES = T0 + HOUR;
const REFRESH_AT = EXPIRES - 15 * MINUTE;
const MANDATORY_AT = EXPIRES - MINUTE;
const BACKOFF = 300_000;
/** The first recovery backoff with random() = 0: half of 1 s. */
const RECOVERY_FIRST = 500;

const { cache } = useEngineClock({ random: () => 0 });

/** An engine holding set A (one hour, received at T0). */
async function primed(options: CredentialCacheOptions = {}) {
  const source = new ScriptedSource();
  const events: CredentialCacheEvent[] = [];
  const { lines, logger } = recordingLogger();
  const provider = cache(source, { onEvent: (event) => events.push(event), logger, ...options });
  const first = provider();
  await settle();
  source.succeed(credentialSet("A", EXPIRES));
  expect((await first).accessKeyId).toBe("ASIAA");
  return { source, provider, events, lines };
}

async function at(time: number): Promise<void> {
  await vi.advanceTimersByTimeAsync(time - Date.now());
}

const recoverable = () => new Error("ThrottlingException: Rate exceeded");
const nonRecoverable = () => markNonRecoverable(new Error("AccessDenied: not authorized to assume the role"));

describe("the refresh engine, behaviour by behaviour", () => {
  it("1. with nothing cached, concurrent callers share one fetch; a failed first fetch raises, later callers get that error at once until the recovery backoff ends", async () => {
    const source = new ScriptedSource();
    const provider = cache(source);

    const failing = [provider(), provider(), provider()].map(track);
    await settle();
    expect(source.calls).toBe(1);
    source.fail(recoverable());
    await settle();
    for (const call of failing) await expect(call.promise).rejects.toThrow("Rate exceeded");
    // Recovery backoff: 1 s first, drawn in [0.5 s, 1 s]; random() = 0 gives 0.5 s.
    expect(provider.stats.backoffUntil).toBe(T0 + RECOVERY_FIRST);
    for (let i = 0; i < 20; i++) await expect(provider()).rejects.toThrow("Rate exceeded");
    expect(source.calls).toBe(1);

    await at(T0 + RECOVERY_FIRST);
    const callers = [provider(), provider(), provider()];
    await settle();
    expect(source.calls).toBe(2);
    source.succeed(credentialSet("A", EXPIRES));
    const results = await Promise.all(callers);
    expect(results.map((set) => set.accessKeyId)).toEqual(["ASIAA", "ASIAA", "ASIAA"]);
    expect(source.maxInFlight).toBe(1);
    expect(provider.stats).toMatchObject({ sourceCalls: 2, failures: 1, blockedCalls: 6 });
  });

  it("2. outside the advisory window, a call returns the cached set at once: no source call, the same promise", async () => {
    const { source, provider } = await primed();
    await at(REFRESH_AT - 1);
    const first = provider();
    for (let i = 0; i < 1_000; i++) expect(provider()).toBe(first);
    expect((await first).accessKeyId).toBe("ASIAA");
    expect(source.calls).toBe(1);
    expect(provider.stats.blockedCalls).toBe(1);
  });

  it("3. inside the advisory window, callers get the cached set at once and one background refresh starts, none while one runs or during a backoff", async () => {
    const { source, provider, events } = await primed();
    await at(REFRESH_AT);
    const calls = [provider(), provider(), provider()];
    await settle();
    expect(source.calls).toBe(2);
    expect((await Promise.all(calls)).map((set) => set.accessKeyId)).toEqual(["ASIAA", "ASIAA", "ASIAA"]);
    expect(events.filter((event) => event.type === "refresh-started").at(-1)).toMatchObject({
      reason: "advisory",
      background: true,
    });

    source.fail(recoverable());
    await settle();
    expect(provider.stats.backoffUntil).toBe(REFRESH_AT + BACKOFF);
    for (let i = 0; i < 10; i++) expect((await provider()).accessKeyId).toBe("ASIAA");
    await at(REFRESH_AT + BACKOFF - 1);
    await provider();
    expect(source.calls).toBe(2); // the backoff holds

    await at(REFRESH_AT + BACKOFF);
    expect((await provider()).accessKeyId).toBe("ASIAA");
    expect(source.calls).toBe(3);
    source.succeed(credentialSet("B", REFRESH_AT + BACKOFF + HOUR));
    await settle();
    expect((await provider()).accessKeyId).toBe("ASIAB");
    expect(provider.stats.blockedCalls).toBe(1); // only the very first fetch waited
  });

  it("4. inside the mandatory window or expired, callers wait for one refresh; a recoverable failure serves a still-valid set, never an expired one, logs a warning and backs off", async () => {
    const { source, provider, lines, events } = await primed();
    await at(MANDATORY_AT);
    const waiting = [provider(), provider()].map(track);
    await settle();
    expect(waiting.some((call) => call.done)).toBe(false);
    expect(source.calls).toBe(2);
    source.succeed(credentialSet("B", MANDATORY_AT + HOUR));
    expect((await waiting[0]!.promise).accessKeyId).toBe("ASIAB");
    expect((await waiting[1]!.promise).accessKeyId).toBe("ASIAB");

    // Mandatory window of B; the refresh fails: static stability serves B, and the retry comes
    // after one recovery step (the 300 s drawn would reach past the instant B must be renewed by).
    const bMandatory = MANDATORY_AT + HOUR - MINUTE;
    const bExpires = MANDATORY_AT + HOUR;
    await at(bMandatory);
    const blocked = track(provider());
    await settle();
    expect(blocked.done).toBe(false);
    source.fail(recoverable());
    expect((await blocked.promise).accessKeyId).toBe("ASIAB");
    expect(lines.filter((line) => line.level === "warn")).toHaveLength(1);
    expect(lines.find((line) => line.level === "warn")!.text).toMatch(/serving the cached credentials ASIAB \(valid until/);
    expect(events.filter((event) => event.type === "backoff")).toEqual([{ type: "backoff", at: bMandatory, until: bMandatory + RECOVERY_FIRST, rule: "backoff" }]);

    // During the backoff nobody contacts the source, and nobody waits; refresh() keeps it too.
    await at(bMandatory + RECOVERY_FIRST - 1);
    expect((await provider()).accessKeyId).toBe("ASIAB");
    await expect(provider({ forceRefresh: true })).resolves.toMatchObject({ accessKeyId: "ASIAB" });
    await provider.refresh();
    expect(source.calls).toBe(3);

    // After it, still in B's mandatory window, the retry runs behind the callers: nobody waits.
    await at(bMandatory + RECOVERY_FIRST);
    const behind = track(provider());
    await settle();
    expect(behind.done).toBe(true);
    expect(source.calls).toBe(4);
    source.fail(recoverable());
    await settle();
    expect((await provider()).accessKeyId).toBe("ASIAB");

    // B expired: the next call waits; a failure now raises (an expired set is never served) and
    // starts the short recovery backoff.
    await at(bExpires);
    const expired = track(provider());
    await settle();
    expect(source.calls).toBe(5);
    source.fail(recoverable());
    await expect(expired.promise).rejects.toThrow("Rate exceeded");
    expect(events.filter((event) => event.type === "backoff").at(-1)).toEqual({ type: "backoff", at: bExpires, until: bExpires + RECOVERY_FIRST, rule: "recovery" });
    await expect(provider()).rejects.toThrow("Rate exceeded");
    expect(source.calls).toBe(5);

    await at(bExpires + RECOVERY_FIRST);
    const afterBackoff = track(provider());
    await settle();
    expect(afterBackoff.done).toBe(false);
    expect(source.calls).toBe(6);
    source.succeed(credentialSet("C", bExpires + HOUR));
    expect((await afterBackoff.promise).accessKeyId).toBe("ASIAC");
  });

  it("5. a set that arrives already expired is a failed refresh, and a set that arrives inside its windows is not refreshed on every call", async () => {
    const { source, provider } = await primed();
    await at(MANDATORY_AT);
    const call = provider();
    await settle();
    source.succeed(credentialSet("STALE", MANDATORY_AT)); // expiration == now
    expect((await call).accessKeyId).toBe("ASIAA");
    // Inside the mandatory window: a recovery step, then a retry behind the callers.
    expect(provider.stats).toMatchObject({ failures: 1, backoffUntil: MANDATORY_AT + RECOVERY_FIRST, accessKeyId: "ASIAA" });

    // Nothing cached and an expired answer: raised and backed off, not retried per call.
    const empty = new ScriptedSource();
    const fresh = cache(empty);
    empty.answerWith(() => credentialSet("OLD", Date.now() - 1));
    await expect(fresh()).rejects.toThrow(/expired at/);
    await expect(fresh()).rejects.toBeInstanceOf(IrsaCredentialsError);
    expect(empty.calls).toBe(1);

    // A source handing out 30-second sets: far inside the 5-minute advisory window.
    const short = new ScriptedSource();
    short.answerWith(() => credentialSet("SHORT", Date.now() + 30_000));
    const shortLived = cache(short);
    const start = Date.now();
    for (let step = 0; step < 600; step++) {
      await shortLived();
      await vi.advanceTimersByTimeAsync(100);
    }
    const elapsed = Date.now() - start; // 60 s, 600 calls
    expect(short.calls).toBeGreaterThanOrEqual(2);
    expect(short.calls).toBeLessThanOrEqual(Math.ceil(elapsed / 7_500) + 1); // at most one per quarter lifetime
  });

  it("6. a non-recoverable error is raised at once to the waiting callers, applies no backoff, is cached briefly (longer while it repeats) and is reported from the background", async () => {
    const { source, provider, events, lines } = await primed();

    // In the background (advisory): reported, and the still-valid set keeps being served.
    await at(REFRESH_AT);
    expect((await provider()).accessKeyId).toBe("ASIAA");
    await settle();
    source.fail(nonRecoverable());
    await settle();
    expect(events.filter((event) => event.type === "refresh-failed").at(-1)).toMatchObject({ reason: "advisory", recoverable: false, errorName: "Error" });
    expect(events.at(-1)).toMatchObject({ type: "error-cached", until: REFRESH_AT + 1_000 });
    expect(lines.filter((line) => line.level === "error").map((line) => line.text)).toEqual([
      expect.stringMatching(/non-recoverable.*serving the cached credentials ASIAA/),
    ]);
    expect(provider.stats.backoffUntil).toBeUndefined();
    expect((await provider()).accessKeyId).toBe("ASIAA");

    // Mandatory: the waiting callers get the error, all from one source call.
    await at(MANDATORY_AT);
    const waiting = [provider(), provider(), provider()].map(track);
    await settle();
    expect(source.calls).toBe(3);
    const error = nonRecoverable();
    source.fail(error);
    for (const call of waiting) await expect(call.promise).rejects.toBe(error);
    expect(provider.stats.backoffUntil).toBeUndefined();

    // The error cache answers a burst without the source: the same failure again, so its time
    // doubled (1 s, now 2 s with random() = 0).
    for (let i = 0; i < 20; i++) await expect(provider()).rejects.toBe(error);
    expect(source.calls).toBe(3);
    await at(MANDATORY_AT + 1_999);
    await expect(provider()).rejects.toBe(error);
    await at(MANDATORY_AT + 2_000);
    const retry = track(provider());
    await settle();
    expect(source.calls).toBe(4);
    source.succeed(credentialSet("B", MANDATORY_AT + HOUR));
    expect((await retry.promise).accessKeyId).toBe("ASIAB");
  });

  it("6. errorCacheMs: 0 turns the error cache off", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => {
      throw nonRecoverable();
    });
    const provider = cache(source, { errorCacheMs: 0 });
    for (let i = 0; i < 3; i++) await expect(provider()).rejects.toThrow("AccessDenied");
    expect(source.calls).toBe(3);
  });

  it("7. invalidate(accessKeyId) sends the next call through a blocking refresh only for the cached key, keeps serving on failure and respects a backoff", async () => {
    const { source, provider, events } = await primed();
    provider.invalidate("ASIASTALE");
    expect((await provider()).accessKeyId).toBe("ASIAA");
    expect(source.calls).toBe(1);
    expect(provider.peek().wouldBlock).toBe(false);

    await at(T0 + MINUTE);
    provider.invalidate("ASIAA");
    expect(events.at(-1)).toEqual({ type: "invalidated", at: T0 + MINUTE, accessKeyId: "ASIAA" });
    expect(provider.peek().wouldBlock).toBe(true);
    const blocked = track(provider());
    await settle();
    expect(blocked.done).toBe(false);
    expect(source.properties.at(-1)).toEqual({ forceRefresh: true });
    source.fail(recoverable());
    expect((await blocked.promise).accessKeyId).toBe("ASIAA"); // on failure: the cached set

    // A backoff is active: no source call until it ends, even though the key was rejected.
    provider.invalidate("ASIAA");
    expect((await provider()).accessKeyId).toBe("ASIAA");
    expect(source.calls).toBe(2);
    await at(T0 + MINUTE + BACKOFF);
    const afterBackoff = provider();
    await settle();
    expect(source.calls).toBe(3);
    source.succeed(credentialSet("B", T0 + MINUTE + BACKOFF + HOUR));
    expect((await afterBackoff).accessKeyId).toBe("ASIAB");
    expect((await provider()).accessKeyId).toBe("ASIAB");
    expect(source.calls).toBe(3);
  });

  it("8. forceRefresh and refresh() are blocking refreshes, single flight with each other and with a background refresh; a caller's forceRefresh reaches the source at most once a minute", async () => {
    const { source, provider, events } = await primed();
    // Within a minute of the set's arrival, a caller's forceRefresh (a signer's guard on every
    // call, many connections at once) is answered by that set: no source call.
    for (let i = 0; i < 50; i++) expect((await provider({ forceRefresh: true })).accessKeyId).toBe("ASIAA");
    expect(source.calls).toBe(1);
    await at(T0 + MINUTE);
    const forced = [provider({ forceRefresh: true }), provider.refresh(), provider({ forceRefresh: true })].map(track);
    await settle();
    expect(source.calls).toBe(2);
    expect(forced.some((call) => call.done)).toBe(false);
    expect(events.at(-1)).toMatchObject({ type: "refresh-started", reason: "forced", background: false });
    source.succeed(credentialSet("B", T0 + 2 * HOUR));
    for (const call of forced) expect((await call.promise).accessKeyId).toBe("ASIAB");

    // refresh() while a background refresh runs joins it.
    await at(T0 + 2 * HOUR - 60 * MINUTE); // set B lived 2 h: 60-minute advisory window
    await provider();
    await settle();
    expect(source.calls).toBe(3);
    const joined = track(provider.refresh());
    await settle();
    expect(source.calls).toBe(3);
    expect(joined.done).toBe(false);
    source.succeed(credentialSet("C", T0 + 3 * HOUR));
    expect((await joined.promise).accessKeyId).toBe("ASIAC");
  });

  it("9. a failed background refresh never becomes an unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const throwingHooks = {
        onEvent: () => {
          throw new Error("listener bug");
        },
        logger: {
          error: () => {
            throw new Error("logger bug");
          },
          warn: () => {
            throw new Error("logger bug");
          },
        },
      };
      for (const failure of [recoverable(), nonRecoverable(), "a string, not an Error", undefined]) {
        vi.setSystemTime(T0);
        const { source, provider } = await primed(throwingHooks);
        await at(REFRESH_AT);
        source.answerWith(() => Promise.reject(failure));
        expect((await provider()).accessKeyId).toBe("ASIAA"); // served; the refresh runs behind
        await settle();
        expect(provider.stats).toMatchObject({ sourceCalls: 2, failures: 1 });
      }
      // The proactive timer path, with nobody calling at all.
      const timed = new ScriptedSource();
      timed.answerWith(() => credentialSet("T", Date.now() + HOUR));
      const timedProvider = cache(timed, { ...throwingHooks, proactive: true });
      await timedProvider();
      timed.answerWith(() => Promise.reject(recoverable()));
      await vi.advanceTimersByTimeAsync(HOUR);
      expect(timed.calls).toBeGreaterThan(1);
      await settle();
      await settle();
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("10. an error that says nothing is recoverable; recoverable: false (markNonRecoverable, ConfigurationError) is not", async () => {
    const outcomes: Array<[unknown, boolean]> = [
      [new Error("plain"), true],
      ["a thrown string", true],
      [Object.assign(new Error("explicit"), { recoverable: true }), true],
      [new IrsaCredentialsError("ours, default"), true],
      [Object.assign(new Error("flagged"), { recoverable: false }), false],
      [markNonRecoverable(new TypeError("marked")), false],
      [new ConfigurationError("bad role ARN"), false],
    ];
    for (const [error, expectRecoverable] of outcomes) {
      const { source, provider, events } = await primed();
      await at(Date.now() + HOUR); // expired: a waiting caller
      source.answerWith(() => Promise.reject(error));
      const result = await provider().then(
        (set) => set.accessKeyId,
        (thrown: unknown) => thrown,
      );
      expect(events.find((event) => event.type === "refresh-failed")).toMatchObject({ recoverable: expectRecoverable });
      if (expectRecoverable) {
        expect(result).toBe(error); // expired: raised, never served
        expect(provider.stats.backoffUntil).toBeGreaterThan(Date.now());
      } else {
        expect(result).toBe(error);
        expect(provider.stats.backoffUntil).toBeUndefined();
      }
      vi.setSystemTime(T0);
    }
  });
});

describe("the proactive timer", () => {
  it("refreshes at the drawn instant with no traffic, unref()ed, and re-arms after each refresh", async () => {
    const setTimeoutSpy = vi.spyOn(globalThis, "setTimeout");
    const { source, events } = await primed({ proactive: true });
    const timer = setTimeoutSpy.mock.results.at(-1)!.value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);

    await at(REFRESH_AT - 1);
    expect(source.calls).toBe(1);
    await at(REFRESH_AT);
    expect(source.calls).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: "refresh-started", reason: "advisory", background: true });
    source.succeed(credentialSet("B", REFRESH_AT + HOUR));
    await settle();
    await at(REFRESH_AT + HOUR - 15 * MINUTE);
    expect(source.calls).toBe(3);
  });

  it("fires exactly at a drawn instant that is not a round number (whole milliseconds, no re-arm loop)", async () => {
    const { source, provider, events } = await primed({ proactive: true, random: () => 0.123456789 });
    const nextRefreshAt = provider.stats.nextRefreshAt!;
    expect(Number.isInteger(nextRefreshAt)).toBe(true);
    expect(nextRefreshAt).toBe(Math.ceil(REFRESH_AT + 0.123456789 * DEFAULT_JITTER * 14 * MINUTE));
    await at(nextRefreshAt - 1);
    expect(source.calls).toBe(1);
    await at(nextRefreshAt);
    expect(source.calls).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: "refresh-started", at: nextRefreshAt });
  });

  it("re-arms when a backoff ends", async () => {
    const { source } = await primed({ proactive: true });
    await at(REFRESH_AT);
    source.fail(recoverable());
    await settle();
    await at(REFRESH_AT + BACKOFF - 1);
    expect(source.calls).toBe(2);
    await at(REFRESH_AT + BACKOFF);
    expect(source.calls).toBe(3);
  });

  it("is cleared by close(); the provider still answers afterwards", async () => {
    const { source, provider } = await primed({ proactive: true });
    expect(vi.getTimerCount()).toBe(1);
    provider.close();
    expect(vi.getTimerCount()).toBe(0);
    await at(REFRESH_AT + MINUTE);
    expect(source.calls).toBe(1);
    expect((await provider()).accessKeyId).toBe("ASIAA"); // advisory: served, refreshed in background
    expect(source.calls).toBe(2);
    source.succeed(credentialSet("B", Date.now() + HOUR));
    await settle();
    expect(vi.getTimerCount()).toBe(0); // no timer after close
  });

  it("close() during a refresh lets it finish; what the source holds is released when it ends", async () => {
    const source = new ScriptedSource();
    let released = 0;
    const provider = cachedProvider(source.provider, { random: () => 0, proactive: false }, { close: () => void released++ });
    const call = provider();
    await settle();
    expect(source.calls).toBe(1);
    provider.close(); // also what a collected last provider does
    expect(released).toBe(0); // the fetch still uses its client and socket
    source.succeed(credentialSet("A", Date.now() + HOUR));
    await expect(call).resolves.toMatchObject({ accessKeyId: "ASIAA" });
    expect(released).toBe(1);
  });

  it("re-checks the clock when it fires late (a frozen process) or early", async () => {
    const { source, events } = await primed({ proactive: true });
    // Frozen: the wall clock jumps past expiration while the timer has not fired yet.
    vi.setSystemTime(EXPIRES + MINUTE);
    await vi.advanceTimersByTimeAsync(REFRESH_AT - T0);
    expect(source.calls).toBe(2);
    expect(events.at(-1)).toMatchObject({ type: "refresh-started", reason: "expired", background: true });
    source.succeed(credentialSet("B", Date.now() + HOUR));
    await settle();

    // Early: an injected clock behind the timers delays the refresh until it says so.
    let clock = T0;
    const lagging = new ScriptedSource();
    lagging.answerWith(() => credentialSet("L", clock + HOUR));
    const provider = cache(lagging, { proactive: true, now: () => clock });
    await provider();
    await vi.advanceTimersByTimeAsync(45 * MINUTE); // the timer fires, the clock says T0
    expect(lagging.calls).toBe(1);
    clock = T0 + 45 * MINUTE;
    await vi.advanceTimersByTimeAsync(45 * MINUTE); // re-armed for the remaining 45 min
    expect(lagging.calls).toBe(2);
  });

  it("caches a set without expiration forever, with no timer", async () => {
    const source = new ScriptedSource();
    source.answerWith(() => credentialSet("STATIC", undefined));
    const provider = cache(source, { proactive: true });
    await provider();
    expect(vi.getTimerCount()).toBe(0);
    await at(T0 + 10 * 365 * 24 * HOUR);
    expect((await provider()).accessKeyId).toBe("ASIASTATIC");
    expect(source.calls).toBe(1);
    expect(provider.stats).toMatchObject({ expiration: undefined, nextRefreshAt: undefined });
  });
});

describe("what the engine shows", () => {
  it("returns credentials readable by the SDK but redacted in JSON and inspect", async () => {
    const { provider } = await primed();
    const set = await provider();
    expect(set.secretAccessKey).toBe("SECRET-A-wJalrXUtnFEMI");
    expect(set.sessionToken).toBe("TOKEN-A-IQoJb3JpZ2luX2Vj");
    expect(set.expiration).toEqual(new Date(EXPIRES));
    for (const text of [JSON.stringify(set), inspect(set), inspect({ credentials: set })]) {
      expect(text).toContain("ASIAA");
      expect(text).not.toMatch(/SECRET-A|TOKEN-A/);
    }
  });

  it("never puts a secret in stats, events or log lines, even from an error message", async () => {
    const { source, provider, events, lines } = await primed();
    await at(EXPIRES);
    source.answerWith(() => Promise.reject(new Error("echoed body: SessionToken=TOKEN-A-IQoJb3JpZ2luX2Vj")));
    await expect(provider()).rejects.toThrow("echoed body");
    await expect(provider.refresh()).rejects.toThrow("echoed body");
    const printed = JSON.stringify({ events, lines, stats: provider.stats, peek: provider.peek() }) + inspect(provider.stats);
    expect(printed).toContain("ASIAA");
    expect(printed).not.toMatch(/SECRET-A|TOKEN-A/);
  });

  it("reports stats and peek()", async () => {
    const { source, provider } = await primed();
    expect(provider.stats).toEqual({
      sourceCalls: 1,
      failures: 0,
      blockedCalls: 1,
      lastRefreshAt: T0,
      nextRefreshAt: REFRESH_AT,
      expiration: EXPIRES,
      backoffUntil: undefined,
      accessKeyId: "ASIAA",
    });
    expect(provider.peek()).toMatchObject({ credentials: { accessKeyId: "ASIAA" }, wouldBlock: false });
    await at(MANDATORY_AT);
    expect(provider.peek().wouldBlock).toBe(true);
    source.answerWith(() => Promise.reject(recoverable()));
    await provider();
    expect(provider.peek().wouldBlock).toBe(false); // backoff: the cached set is served
    expect(provider.stats).toMatchObject({ failures: 1, backoffUntil: MANDATORY_AT + RECOVERY_FIRST, nextRefreshAt: MANDATORY_AT + RECOVERY_FIRST }); // a retry before expiry
    expect(cache(new ScriptedSource()).peek()).toEqual({ credentials: undefined, wouldBlock: true });
  });

  it("rejects invalid options with a ConfigurationError naming the option", () => {
    const source = new ScriptedSource().provider;
    expect(() => withCredentialCache(source, { jitter: 2 })).toThrow(/jitter/);
    expect(() => withCredentialCache(source, { advisoryWindowMs: 30_000, mandatoryWindowMs: 60_000 })).toThrow(
      ConfigurationError,
    );
    expect(() => withCredentialCache(source, { failureBackoffMs: [10, 5] })).toThrow(/failureBackoffMs/);
    expect(() => withCredentialCache(source, { errorCacheMs: [-1, 5] })).toThrow(/errorCacheMs/);
    expect(() => withCredentialCache(source, { mandatoryWindowMs: Number.NaN })).toThrow(/mandatoryWindowMs/);
    expect(() => withCredentialCache(undefined as never)).toThrow(/credential provider function/);
    expect(() => withCredentialCache(source, { errorCacheMs: 0, proactive: false }).close()).not.toThrow();
  });
});
