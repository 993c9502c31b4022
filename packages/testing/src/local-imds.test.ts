import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromInstanceMetadata } from "@smithy/credential-provider-imds";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startLocalImds, type LocalImds } from "./local-imds.js";
import { startLocalSts, type LocalSts } from "./local-sts/local-sts.js";
import { rawRequest } from "./test-support/raw-http.js";

const ENDPOINT_VARIABLE = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

describe("startLocalImds (IMDSv2)", () => {
  let sts: LocalSts;
  let imds: LocalImds;
  let savedEndpoint: string | undefined;
  const clients: STSClient[] = [];

  beforeEach(async () => {
    sts = await startLocalSts();
    imds = await startLocalImds({ sts });
    savedEndpoint = process.env[ENDPOINT_VARIABLE];
    // The SDK's IMDS provider reads its endpoint from here: point it at the local IMDS only.
    process.env[ENDPOINT_VARIABLE] = imds.endpoint;
  });
  afterEach(async () => {
    vi.useRealTimers();
    if (savedEndpoint === undefined) delete process.env[ENDPOINT_VARIABLE];
    else process.env[ENDPOINT_VARIABLE] = savedEndpoint;
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all([imds.close(), sts.close()]);
  });

  const sdkProvider = (timeout = 1000) => fromInstanceMetadata({ timeout, maxRetries: 0, ec2MetadataV1Disabled: true });

  const token = async (ttl = "60") =>
    (await rawRequest(`${imds.endpoint}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": ttl } })).body;

  it("the SDK's own provider gets credentials that the local STS verifies", async () => {
    const credentials = await sdkProvider()();
    expect(credentials.accessKeyId).toMatch(/^ASIA/);
    // EC2 writes whole seconds.
    expect(credentials.expiration!.getTime()).toBe(Math.floor(imds.currentCredentials().expiration.getTime() / 1000) * 1000);
    expect(imds.requests.map((r) => [r.method, r.action, r.status])).toEqual([
      ["PUT", "token", 200],
      ["GET", "role-name", 200],
      ["GET", "credentials", 200],
    ]);
    const client = new STSClient({ endpoint: sts.endpoint, region: "us-east-1", maxAttempts: 1, credentials });
    clients.push(client);
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe("arn:aws:sts::111122223333:assumed-role/node-instance-role/i-0123456789abcdef0");
  });

  it("serves EC2's credentials document", async () => {
    const t = await token();
    const headers = { "x-aws-ec2-metadata-token": t };
    const list = await rawRequest(`${imds.endpoint}/latest/meta-data/iam/security-credentials/`, { headers });
    expect(list.body).toBe("node-instance-role");
    const doc = JSON.parse((await rawRequest(`${imds.endpoint}/latest/meta-data/iam/security-credentials/node-instance-role`, { headers })).body) as Record<string, string>;
    expect(Object.keys(doc)).toEqual(["Code", "LastUpdated", "Type", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"]);
    expect(doc).toMatchObject({ Code: "Success", Type: "AWS-HMAC" });
    expect(doc.Expiration).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect((await rawRequest(`${imds.endpoint}/latest/meta-data/iam/security-credentials/other-role`, { headers })).status).toBe(404);
  });

  it("requires a session token on GETs and honours its TTL by Date.now()", async () => {
    const url = `${imds.endpoint}/latest/meta-data/iam/security-credentials/`;
    expect((await rawRequest(url)).status).toBe(401);
    expect((await rawRequest(url, { headers: { "x-aws-ec2-metadata-token": "forged" } })).status).toBe(401);
    vi.useFakeTimers({ toFake: ["Date"] });
    const t = await token("60");
    expect((await rawRequest(url, { headers: { "x-aws-ec2-metadata-token": t } })).status).toBe(200);
    vi.setSystemTime(Date.now() + 60_000);
    expect((await rawRequest(url, { headers: { "x-aws-ec2-metadata-token": t } })).status).toBe(401);
  });

  it("rejects token requests without a valid TTL header, and proxied requests", async () => {
    expect((await rawRequest(`${imds.endpoint}/latest/api/token`, { method: "PUT" })).status).toBe(400);
    expect((await rawRequest(`${imds.endpoint}/latest/api/token`, { method: "PUT", headers: { "x-aws-ec2-metadata-token-ttl-seconds": "21601" } })).status).toBe(400);
    expect((await rawRequest(`${imds.endpoint}/latest/api/token`, { method: "GET" })).status).toBe(405);
    const proxied = await rawRequest(`${imds.endpoint}/latest/api/token`, {
      method: "PUT",
      headers: { "x-aws-ec2-metadata-token-ttl-seconds": "60", "x-forwarded-for": "10.0.0.1" },
    });
    expect(proxied.status).toBe(403);
  });

  it.each([404, 500])("an injected %i on the credentials fetch fails the SDK provider", async (status) => {
    imds.faults.failNext(1, { status, action: "credentials" });
    await expect(sdkProvider()()).rejects.toMatchObject({ statusCode: status });
    expect(imds.requests.at(-1)).toMatchObject({ action: "credentials", status, fault: "fail" });
    await expect(sdkProvider()()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
  });

  it("a black hole makes the SDK provider time out instead of hanging", async () => {
    imds.faults.hangNext(5, { maxMs: 60_000 });
    const started = performance.now();
    // The token PUT times out; with IMDSv1 disabled the SDK then gives up with an error.
    await expect(sdkProvider(100)()).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(imds.requests[0]).toMatchObject({ action: "token", fault: "hang" });
  });

  it("latency slows every answer by a setTimeout that fake timers drive", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    imds.faults.latency(2_000);
    let done = false;
    const pending = token().then((t) => {
      done = true;
      return t;
    });
    while (imds.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(1_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await pending).toMatch(/^[A-Za-z0-9+/=]{56}$/);
  });

  it("mints a new set shortly before the served one expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const first = imds.currentCredentials();
    expect(imds.currentCredentials()).toBe(first);
    vi.setSystemTime(first.expiration.getTime() - 4 * 60_000);
    const second = imds.currentCredentials();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(sts.isIssued(second.accessKeyId)).toBe(true);
    expect(imds.rotateCredentials().accessKeyId).not.toBe(second.accessKeyId);
  });

  it("without a local STS it mints its own credentials", async () => {
    const standalone = await startLocalImds({ roleArn: "arn:aws:iam::210987654321:role/standalone" });
    try {
      expect(standalone.roleName).toBe("standalone");
      expect(sts.isIssued(standalone.currentCredentials().accessKeyId)).toBe(false);
    } finally {
      await standalone.close();
    }
  });
});
