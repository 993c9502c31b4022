import { createOidcIssuer, startIrsaWorld, type IrsaWorld, type OidcIssuer } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { CredentialCacheEvent } from "../../engine/cache-types.js";
import { createWebIdentityProvider, type WebIdentityCredentialProvider } from "../../providers/from-web-identity.js";

const START = Date.UTC(2026, 11, 1, 12, 0, 0);
const MINUTE = 60_000;

let issuer: OidcIssuer;
let world: IrsaWorld | undefined;
let provider: WebIdentityCredentialProvider | undefined;

beforeAll(async () => {
  issuer = await createOidcIssuer();
});
afterAll(async () => {
  await issuer.close();
});
afterEach(async () => {
  provider?.close();
  provider = undefined;
  vi.useRealTimers();
  await world?.close();
  world = undefined;
});

/** A provider whose clock is `offsetMs` off the true time (the local STS keeps the true time). */
function skewedProvider(offsetMs: number, collect: { events: CredentialCacheEvent[]; warnings: string[] }) {
  provider = createWebIdentityProvider(
    {
      now: () => Date.now() + offsetMs,
      proactive: false,
      retry: { maxAttempts: 1 },
      logger: { warn: (message: string) => collect.warnings.push(message) },
      onEvent: (event) => collect.events.push(event),
    },
    { env: () => world!.env },
  );
  return provider;
}

describe("skew-aware lifetimes against a local STS on the true clock", () => {
  for (const [label, offsetMs] of [
    ["10 min behind", -10 * MINUTE],
    ["10 min ahead", 10 * MINUTE],
    ["2 h ahead", 120 * MINUTE],
  ] as const) {
    it(`local clock ${label}: 2 h at one call per 10 s, 15-minute sets: never a set AWS considers expired, <= 1 STS call a minute`, async () => {
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(START);
      world = await startIrsaWorld({ issuer, tokenTtlSeconds: 86_400, credentialLifetimeSeconds: 900 });
      const collect = { events: [] as CredentialCacheEvent[], warnings: [] as string[] };
      const fetch = skewedProvider(offsetMs, collect);
      const durationMs = 120 * MINUTE;
      let expiredForAws = 0;
      for (let t = 0; t <= durationMs; t += 10_000) {
        vi.setSystemTime(START + t);
        const set = await fetch();
        if (world.sts.issuedCredentials.get(set.accessKeyId)!.isExpired(Date.now())) expiredForAws++;
      }
      await fetch.refresh().catch(() => undefined); // let a background refresh settle before counting
      expect(expiredForAws).toBe(0);
      const calls = world.sts.calls("AssumeRoleWithWebIdentity");
      expect(calls).toBeLessThanOrEqual(durationMs / MINUTE);
      expect(calls).toBeLessThanOrEqual(12); // ~1 per 10-14 min of a 15-minute set, plus the refresh() above
      // Server minus local: the opposite of the local clock's offset, to the Date header's second.
      expect(Math.abs(fetch.stats.clockSkewMs! + offsetMs)).toBeLessThanOrEqual(1_500);
      const skewEvents = collect.events.filter((event) => event.type === "clock-skew");
      expect(skewEvents.length).toBeGreaterThanOrEqual(1);
      expect(skewEvents[0]).toMatchObject({ type: "clock-skew", endpoint: expect.stringContaining("127.0.0.1") });
      const skewWarnings = collect.warnings.filter((message) => message.includes("clock is"));
      expect(skewWarnings).toHaveLength(1);
      expect(skewWarnings[0]).toContain(offsetMs > 0 ? "ahead of STS's" : "behind STS's");
    });
  }

  it("local clock 10 min ahead, a token with 5 min of true life: sent to STS (which accepts it), not refused locally", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(START);
    world = await startIrsaWorld({ issuer, tokenTtlSeconds: 300 });
    const collect = { events: [] as CredentialCacheEvent[], warnings: [] as string[] };
    const fetch = skewedProvider(10 * MINUTE, collect);
    const set = await fetch();
    expect(world.sts.isIssued(set.accessKeyId)).toBe(true);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
    // Now that the skew is known, the token's exp is judged on STS's clock: still valid.
    await expect(fetch.refresh()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(2);
  });

  it("a token expired for AWS too (skew measured) is refused locally, with no further STS call", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(START);
    world = await startIrsaWorld({ issuer, tokenTtlSeconds: 600 });
    const collect = { events: [] as CredentialCacheEvent[], warnings: [] as string[] };
    const fetch = skewedProvider(-10 * MINUTE, collect);
    await fetch();
    vi.setSystemTime(START + 11 * MINUTE); // the token (never rotated here) is past its exp for STS
    const error = await fetch.refresh().catch((e: unknown) => e);
    expect((error as { problem?: string }).problem).toBe("expired");
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
  });
});
