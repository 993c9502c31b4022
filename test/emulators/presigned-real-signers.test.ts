// The IAM-auth verifiers of @irsa/testing against the real AWS signers, with sets issued by a
// real local STS (AssumeRoleWithWebIdentity over HTTP) and the verifier's clock stepped by hand.
import { readFile } from "node:fs/promises";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { Signer } from "@aws-sdk/rds-signer";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { startIrsaWorld, verifyMskAuthToken, verifyPresignedRequest, verifyRdsAuthToken, type IrsaWorld } from "@irsa/testing";
import type { AwsCredentialIdentity } from "@smithy/types";
import { generateAuthTokenFromCredentialsProvider } from "aws-msk-iam-sasl-signer-js";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const START = Date.UTC(2026, 10, 27, 13, 0, 0);
const REGION = "us-east-1";
let world: IrsaWorld;
let creds: AwsCredentialIdentity;
let shortLived: AwsCredentialIdentity;
let clock = START;
const now = () => clock;
const at = (offsetMs: number) => {
  clock = START + offsetMs;
};

beforeAll(async () => {
  // Signers and the STS read Date; the verifier reads `now`.
  vi.useFakeTimers({ toFake: ["Date"], now: START });
  world = await startIrsaWorld({ region: REGION });
  const sts = new STSClient({ region: REGION, endpoint: world.sts.endpoint });
  const answer = await sts.send(
    new AssumeRoleWithWebIdentityCommand({
      RoleArn: world.roleArn,
      RoleSessionName: "signers",
      WebIdentityToken: await readFile(world.env.AWS_WEB_IDENTITY_TOKEN_FILE, "utf8"),
    }),
  );
  sts.destroy();
  const c = answer.Credentials!;
  creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken!, expiration: c.Expiration! };
  const short = world.sts.issueCredentials({ roleArn: world.roleArn, lifetimeSeconds: 600 });
  shortLived = { accessKeyId: short.accessKeyId, secretAccessKey: short.secretAccessKey, sessionToken: short.sessionToken, expiration: short.expiration };
});
afterAll(async () => {
  vi.useRealTimers();
  await world.close();
});

describe("RDS IAM auth tokens from @aws-sdk/rds-signer", () => {
  const rdsToken = (credentials: AwsCredentialIdentity, o: { user?: string; port?: number } = {}) =>
    new Signer({ hostname: "db.local", port: o.port ?? 5432, username: o.user ?? "app", region: REGION, credentials }).getAuthToken();
  const check = (token: string, o: { user?: string; port?: number; region?: string } = {}) =>
    verifyRdsAuthToken(token, { sts: world.sts, now, hostname: "db.local", port: o.port ?? 5432, user: o.user ?? "app", ...(o.region ? { region: o.region } : {}) });

  it("accepts the token for its host, port and user, for 15 minutes", async () => {
    const token = await rdsToken(creds);
    expect(token).toMatch(/^db\.local:5432\/\?Action=connect&DBUser=app&X-Amz-/);
    at(899_000);
    expect(await check(token, { region: REGION })).toMatchObject({ ok: true, accessKeyId: creds.accessKeyId, service: "rds-db", roleArn: world.roleArn });
    at(900_000);
    expect(await check(token)).toMatchObject({ ok: false, reason: "token-expired" });
  });

  it("refuses it once the signing set has expired, though its own 15 minutes are not over", async () => {
    const token = await rdsToken(shortLived);
    at(599_000);
    expect((await check(token)).ok).toBe(true);
    at(600_000);
    expect(await check(token)).toMatchObject({ ok: false, reason: "credentials-expired" });
  });

  it.each<[string, () => Promise<string>, { user?: string; port?: number; region?: string }, string]>([
    ["another user", () => rdsToken(creds, { user: "admin" }), {}, "wrong-user"],
    ["another port", () => rdsToken(creds, { port: 3306 }), {}, "wrong-host"],
    ["another region", () => rdsToken(creds), { region: "eu-west-1" }, "wrong-region"],
    ["an unknown key", () => rdsToken({ ...creds, accessKeyId: "ASIAUNKNOWNUNKNOWN00" }), {}, "unknown-key"],
    ["a forged session token", () => rdsToken({ ...creds, sessionToken: "forged" }), {}, "bad-session-token"],
    ["a wrong secret", () => rdsToken({ ...creds, secretAccessKey: "x".repeat(40) }), {}, "bad-signature"],
  ])("refuses a token with %s", async (_name, make, o, reason) => {
    at(1_000);
    expect(await check(await make(), o)).toMatchObject({ ok: false, reason });
  });
});

