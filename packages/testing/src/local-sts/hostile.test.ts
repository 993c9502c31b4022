import { request } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOidcIssuer, type OidcIssuer } from "../oidc-issuer.js";
import { postForm, xmlText } from "../test-support/raw-http.js";
import { startLocalSts, type LocalSts } from "./local-sts.js";

const ROLE = "arn:aws:iam::111122223333:role/web";
const OTHER = "arn:aws:iam::999999999999:role/elsewhere";

describe("local STS playing a hostile STS", () => {
  let issuer: OidcIssuer;
  let sts: LocalSts;

  beforeAll(async () => {
    issuer = await createOidcIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });
  beforeEach(async () => {
    sts = await startLocalSts({ issuers: [issuer], roles: [{ roleArn: ROLE, trust: { issuer, subjects: ["*"] } }] });
  });
  afterEach(async () => {
    await sts.close();
  });

  const assume = async () =>
    postForm(sts.endpoint, { Action: "AssumeRoleWithWebIdentity", RoleArn: ROLE, RoleSessionName: "s1", WebIdentityToken: await issuer.mintToken() });

  it("a skewed clock moves its Date header and the Expiration it issues", async () => {
    sts.hostile.skewClock(30 * 60_000);
    const before = Date.now();
    const res = await assume();
    expect(res.status).toBe(200);
    const date = Date.parse(String(res.headers.date));
    expect(date - before).toBeGreaterThan(30 * 60_000 - 2_000);
    expect(date - before).toBeLessThan(30 * 60_000 + 2_000);
    const expiration = Date.parse(xmlText(res.body, "Expiration")!);
    expect(expiration - date).toBeGreaterThan(3600_000 - 2_000);
    expect(expiration - date).toBeLessThan(3600_000 + 2_000);
  });

  it("judges the token's exp by its own clock", async () => {
    sts.hostile.skewClock(30 * 60_000); // tokens of the issuer live one hour by default
    const res = await assume();
    expect(res.status).toBe(200);
    sts.hostile.skewClock(2 * 3600_000);
    const late = await assume();
    expect(late.status).toBe(400);
    expect(xmlText(late.body, "Code")).toBe("ExpiredTokenException");
  });

  it("issues a ten-year Expiration when told", async () => {
    sts.hostile.expireIn(10 * 365 * 86_400);
    const res = await assume();
    const lifetime = Date.parse(xmlText(res.body, "Expiration")!) - Date.now();
    expect(lifetime).toBeGreaterThan(3649 * 86_400_000);
  });

  it("answers for another account and role", async () => {
    sts.hostile.answerAsRole(OTHER);
    const res = await assume();
    expect(xmlText(res.body, "Arn")).toBe("arn:aws:sts::999999999999:assumed-role/elsewhere/s1");
    sts.hostile.answerAsRole(OTHER, { action: "AssumeRole" }); // only role-chain hops
    expect(xmlText((await assume()).body, "Arn")).toBe("arn:aws:sts::111122223333:assumed-role/web/s1");
  });

  it("streams an oversized body without a Content-Length, still valid XML", async () => {
    sts.hostile.oversizedNext(1, { bytes: 5 * 1024 * 1024 });
    const res = await assume();
    expect(res.headers["content-length"]).toBeUndefined();
    expect(Buffer.byteLength(res.body)).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    expect(xmlText(res.body, "AccessKeyId")).toMatch(/^ASIA/);
    expect(sts.requests[0]!.hostile).toBe("oversized");
    expect((await assume()).body.length).toBeLessThan(4096); // one answer only
  });

  it("stops streaming when the client goes away", async () => {
    sts.hostile.oversizedNext(1); // 100 MB
    const token = await issuer.mintToken();
    const body = new URLSearchParams({ Version: "2011-06-15", Action: "AssumeRoleWithWebIdentity", RoleArn: ROLE, RoleSessionName: "s1", WebIdentityToken: token }).toString();
    const received = await new Promise<number>((resolve, reject) => {
      const req = request(`${sts.endpoint}/`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, agent: false }, (res) => {
        let bytes = 0;
        res.on("data", (chunk: Buffer) => {
          bytes += chunk.length;
          if (bytes > 256 * 1024) req.destroy();
        });
        res.on("close", () => resolve(bytes));
      });
      req.on("error", reject);
      req.end(body);
    });
    expect(received).toBeLessThan(10 * 1024 * 1024);
    await expect.poll(() => sts.openConnections).toBe(0);
  });

  it("drips a body a few bytes at a time", async () => {
    sts.hostile.slowDripNext(1, { chunkBytes: 512, intervalMs: 20 });
    const started = Date.now();
    const res = await assume();
    expect(xmlText(res.body, "AccessKeyId")).toMatch(/^ASIA/);
    // ~2 KB in 512-byte pieces every 20 ms: at least three pauses.
    expect(Date.now() - started).toBeGreaterThanOrEqual(60);
  });

  it("reset() returns to an honest STS", async () => {
    sts.hostile.skewClock(-600_000).expireIn(99_999).answerAsRole(OTHER).oversizedNext(3);
    sts.reset();
    expect(sts.hostile.clockOffsetMs).toBe(0);
    const res = await assume();
    expect(res.body.length).toBeLessThan(4096);
    expect(xmlText(res.body, "Arn")).toContain("111122223333");
  });
});
