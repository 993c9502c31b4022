import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import AWS from "aws-sdk";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_WORLD_ROLE_ARN, createOidcIssuer, startIrsaWorld, type IrsaWorld, type OidcIssuer } from "../index.js";

const CROSS_ACCOUNT = "arn:aws:iam::444455556666:role/reader";

// Real SDK clients as peers of the emulator: what they sign, it must verify.
describe("local STS with real AWS SDK clients", () => {
  let world: IrsaWorld;
  const clients: STSClient[] = [];

  let issuer: OidcIssuer;
  beforeAll(async () => {
    issuer = await createOidcIssuer();
  });
  afterAll(async () => {
    await issuer.close();
  });

  let savedImdsDisabled: string | undefined;
  beforeEach(async () => {
    // Every client gets explicit credentials; this only guards against an IMDS probe.
    savedImdsDisabled = process.env.AWS_EC2_METADATA_DISABLED;
    process.env.AWS_EC2_METADATA_DISABLED = "true";
    world = await startIrsaWorld({ issuer, extraRoles: [{ roleArn: CROSS_ACCOUNT, assumableBy: [DEFAULT_WORLD_ROLE_ARN] }] });
  });

  afterEach(async () => {
    if (savedImdsDisabled === undefined) delete process.env.AWS_EC2_METADATA_DISABLED;
    else process.env.AWS_EC2_METADATA_DISABLED = savedImdsDisabled;
    for (const client of clients.splice(0)) client.destroy();
    await world.close();
  });

  function v3Client(credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken: string }): STSClient {
    const client = new STSClient({
      endpoint: world.sts.endpoint,
      region: "us-east-1",
      maxAttempts: 1,
      // AssumeRoleWithWebIdentity is unsigned; a placeholder keeps the SDK from looking for credentials.
      credentials: credentials ?? { accessKeyId: "unused", secretAccessKey: "unused" },
    });
    clients.push(client);
    return client;
  }

  async function assumeWithV3() {
    const out = await v3Client().send(
      new AssumeRoleWithWebIdentityCommand({
        RoleArn: world.roleArn,
        RoleSessionName: "kit-test",
        WebIdentityToken: world.tokenFile.currentToken,
      }),
    );
    const c = out.Credentials!;
    return { out, credentials: { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } };
  }

  it("v3 STSClient: AssumeRoleWithWebIdentity then GetCallerIdentity signed with the issued set", async () => {
    const { out, credentials } = await assumeWithV3();
    expect(credentials.accessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(credentials.secretAccessKey).toHaveLength(40);
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);
    expect(out.SubjectFromWebIdentityToken).toBe("system:serviceaccount:default:app");
    expect(out.AssumedRoleUser!.Arn).toBe("arn:aws:sts::111122223333:assumed-role/irsa-demo/kit-test");
    expect(out.AssumedRoleUser!.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:kit-test$/);
    expect(out.Provider).toBe(world.issuer.url);
    expect(out.Audience).toBe("sts.amazonaws.com");

    const identity = await v3Client(credentials).send(new GetCallerIdentityCommand({}));
    expect(identity.Account).toBe("111122223333");
    expect(identity.Arn).toBe("arn:aws:sts::111122223333:assumed-role/irsa-demo/kit-test");
    expect(identity.UserId).toBe(out.AssumedRoleUser!.AssumedRoleId);

    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
    expect(world.sts.calls("GetCallerIdentity")).toBe(1);
    const [assume, whoami] = world.sts.requests;
    expect(assume).toMatchObject({ status: 200, jti: world.tokenFile.currentJti, sessionName: "kit-test", roleArn: world.roleArn });
    expect(whoami).toMatchObject({ status: 200, accessKeyId: credentials.accessKeyId, roleArn: world.roleArn });
  });

  it("aws-sdk v2 AWS.STS: getCallerIdentity with the issued set", async () => {
    const { credentials } = await assumeWithV3();
    const sts = new AWS.STS({
      endpoint: world.sts.endpoint,
      region: "us-east-1",
      sslEnabled: false,
      maxRetries: 0,
      credentials: new AWS.Credentials(credentials),
    });
    const identity = await sts.getCallerIdentity().promise();
    expect(identity.Arn).toBe("arn:aws:sts::111122223333:assumed-role/irsa-demo/kit-test");
    expect(world.sts.requests.at(-1)).toMatchObject({ action: "GetCallerIdentity", status: 200 });
  });

  it("aws-sdk v2 AWS.STS: assumeRoleWithWebIdentity is accepted too", async () => {
    const sts = new AWS.STS({ endpoint: world.sts.endpoint, region: "us-east-1", sslEnabled: false, maxRetries: 0 });
    const out = await sts
      .assumeRoleWithWebIdentity({ RoleArn: world.roleArn, RoleSessionName: "v2-session", WebIdentityToken: world.tokenFile.currentToken })
      .promise();
    expect(world.sts.isIssued(out.Credentials!.AccessKeyId)).toBe(true);
  });

  it("v3 STSClient: AssumeRole into another account, signed with the web-identity set", async () => {
    const { credentials } = await assumeWithV3();
    const hop = await v3Client(credentials).send(new AssumeRoleCommand({ RoleArn: CROSS_ACCOUNT, RoleSessionName: "hop-1" }));
    const c = hop.Credentials!;
    const identity = await v3Client({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }).send(
      new GetCallerIdentityCommand({}),
    );
    expect(identity.Arn).toBe("arn:aws:sts::444455556666:assumed-role/reader/hop-1");
    expect(world.sts.calls("AssumeRole")).toBe(1);
  });

  it("v3 STSClient surfaces the emulator's errors with their codes and statuses", async () => {
    const bad = await world.issuer.mintToken({ audience: "wrong" });
    const error = await v3Client()
      .send(new AssumeRoleWithWebIdentityCommand({ RoleArn: world.roleArn, RoleSessionName: "kit-test", WebIdentityToken: bad }))
      .catch((e: unknown) => e as { name: string; message: string; $metadata: { httpStatusCode?: number } });
    expect(error).toMatchObject({ name: "InvalidIdentityTokenException", message: "Incorrect token audience", $metadata: { httpStatusCode: 400 } });
    const { credentials } = await assumeWithV3();
    world.sts.expireCredentials(credentials.accessKeyId);
    await expect(v3Client(credentials).send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({ name: "ExpiredToken", $metadata: { httpStatusCode: 400 } });
  });
});
