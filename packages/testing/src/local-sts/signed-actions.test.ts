import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { errorCode, postForm, sendSigned, signQuery, xmlText } from "../test-support/raw-http.js";
import type { IssuedCredentials } from "./issued-credentials.js";
import { startLocalSts, type LocalSts } from "./local-sts.js";

const APP = "arn:aws:iam::111122223333:role/app";
const TARGET = "arn:aws:iam::444455556666:role/cross-account";
const GUARDED = "arn:aws:iam::444455556666:role/guarded";
const START = Date.UTC(2026, 10, 27, 13, 0, 0);

describe("local STS signed actions (SigV4)", () => {
  let sts: LocalSts;
  let creds: IssuedCredentials;

  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(START);
    sts = await startLocalSts({
      roles: [
        { roleArn: TARGET, assumableBy: [APP] },
        { roleArn: GUARDED, assumableBy: ["arn:aws:iam::111122223333:role/*"], externalId: "ext-42", maxSessionDurationSeconds: 7200 },
      ],
    });
    creds = sts.issueCredentials({ roleArn: APP, sessionName: "pod-1" });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await sts.close();
  });

  const whoami = (signing: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, options?: Parameters<typeof signQuery>[3]) =>
    signQuery(sts.endpoint, { Action: "GetCallerIdentity" }, signing, options);

  it("GetCallerIdentity answers the assumed role of the signing credentials", async () => {
    const res = await sendSigned(sts.endpoint, await whoami(creds));
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\n  <GetCallerIdentityResult>/);
    expect(xmlText(res.body, "Arn")).toBe("arn:aws:sts::111122223333:assumed-role/app/pod-1");
    expect(xmlText(res.body, "Account")).toBe("111122223333");
    expect(xmlText(res.body, "UserId")).toBe(creds.assumedRoleId);
  });

  it("signature scope may name any region (regional endpoints)", async () => {
    expect((await sendSigned(sts.endpoint, await whoami(creds, { region: "eu-west-1" }))).status).toBe(200);
  });

  type Case = (endpoint: string, c: IssuedCredentials) => Promise<{ signed: { headers: Record<string, string>; body: string }; body?: string }>;
  const gci = { Action: "GetCallerIdentity" };
  const cases: Array<[string, Case, number, string]> = [
    ["a tampered body", async (e, c) => ({ signed: await signQuery(e, gci, c), body: "Action=GetCallerIdentity&Version=2011-06-15&Extra=1" }), 403, "SignatureDoesNotMatch"],
    ["a tampered body without a payload-hash header", async (e, c) => ({ signed: await signQuery(e, gci, c, { payloadHashHeader: false }), body: "Action=GetCallerIdentity&Version=2011-06-15&Extra=1" }), 403, "SignatureDoesNotMatch"],
    ["a wrong secret", async (e, c) => ({ signed: await signQuery(e, gci, { accessKeyId: c.accessKeyId, secretAccessKey: "x".repeat(40), sessionToken: c.sessionToken }) }), 403, "SignatureDoesNotMatch"],
    ["an unknown key", async (e, c) => ({ signed: await signQuery(e, gci, { accessKeyId: "ASIAUNKNOWNUNKNOWN00", secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken }) }), 403, "InvalidClientTokenId"],
    ["a wrong session token", async (e, c) => ({ signed: await signQuery(e, gci, { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: "forged" }) }), 403, "InvalidClientTokenId"],
    ["no session token", async (e, c) => ({ signed: await signQuery(e, gci, { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }) }), 403, "InvalidClientTokenId"],
    ["a signature for another service", async (e, c) => ({ signed: await signQuery(e, gci, c, { service: "s3" }) }), 403, "SignatureDoesNotMatch"],
    ["a signature older than 15 minutes", async (e, c) => ({ signed: await signQuery(e, gci, c, { signingDate: new Date(START - 16 * 60_000) }) }), 403, "SignatureDoesNotMatch"],
  ];

  it.each(cases)("rejects %s", async (_name, make, status, code) => {
    const { signed, body } = await make(sts.endpoint, creds);
    const res = await sendSigned(sts.endpoint, signed, body);
    expect(res.status).toBe(status);
    expect(errorCode(res.body)).toBe(code);
    expect(sts.requests.at(-1)).toMatchObject({ action: "GetCallerIdentity", status, errorCode: code });
  });

  it("rejects expired credentials with ExpiredToken, by Date.now()", async () => {
    expect((await sendSigned(sts.endpoint, await whoami(creds))).status).toBe(200);
    vi.setSystemTime(creds.expiration);
    const res = await sendSigned(sts.endpoint, await whoami(creds));
    expect([res.status, errorCode(res.body)]).toEqual([400, "ExpiredToken"]);
  });

  it("expireCredentials makes a set expire at once", async () => {
    sts.expireCredentials(creds.accessKeyId);
    expect(errorCode((await sendSigned(sts.endpoint, await whoami(creds))).body)).toBe("ExpiredToken");
  });

  it("an unsigned GetCallerIdentity is MissingAuthenticationToken", async () => {
    const res = await postForm(sts.endpoint, { Action: "GetCallerIdentity" });
    expect([res.status, errorCode(res.body)]).toEqual([403, "MissingAuthenticationToken"]);
  });

  describe("AssumeRole", () => {
    const assumeRole = async (signing: IssuedCredentials, params: Record<string, string>) =>
      sendSigned(sts.endpoint, await signQuery(sts.endpoint, { Action: "AssumeRole", RoleSessionName: "hop", ...params }, signing));

    it("issues credentials for a role that trusts the caller's role", async () => {
      const res = await assumeRole(creds, { RoleArn: TARGET });
      expect(res.status).toBe(200);
      expect(res.body).toMatch(/^<AssumeRoleResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/">\n  <AssumeRoleResult>/);
      expect(xmlText(res.body, "Arn")).toBe("arn:aws:sts::444455556666:assumed-role/cross-account/hop");
      const hop = sts.issuedCredentials.get(xmlText(res.body, "AccessKeyId")!)!;
      expect(hop).toMatchObject({ roleArn: TARGET, source: "AssumeRole", accountId: "444455556666" });
      const who = await sendSigned(sts.endpoint, await whoami(hop));
      expect(xmlText(who.body, "Arn")).toBe("arn:aws:sts::444455556666:assumed-role/cross-account/hop");
      expect(sts.requests.at(-2)).toMatchObject({ action: "AssumeRole", status: 200, accessKeyId: creds.accessKeyId, roleArn: TARGET, issuedAccessKeyId: hop.accessKeyId });
    });

    it("denies a caller not in assumableBy, naming caller and role", async () => {
      const stranger = sts.issueCredentials({ roleArn: "arn:aws:iam::999999999999:role/stranger", sessionName: "x1" });
      const res = await assumeRole(stranger, { RoleArn: TARGET });
      expect([res.status, errorCode(res.body)]).toEqual([403, "AccessDenied"]);
      expect(xmlText(res.body, "Message")).toBe(
        `User: arn:aws:sts::999999999999:assumed-role/stranger/x1 is not authorized to perform: sts:AssumeRole on resource: ${TARGET}`,
      );
      expect(errorCode((await assumeRole(creds, { RoleArn: "arn:aws:iam::444455556666:role/unknown" })).body)).toBe("AccessDenied");
    });

    it("requires the ExternalId when the role sets one", async () => {
      expect(errorCode((await assumeRole(creds, { RoleArn: GUARDED })).body)).toBe("AccessDenied");
      expect(errorCode((await assumeRole(creds, { RoleArn: GUARDED, ExternalId: "wrong" })).body)).toBe("AccessDenied");
      expect((await assumeRole(creds, { RoleArn: GUARDED, ExternalId: "ext-42" })).status).toBe(200);
    });

    it("caps role-chaining sessions at one hour", async () => {
      const res = await assumeRole(creds, { RoleArn: GUARDED, ExternalId: "ext-42", DurationSeconds: "3601" });
      expect([res.status, errorCode(res.body)]).toEqual([400, "ValidationError"]);
      expect(xmlText(res.body, "Message")).toMatch(/1 hour session limit for roles assumed by role chaining/);
    });

    it("AssumeRole itself is SigV4-verified", async () => {
      const signed = await signQuery(sts.endpoint, { Action: "AssumeRole", RoleSessionName: "hop", RoleArn: TARGET }, creds);
      const tampered = signed.body.replace("cross-account", "guarded");
      const res = await sendSigned(sts.endpoint, signed, tampered);
      expect([res.status, errorCode(res.body)]).toEqual([403, "SignatureDoesNotMatch"]);
    });
  });
});