describe("S3 presigned URLs from @aws-sdk/s3-request-presigner", () => {
  const s3 = (credentials: AwsCredentialIdentity, pathStyle: boolean) =>
    new S3Client({ region: REGION, credentials, ...(pathStyle ? { endpoint: "http://127.0.0.1:9", forcePathStyle: true } : {}) });

  it("accepts path-style and virtual-host URLs, GET and PUT, until X-Amz-Expires", async () => {
    const get = await getSignedUrl(s3(creds, true), new GetObjectCommand({ Bucket: "bucket", Key: "dir/a file+b.txt" }), { expiresIn: 3600 });
    const put = await getSignedUrl(s3(creds, false), new PutObjectCommand({ Bucket: "bucket", Key: "k.txt" }), { expiresIn: 120 });
    expect(get).toContain("UNSIGNED-PAYLOAD");
    at(119_000);
    expect(await verifyPresignedRequest(get, { service: "s3", host: "127.0.0.1:9", region: REGION }, { sts: world.sts, now })).toMatchObject({ ok: true });
    const virtualHost = { service: "s3", host: "bucket.s3.us-east-1.amazonaws.com" };
    expect(await verifyPresignedRequest(put, virtualHost, { sts: world.sts, now, method: "PUT" })).toMatchObject({ ok: true });
    expect(await verifyPresignedRequest(put, virtualHost, { sts: world.sts, now, method: "GET" })).toMatchObject({ reason: "bad-signature" });
    expect(await verifyPresignedRequest(get.replace("a%20file", "b%20file"), { service: "s3", host: "127.0.0.1:9" }, { sts: world.sts, now })).toMatchObject({ reason: "bad-signature" });
    at(120_000);
    expect(await verifyPresignedRequest(put, virtualHost, { sts: world.sts, now, method: "PUT" })).toMatchObject({ reason: "token-expired" });
  });

  it("refuses a one-hour URL once its 10-minute set has expired", async () => {
    const url = await getSignedUrl(s3(shortLived, true), new GetObjectCommand({ Bucket: "bucket", Key: "k" }), { expiresIn: 3600 });
    at(600_000);
    expect(await verifyPresignedRequest(url, { service: "s3", host: "127.0.0.1:9" }, { sts: world.sts, now })).toMatchObject({ reason: "credentials-expired" });
    expect(await verifyPresignedRequest(url, { service: "execute-api", host: "127.0.0.1:9" }, { sts: world.sts, now })).toMatchObject({ reason: "wrong-service" });
  });
});

describe("MSK tokens from aws-msk-iam-sasl-signer-js", () => {
  const mskToken = async (credentials: AwsCredentialIdentity, region = REGION) =>
    (await generateAuthTokenFromCredentialsProvider({ region, awsCredentialsProvider: async () => credentials })).token;

  it("accepts the token (User-Agent unsigned) for its region, until it expires", async () => {
    const token = await mskToken(creds);
    expect(Buffer.from(token, "base64url").toString()).toMatch(/^https:\/\/kafka\.us-east-1\.amazonaws\.com\/\?Action=kafka-cluster%3AConnect&.*User-Agent=aws-msk-iam-sasl-signer-js/);
    at(899_000);
    expect(await verifyMskAuthToken(token, { sts: world.sts, region: REGION, now })).toMatchObject({ ok: true, service: "kafka-cluster" });
    expect(await verifyMskAuthToken(token, { sts: world.sts, region: "eu-west-1", now })).toMatchObject({ reason: "wrong-region" });
    at(900_000);
    expect(await verifyMskAuthToken(token, { sts: world.sts, region: REGION, now })).toMatchObject({ reason: "token-expired" });
  });

  it("caps its life at the set's expiration; a set expired early kills it", async () => {
    const set = world.sts.issueCredentials({ roleArn: world.roleArn, lifetimeSeconds: 300 });
    const token = await mskToken({ ...set, expiration: set.expiration });
    at(299_000);
    expect(await verifyMskAuthToken(token, { sts: world.sts, region: REGION, now })).toMatchObject({ ok: true, validUntil: new Date(START + 300_000) });
    world.sts.expireCredentials(set.accessKeyId);
    expect(await verifyMskAuthToken(token, { sts: world.sts, region: REGION, now })).toMatchObject({ reason: "credentials-expired" });
    expect(await verifyMskAuthToken("not base64!", { sts: world.sts, region: REGION, now })).toMatchObject({ reason: "malformed" });
  });
});
