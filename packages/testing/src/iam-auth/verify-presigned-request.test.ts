import { inspect } from "node:util";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { IssuedCredentials } from "../local-sts/issued-credentials.js";
import { startLocalSts, type LocalSts } from "../local-sts/local-sts.js";
import { verifyElastiCacheAuthToken, type VerifyElastiCacheAuthTokenOptions } from "./elasticache-auth-token.js";
import { verifyPresignedRequest } from "./verify-presigned-request.js";

const START = Date.UTC(2026, 10, 27, 13, 0, 0);
const ROLE = "arn:aws:iam::111122223333:role/cache-client";
type Signing = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An ElastiCache/MemoryDB token made as AWS documents it: presign `GET http://NAME/?Action=connect&User=ID`, drop the scheme. */
async function cacheToken(signing: Signing, o: { name?: string; user?: string; service?: string; region?: string; serverless?: boolean; action?: string; at?: number; expiresIn?: number } = {}): Promise<string> {
  const name = o.name ?? "my-cache";
  const query: Record<string, string> = { Action: o.action ?? "connect", User: o.user ?? "app-user" };
  if (o.serverless) query.ResourceType = "ServerlessCache";
  const signer = new SignatureV4({ credentials: signing, region: o.region ?? "us-east-1", service: o.service ?? "elasticache", sha256: Hash.bind(null, "sha256") });
  const presigned = await signer.presign(new HttpRequest({ method: "GET", protocol: "http:", hostname: name, path: "/", query, headers: { host: name } }), {
    expiresIn: o.expiresIn ?? 900,
    signingDate: new Date(o.at ?? START),
  });
  const q = Object.entries(presigned.query ?? {}).map(([k, v]) => `${escape(k)}=${escape(String(v))}`).join("&");
  return `${name}/?${q}`;
}

