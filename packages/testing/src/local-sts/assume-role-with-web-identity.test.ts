import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createOidcIssuer, type OidcIssuer } from "../oidc-issuer.js";
import { errorCode, postForm, xmlText } from "../test-support/raw-http.js";
import { startLocalSts, type LocalSts } from "./local-sts.js";

const ROLE = "arn:aws:iam::111122223333:role/web";
const START = Date.UTC(2026, 10, 27, 13, 0, 0);

describe("local STS AssumeRoleWithWebIdentity", () => {
  let issuer: OidcIssuer;
  let sts: LocalSts;
  const extra: Array<{ close(): Promise<void> }> = [];

  // One issuer for the file: RSA key generation is the slow part.
  beforeAll(async () => {
    issuer = await createOidcIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(START);
    sts = await startLocalSts({
      issuers: [issuer],
      roles: [
        { roleArn: ROLE, trust: { issuer, subjects: ["system:serviceaccount:default:app", "system:serviceaccount:batch:*"] }, maxSessionDurationSeconds: 7200 },
        { roleArn: "arn:aws:iam::111122223333:role/custom-aud", trust: { issuer, subjects: ["*"], audiences: ["my-aud"] } },
      ],
    });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await Promise.all([sts.close(), ...extra.splice(0).map((e) => e.close())]);
  });

  const assume = (token: string, params: Record<string, string> = {}) =>
    postForm(sts.endpoint, { Action: "AssumeRoleWithWebIdentity", RoleArn: ROLE, RoleSessionName: "s1", WebIdentityToken: token, ...params });

  it("answers real-shaped XML with credentials, subject, provider and audience", async () => {
    const token = await issuer.mintToken();
    const res = await assume(token, { DurationSeconds: "7200" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/xml");
    expect(res.body).toMatch(/^<AssumeRoleWithWebIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\n  <AssumeRoleWithWebIdentityResult>/);
    expect(res.body).toMatch(/<\/AssumeRoleWithWebIdentityResult>\n  <ResponseMetadata>\n    <RequestId>[0-9a-f-]{36}<\/RequestId>/);
    expect(xmlText(res.body, "RequestId")).toBe(res.headers["x-amzn-requestid"]);
    expect(xmlText(res.body, "AccessKeyId")).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(xmlText(res.body, "SecretAccessKey")).toHaveLength(40);
    expect(xmlText(res.body, "SessionToken")!.length).toBeGreaterThan(300);
    expect(xmlText(res.body, "Expiration")).toBe(new Date(START + 7200_000).toISOString());
    expect(xmlText(res.body, "SubjectFromWebIdentityToken")).toBe("system:serviceaccount:default:app");
    expect(xmlText(res.body, "Arn")).toBe("arn:aws:sts::111122223333:assumed-role/web/s1");
    expect(xmlText(res.body, "Provider")).toBe(issuer.url);
    expect(xmlText(res.body, "Audience")).toBe("sts.amazonaws.com");
  });

  it("accepts wildcard subjects and custom audiences from the trust", async () => {
    expect((await assume(await issuer.mintToken({ namespace: "batch", serviceAccount: "job-7" }))).status).toBe(200);
    const custom = await issuer.mintToken({ audience: "my-aud" });
    expect((await assume(custom, { RoleArn: "arn:aws:iam::111122223333:role/custom-aud" })).status).toBe(200);
  });

  const rejected: Array<[string, () => Promise<string>, number, string, RegExp]> = [
    ["a token signed by another key", async () => (await createOidcIssuer({ serve: false })).mintToken({ claims: { iss: issuer.url } }), 400, "InvalidIdentityToken", /Couldn't retrieve verification key/],
    ["a token from an unknown issuer", async () => (await createOidcIssuer({ serve: false })).mintToken(), 400, "InvalidIdentityToken", /No OpenIDConnect provider found/],
    ["a wrong audience", () => issuer.mintToken({ audience: "other" }), 400, "InvalidIdentityToken", /^Incorrect token audience$/],
    ["an expired token", () => issuer.mintToken({ now: START - 7200_000, ttlSeconds: 3600 }), 400, "ExpiredTokenException", /^Token expired: current date\/time 1795784400 must be before the expiration date\/time 1795780800$/],
    ["nbf in the future", () => issuer.mintToken({ notBefore: START / 1000 + 600 }), 400, "InvalidIdentityToken", /not valid yet/],
    ["an untrusted subject", () => issuer.mintToken({ namespace: "default", serviceAccount: "intruder" }), 403, "AccessDenied", /^Not authorized to perform sts:AssumeRoleWithWebIdentity$/],
    ["not a JWT", async () => "not-a-jwt", 400, "InvalidIdentityToken", /not a valid JWT/],
  ];
  it.each(rejected)("rejects %s", async (_name, makeToken, status, code, message) => {
    const res = await assume(await makeToken());
    expect(res.status).toBe(status);
    expect(errorCode(res.body)).toBe(code);
    expect(xmlText(res.body, "Message")).toMatch(message);
    expect(res.body).toMatch(/^<ErrorResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\n  <Error>\n    <Type>Sender<\/Type>/);
    expect(sts.issuedCredentials.size).toBe(0);
  });

  it("decides expiry with Date.now(), so fake time expires a token", async () => {
    const token = await issuer.mintToken({ ttlSeconds: 600 });
    expect((await assume(token)).status).toBe(200);
    vi.setSystemTime(START + 600_000);
    expect(errorCode((await assume(token)).body)).toBe("ExpiredTokenException");
  });

  it("rejects a role the token is not trusted for, and unknown roles, with AccessDenied", async () => {
    const token = await issuer.mintToken();
    const unknown = await assume(token, { RoleArn: "arn:aws:iam::111122223333:role/missing" });
    expect([unknown.status, errorCode(unknown.body)]).toEqual([403, "AccessDenied"]);
  });

  it.each([
    [{ RoleSessionName: "x" }, /roleSessionName.*greater than or equal to 2/],
    [{ RoleSessionName: "a".repeat(65) }, /roleSessionName.*less than or equal to 64/],
    [{ RoleSessionName: "bad name!" }, /roleSessionName.*regular expression pattern/],
    [{ DurationSeconds: "899" }, /durationSeconds.*greater than or equal to 900/],
    [{ DurationSeconds: "43201" }, /durationSeconds.*less than or equal to 43200/],
    [{ DurationSeconds: "7201" }, /exceeds the MaxSessionDuration set for this role/],
    [{ RoleArn: "arn:aws:iam::1:role" }, /roleArn/],
  ])("answers ValidationError for %j", async (params, message) => {
    const res = await assume(await issuer.mintToken(), params);
    expect([res.status, errorCode(res.body)]).toEqual([400, "ValidationError"]);
    expect(xmlText(res.body, "Message")).toMatch(message);
  });

  it("answers InvalidAction for an unknown action or version", async () => {
    const res = await postForm(sts.endpoint, { Action: "GetSessionToken" });
    expect([res.status, errorCode(res.body)]).toEqual([400, "InvalidAction"]);
    const wrongVersion = await postForm(sts.endpoint, { Action: "GetCallerIdentity", Version: "2010-01-01" });
    expect(errorCode(wrongVersion.body)).toBe("InvalidAction");
  });

  it("answers IDPCommunicationError when a key-less issuer cannot be reached", async () => {
    const remote = await createOidcIssuer();
    extra.push(remote);
    sts.addIssuer({ url: remote.url });
    sts.addRole({ roleArn: "arn:aws:iam::111122223333:role/remote", trust: { issuer: remote.url, subjects: ["*"] } });
    const token = await remote.mintToken();
    const ok = await assume(token, { RoleArn: "arn:aws:iam::111122223333:role/remote" });
    expect(ok.status).toBe(200);
    expect(remote.requestCount).toBe(2);
    await remote.close();
    const res = await assume(token, { RoleArn: "arn:aws:iam::111122223333:role/remote" });
    expect([res.status, errorCode(res.body)]).toEqual([400, "IDPCommunicationError"]);
  });

  it("records each call with the token's jti, the role and the session, and never a secret", async () => {
    const token = await issuer.mintToken();
    const jti = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).jti as string;
    await assume(token);
    await assume(await issuer.mintToken({ audience: "nope" }));
    expect(sts.calls()).toBe(2);
    expect(sts.calls("AssumeRoleWithWebIdentity")).toBe(2);
    expect(sts.stats.AssumeRoleWithWebIdentity).toEqual({ calls: 2, successes: 1, failures: 1 });
    expect(sts.requests[0]).toMatchObject({ time: START, action: "AssumeRoleWithWebIdentity", status: 200, jti, roleArn: ROLE, sessionName: "s1", subject: "system:serviceaccount:default:app" });
    expect(sts.requests[1]).toMatchObject({ status: 400, errorCode: "InvalidIdentityToken" });
    const [issued] = [...sts.issuedCredentials.values()];
    const printed = JSON.stringify(sts.requests) + JSON.stringify(issued) + (await import("node:util")).inspect(issued);
    expect(printed).not.toContain(issued!.secretAccessKey);
    expect(printed).not.toContain(issued!.sessionToken);
    expect(printed).not.toContain(token);
    sts.reset();
    expect(sts.calls()).toBe(0);
  });
});
