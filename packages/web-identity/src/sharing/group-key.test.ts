import { describe, expect, it } from "vitest";
import { groupKeyOf, identityClaimsOf, isPlainConfiguration } from "./group-key.js";

const jwt = (payload: object) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2ln`;
const CLAIMS = { iss: "https://oidc.example", sub: "system:serviceaccount:default:app", aud: "sts.amazonaws.com" };
const INIT = { roleArn: "arn:aws:iam::111122223333:role/app", region: "eu-west-1" };
const ENV = { AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/app" };
const key = (init: object, claims: object, file = "/var/run/token") => groupKeyOf("fromWebIdentity", init, ENV, file, claims);

describe("the group key is the whole identity", () => {
  it("a rotated token with the same issuer, subject and audience keeps the key", () => {
    const before = identityClaimsOf(jwt({ ...CLAIMS, exp: 1, iat: 0, jti: "a" }))!;
    const after = identityClaimsOf(jwt({ ...CLAIMS, exp: 2, iat: 1, jti: "b" }))!;
    expect(key(INIT, before)).toBe(key(INIT, after));
  });

  it.each([
    ["another service account", { init: INIT, claims: { ...CLAIMS, sub: "system:serviceaccount:default:other" } }],
    ["another issuer", { init: INIT, claims: { ...CLAIMS, iss: "https://other" } }],
    ["another audience", { init: INIT, claims: { ...CLAIMS, aud: "other" } }],
    ["another role", { init: { ...INIT, roleArn: "arn:aws:iam::111122223333:role/b" }, claims: CLAIMS }],
    ["another session name", { init: { ...INIT, roleSessionName: "b" }, claims: CLAIMS }],
    ["a session policy", { init: { ...INIT, policy: "{}" }, claims: CLAIMS }],
    ["another duration", { init: { ...INIT, durationSeconds: 900 }, claims: CLAIMS }],
    ["another STS endpoint", { init: { ...INIT, clientConfig: { endpoint: "http://127.0.0.1:1" } }, claims: CLAIMS }],
    ["another region", { init: { ...INIT, region: "us-east-1" }, claims: CLAIMS }],
  ])("%s: another key", (_, { init, claims }) => {
    expect(key(init, claims)).not.toBe(key(INIT, CLAIMS));
  });

  it("the per-provider observers are not part of it; the key holds no part of the token", () => {
    expect(key({ ...INIT, logger: console }, CLAIMS)).toBe(key(INIT, CLAIMS));
    expect(key(INIT, CLAIMS)).toMatch(/^[\w-]{43}$/);
  });

  it("only plain configurations may share across workers", () => {
    expect(isPlainConfiguration({ ...INIT, clientConfig: { endpoint: "x" }, policyArns: [{ arn: "a" }], logger: console, onEvent: () => {} })).toBe(true);
    expect(isPlainConfiguration({ ...INIT, now: Date.now })).toBe(false);
    expect(isPlainConfiguration({ ...INIT, retry: { sleep: async () => {} } })).toBe(false);
    expect(isPlainConfiguration({ ...INIT, clientConfig: { requestHandler: new (class Handler {})() } })).toBe(false);
  });

  it("claims of something that is not a JWT: none", () => {
    expect(identityClaimsOf("not a token")).toBeUndefined();
    expect(identityClaimsOf("a.b.c")).toBeUndefined();
  });
});