describe("verifyPresignedRequest / verifyElastiCacheAuthToken", () => {
  let sts: LocalSts;
  let set: IssuedCredentials;
  let shortSet: IssuedCredentials;
  let clock = START;
  const now = () => clock;
  const check = (token: string, extra: Partial<VerifyElastiCacheAuthTokenOptions> = {}) =>
    verifyElastiCacheAuthToken(token, { sts, now, cacheName: "my-cache", user: "app-user", ...extra });

  beforeAll(async () => {
    sts = await startLocalSts();
    // The sets are issued at START on the STS's clock; the verifier's clock is stepped by `at`.
    vi.useFakeTimers({ toFake: ["Date"], now: START });
    set = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 3600 });
    shortSet = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 600 });
    vi.useRealTimers();
  });
  afterAll(() => sts.close());
  const at = (offsetMs: number) => {
    clock = START + offsetMs;
  };

  it("accepts a valid ElastiCache token and says who signed it and until when", async () => {
    at(5_000);
    const verdict = await check(await cacheToken(set));
    expect(verdict).toMatchObject({ ok: true, accessKeyId: set.accessKeyId, roleArn: ROLE, service: "elasticache", region: "us-east-1" });
    if (!verdict.ok) throw new Error(verdict.detail);
    expect(verdict.params).toEqual({ Action: "connect", User: "app-user" });
    expect(verdict.tokenExpiresAt.getTime()).toBe(START + 900_000);
  });

  it("accepts serverless and MemoryDB tokens for what they are signed for, nothing else", async () => {
    at(0);
    const serverless = await cacheToken(set, { serverless: true });
    expect((await check(serverless, { serverless: true })).ok).toBe(true);
    expect(await check(serverless)).toMatchObject({ ok: false, reason: "wrong-param" });
    expect(await check(await cacheToken(set), { serverless: true })).toMatchObject({ ok: false, reason: "wrong-param" });
    const memorydb = await cacheToken(set, { service: "memorydb" });
    expect((await check(memorydb, { service: "memorydb" })).ok).toBe(true);
    expect(await check(memorydb)).toMatchObject({ ok: false, reason: "wrong-service" });
  });

  it("a token dies when the set that signed it expires, before its own 15 minutes", async () => {
    const token = await cacheToken(shortSet);
    at(599_000);
    const verdict = await check(token);
    expect(verdict.ok && verdict.validUntil.getTime()).toBe(START + 600_000);
    at(600_000);
    expect(await check(token)).toMatchObject({ ok: false, reason: "credentials-expired", accessKeyId: shortSet.accessKeyId });
  });

  it("a token dies at X-Amz-Date + X-Amz-Expires", async () => {
    const token = await cacheToken(set);
    at(899_999);
    expect((await check(token)).ok).toBe(true);
    at(900_000);
    expect(await check(token)).toMatchObject({ ok: false, reason: "token-expired" });
  });

  it("refuses a token signed more than 15 minutes in the future", async () => {
    at(0);
    expect(await check(await cacheToken(set, { at: START + 16 * 60_000 }))).toMatchObject({ ok: false, reason: "not-yet-valid" });
    expect((await check(await cacheToken(set, { at: START + 14 * 60_000 }))).ok).toBe(true);
  });

  it.each<[string, (s: IssuedCredentials) => Promise<string>, Partial<VerifyElastiCacheAuthTokenOptions>, string]>([
    ["an unknown key", (s) => cacheToken({ ...signingOf(s), accessKeyId: "ASIAUNKNOWNUNKNOWN00" }), {}, "unknown-key"],
    ["a forged session token", (s) => cacheToken({ ...signingOf(s), sessionToken: "forged" }), {}, "bad-session-token"],
    ["no session token", (s) => cacheToken({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey }), {}, "bad-session-token"],
    ["a wrong secret", (s) => cacheToken({ ...signingOf(s), secretAccessKey: "x".repeat(40) }), {}, "bad-signature"],
    ["a parameter added after signing", async (s) => `${await cacheToken(s)}&Extra=1`, {}, "bad-signature"],
    ["another user", (s) => cacheToken(s, { user: "admin" }), {}, "wrong-user"],
    ["another action", (s) => cacheToken(s, { action: "disconnect" }), {}, "wrong-action"],
    ["another cache", (s) => cacheToken(s, { name: "other-cache" }), {}, "wrong-host"],
    ["an upper-case cache name", (s) => cacheToken(s, { name: "My-Cache" }), {}, "wrong-host"],
    ["another region", (s) => cacheToken(s, { region: "eu-west-1" }), { region: "us-east-1" }, "wrong-region"],
    ["another service", (s) => cacheToken(s, { service: "rds-db" }), {}, "wrong-service"],
    ["an expiry beyond a week", (s) => cacheToken(s, { expiresIn: 604_801 }).catch(() => "my-cache/?X-Amz-Expires=604801"), {}, "malformed"],
    ["no signature at all", async () => "my-cache/?Action=connect&User=app-user", {}, "malformed"],
    ["a mangled signature", async (s) => (await cacheToken(s)).replace(/X-Amz-Signature=[0-9a-f]+/, "X-Amz-Signature=zz"), {}, "malformed"],
  ])("refuses %s", async (_name, make, extra, reason) => {
    at(1_000);
    expect(await check(await make(set), extra)).toMatchObject({ ok: false, reason });
  });

  it("never shows a secret in a verdict", async () => {
    at(0);
    const token = await cacheToken(set);
    const verdicts = [await check(token), await check(token, { user: "x" }), await check(token.replace(/X-Amz-Signature=[0-9a-f]{4}/, "X-Amz-Signature=0000"))];
    for (const verdict of verdicts) {
      const shown = JSON.stringify(verdict) + inspect(verdict, { depth: 5 });
      for (const secret of [set.secretAccessKey, set.sessionToken, escape(set.sessionToken)]) expect(shown).not.toContain(secret);
    }
    expect(verdicts.map((v) => v.ok || v.reason)).toEqual([true, "wrong-user", "bad-signature"]);
  });

  it("accepts a header-signed extra header only with its value", async () => {
    at(0);
    const signer = new SignatureV4({ credentials: signingOf(set), region: "us-east-1", service: "execute-api", sha256: Hash.bind(null, "sha256") });
    const presigned = await signer.presign(new HttpRequest({ method: "GET", protocol: "https:", hostname: "api.local", path: "/a%20b/c", query: {}, headers: { host: "api.local", "x-tenant": "t1" } }), { signingDate: new Date(START) });
    const url = `https://api.local/a%20b/c?${Object.entries(presigned.query ?? {}).map(([k, v]) => `${escape(k)}=${escape(String(v))}`).join("&")}`;
    const expectation = { service: "execute-api", host: "api.local" };
    expect((await verifyPresignedRequest(url, expectation, { sts, now, headers: { "x-tenant": "t1" } })).ok).toBe(true);
    expect(await verifyPresignedRequest(url, expectation, { sts, now, headers: { "x-tenant": "t2" } })).toMatchObject({ reason: "bad-signature" });
    expect(await verifyPresignedRequest(url, expectation, { sts, now, method: "PUT", headers: { "x-tenant": "t1" } })).toMatchObject({ reason: "bad-signature" });
  });
});

function signingOf(s: IssuedCredentials): Signing {
  return { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken };
}
