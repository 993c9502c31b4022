import { afterEach, describe, expect, it, vi } from "vitest";
import { withCredentialCache } from "../engine/cached-provider.js";
import { withRefreshAtHint } from "./refresh-hint.js";

const T0 = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

afterEach(() => vi.useRealTimers());

/** An engine whose source returns one hour sets with the given hint. */
function engineWithHint(hint: number | undefined) {
  vi.useFakeTimers({ now: T0 });
  let n = 0;
  return withCredentialCache(async () => withRefreshAtHint({ accessKeyId: `ASIA${++n}`, secretAccessKey: "s", expiration: new Date(T0 + HOUR) }, hint), { shared: false, random: () => 0.5 });
}

describe("a follower's set takes its leader's refresh instant", () => {
  it("the engine schedules the hinted instant instead of drawing its own", async () => {
    const provider = engineWithHint(T0 + 50 * 60_000);
    await provider();
    expect(provider.stats.nextRefreshAt).toBe(T0 + 50 * 60_000);
    provider.close();
  });

  it("a hint in the past or past the mandatory window is ignored (the engine draws its own)", async () => {
    for (const hint of [T0 - 1, T0 + HOUR - 30_000, Number.NaN]) {
      const provider = engineWithHint(hint);
      await provider();
      const next = provider.stats.nextRefreshAt!;
      expect(next).toBeGreaterThan(T0 + 44 * 60_000);
      expect(next).toBeLessThan(T0 + HOUR - 60_000);
      provider.close();
    }
  });

  it("the hint never shows in the served set", async () => {
    const provider = engineWithHint(T0 + 50 * 60_000);
    const set = await provider();
    expect(Object.getOwnPropertySymbols(set).map(String)).not.toContain("Symbol(irsa-credentials.refresh-at-hint.v1)");
    expect(Object.keys(set).sort()).toEqual(["accessKeyId", "expiration", "secretAccessKey"]);
    provider.close();
  });
});
