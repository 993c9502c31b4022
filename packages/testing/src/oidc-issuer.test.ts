import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { createOidcIssuer, type OidcIssuer } from "./oidc-issuer.js";

describe("createOidcIssuer", () => {
  const issuers: OidcIssuer[] = [];
  afterEach(async () => {
    await Promise.all(issuers.splice(0).map((issuer) => issuer.close()));
  });
  async function issuer(init?: Parameters<typeof createOidcIssuer>[0]): Promise<OidcIssuer> {
    const created = await createOidcIssuer(init);
    issuers.push(created);
    return created;
  }

  it("mints a token shaped like a projected service-account token", async () => {
    const oidc = await issuer();
    const now = Date.UTC(2026, 10, 27, 12, 0, 0);
    const token = await oidc.mintToken({ namespace: "payments", serviceAccount: "api", ttlSeconds: 600, now });
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(oidc.jwks), { currentDate: new Date(now) });
    expect(protectedHeader).toEqual({ alg: "RS256", kid: oidc.keyId });
    expect(payload).toMatchObject({
      iss: oidc.url,
      sub: "system:serviceaccount:payments:api",
      aud: ["sts.amazonaws.com"],
      iat: now / 1000,
      nbf: now / 1000,
      exp: now / 1000 + 600,
      "kubernetes.io": { namespace: "payments", serviceaccount: { name: "api" }, pod: { name: "api-pod" } },
    });
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    const other = await oidc.mintToken({ now });
    expect((await jwtVerify(other, createLocalJWKSet(oidc.jwks), { currentDate: new Date(now) })).payload.jti).not.toBe(payload.jti);
  });

  it("serves discovery and JWKS on 127.0.0.1 like EKS", async () => {
    const oidc = await issuer();
    expect(oidc.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const discovery = (await (await fetch(`${oidc.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: oidc.url, jwks_uri: `${oidc.url}/keys`, id_token_signing_alg_values_supported: ["RS256"] });
    const jwks = (await (await fetch(`${oidc.url}/keys`)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", kid: oidc.keyId, use: "sig", alg: "RS256" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
    expect((await fetch(`${oidc.url}/nope`)).status).toBe(404);
    expect(oidc.requestCount).toBe(3);
  });

  it("without serving, has an EKS-shaped URL and its own key", async () => {
    const served = await issuer();
    const unserved = await issuer({ serve: false });
    expect(unserved.url).toMatch(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    const token = await unserved.mintToken();
    await expect(jwtVerify(token, createLocalJWKSet(served.jwks))).rejects.toThrow();
  });

  it("rotateKey keeps the old public key unless told to drop it", async () => {
    const oidc = await issuer({ serve: false });
    const before = await oidc.mintToken();
    await oidc.rotateKey();
    const after = await oidc.mintToken();
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    await expect(jwtVerify(before, createLocalJWKSet(oidc.jwks))).resolves.toBeDefined();
    await oidc.rotateKey({ dropOld: true });
    expect(oidc.jwks.keys).toHaveLength(1);
    await expect(jwtVerify(after, createLocalJWKSet(oidc.jwks))).rejects.toThrow();
  });

  it("lets a test override claims and times", async () => {
    const oidc = await issuer({ serve: false });
    const token = await oidc.mintToken({ audience: ["a", "b"], issuedAt: 100, notBefore: 150, expiresAt: 200, claims: { extra: 1 } });
    const payload = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;
    expect(payload).toMatchObject({ aud: ["a", "b"], iat: 100, nbf: 150, exp: 200, extra: 1 });
  });
});
