// The deadline of every refresh: a source that never settles cannot hang a caller, and cannot
// pile up calls (at most one abandoned call per engine).
import { describe, expect, it, vi } from "vitest";
import { ScriptedSource, credentialSet, settle, track } from "@irsa/testing";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { CredentialCacheEvent } from "./cache-types.js";
import { DEFAULT_REFRESH_TIMEOUT_MS } from "./cache-options.js";
import { withCredentialCache } from "./cached-provider.js";
import { HOUR, T0, useEngineClock } from "../test-support/engine-test-clock.js";
import { RefreshTimeoutError } from "./refresh-timeout.js";

const { providers } = useEngineClock();

describe("the refresh deadline", () => {
  it("withCredentialCache(() => new Promise(() => {})): every waiter gets a RefreshTimeout after the deadline; one source call in all", async () => {
    let calls = 0;
    const provider = withCredentialCache(() => {
      calls++;
      return new Promise<AwsCredentialIdentity>(() => {});
    });
    providers.push(provider);
    const waiting = [provider(), provider(), provider()].map(track);
    await vi.advanceTimersByTimeAsync(DEFAULT_REFRESH_TIMEOUT_MS - 1);
    expect(waiting.some((call) => call.done)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    for (const call of waiting) {
      const error = await call.promise.catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(RefreshTimeoutError);
      expect(error).toMatchObject({ code: "RefreshTimeout", recoverable: true, timeoutMs: DEFAULT_REFRESH_TIMEOUT_MS });
    }
    // The abandoned call is still pending: no new call starts, however many callers come.
    for (let second = 0; second < 120; second++) {
      await expect(provider()).rejects.toBeInstanceOf(RefreshTimeoutError);
      await vi.advanceTimersByTimeAsync(1_000);
    }
    expect(calls).toBe(1);
    expect(vi.getTimerCount()).toBeLessThanOrEqual(1); // only the proactive timer, if any
  });

  it("a late answer of the abandoned call is kept; then calls go to the source again", async () => {
    const source = new ScriptedSource();
    const events: CredentialCacheEvent[] = [];
    const provider = withCredentialCache(source.provider, { refreshTimeoutMs: 2_000, onEvent: (event) => events.push(event), random: () => 0 });
    providers.push(provider);
    const first = track(provider());
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(first.promise).rejects.toThrow(/refreshTimeoutMs \(2000 ms\)/);
    expect(events.map((event) => event.type)).toEqual(["refresh-started", "refresh-timed-out", "refresh-failed", "backoff"]);
    expect(events.at(-1)).toMatchObject({ rule: "recovery" });
    source.succeed(credentialSet("LATE", Date.now() + HOUR));
    await settle();
    expect((await provider()).accessKeyId).toBe("ASIALATE");
    expect(source.calls).toBe(1);
    expect(source.maxInFlight).toBe(1);
  });

  it("with a valid set cached, a timed-out refresh in the mandatory window serves that set (static stability)", async () => {
    const source = new ScriptedSource();
    const provider = withCredentialCache(source.provider, { refreshTimeoutMs: 2_000, random: () => 0, proactive: false });
    providers.push(provider);
    const first = provider();
    await settle();
    source.succeed(credentialSet("A", T0 + HOUR));
    await first;
    vi.setSystemTime(T0 + HOUR - 30_000);
    const waiting = track(provider());
    await settle();
    source.hang();
    await vi.advanceTimersByTimeAsync(2_000);
    expect((await waiting.promise).accessKeyId).toBe("ASIAA");
    // Inside the mandatory window the retry comes after one recovery step (0.5 s with random() = 0), behind the callers.
    expect(provider.stats.backoffUntil).toBe(T0 + HOUR - 28_000 + 500);
  });

  it("refuses a deadline that is not a positive timer delay", () => {
    for (const refreshTimeoutMs of [0, -1, Number.NaN, 2 ** 31]) {
      expect(() => withCredentialCache(async () => credentialSet("X", undefined), { refreshTimeoutMs })).toThrow(/refreshTimeoutMs/);
    }
  });
});
