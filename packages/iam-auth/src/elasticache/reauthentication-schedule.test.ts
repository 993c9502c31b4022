import { startLocalSts, verifyElastiCacheAuthToken, type LocalSts } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createRedisCredentialsProvider } from "./redis-credentials-provider.js";
import type { RedisBasicAuth } from "./redis-credentials-provider.js";

const HOUR = 3_600_000;
let sts: LocalSts;
beforeAll(async () => {
  sts = await startLocalSts();
});
afterAll(() => sts.close());
afterEach(() => {
  vi.useRealTimers();
});

describe("re-authentication schedule", () => {
  it("with one 12-hour set, pushes a valid token to every subscriber once an hour (the interval), then a new set at once", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
    let set = sts.issueCredentials({ roleArn: "arn:aws:iam::111122223333:role/app", lifetimeSeconds: 12 * 3600 });
    const provider = createRedisCredentialsProvider({ cacheName: "orders", userId: "app", region: "us-east-1", credentials: async () => set });
    const pushed: Array<{ at: number; auth: RedisBasicAuth; accepted: Promise<boolean> }> = [];
    // Each pushed token checked when it arrives, like the service would on the AUTH it carries.
    const onNext = (auth: RedisBasicAuth) => {
      const at = Date.now();
      const accepted = verifyElastiCacheAuthToken(auth.password!, { sts, cacheName: "orders", user: "app", now: () => at }).then((v) => v.ok);
      pushed.push({ at, auth, accepted });
    };
    const [first, subscription] = await provider.subscribe({ onNext, onError: () => {} });
    const second = await provider.subscribe({ onNext: () => {}, onError: () => {} });
    expect(first).toMatchObject({ username: "app" });
    const t0 = Date.now();
    for (let minute = 1; minute <= 5 * 60; minute++) await vi.advanceTimersByTimeAsync(60_000);
    expect(pushed.map((p) => Math.round((p.at - t0) / HOUR))).toEqual([1, 2, 3, 4, 5]);
    expect(await Promise.all(pushed.map((p) => p.accepted))).toEqual([true, true, true, true, true]);
    // A new set: pushed at the next check, not an hour later.
    set = sts.issueCredentials({ roleArn: "arn:aws:iam::111122223333:role/app", lifetimeSeconds: 12 * 3600 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(pushed).toHaveLength(6);
    expect(provider.pushes).toBe(6);
    expect(provider.tokens.signingKeyId).toBe(set.accessKeyId);
    // Disposing every subscription stops the timer.
    subscription.dispose();
    second[1].dispose();
    expect(vi.getTimerCount()).toBe(0);
    provider.close();
  });
});
