import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { toV2Credentials, WebIdentityCredentials, type WebIdentityCredentialsInit } from "@irsa/aws-sdk-v2";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type CredentialCacheEvent } from "@irsa/web-identity";
import AWS from "aws-sdk";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

// Real aws-sdk v2 (and v3) clients, signing real requests that the local STS verifies.
describe("@irsa/aws-sdk-v2 against the local IRSA world", () => {
  let world: IrsaWorld;
  const closers: Array<() => void> = [];
  const savedGlobalCredentials = AWS.config.credentials;

  const savedMetadataDisabled = process.env.AWS_EC2_METADATA_DISABLED;

  beforeAll(() => {
    // No SDK may go looking for IMDS.
    process.env.AWS_EC2_METADATA_DISABLED = "true";
  });

  afterAll(() => {
    if (savedMetadataDisabled === undefined) delete process.env.AWS_EC2_METADATA_DISABLED;
    else process.env.AWS_EC2_METADATA_DISABLED = savedMetadataDisabled;
  });

  beforeEach(async () => {
    world = await startIrsaWorld();
  });

  afterEach(async () => {
    AWS.config.credentials = savedGlobalCredentials;
    for (const close of closers.splice(0)) close();
    await world.close();
  });

  /** The IRSA settings of the world, explicit (no environment), plus engine options. */
  function init(extra: WebIdentityCredentialsInit = {}): WebIdentityCredentialsInit {
    return {
      roleArn: world.roleArn,
      webIdentityTokenFile: world.tokenFile.path,
      region: world.region,
      clientConfig: { endpoint: world.sts.endpoint },
      proactive: false,
      ...extra,
    };
  }

  function webIdentityCredentials(extra: WebIdentityCredentialsInit = {}): WebIdentityCredentials {
    const credentials = new WebIdentityCredentials(init(extra));
    closers.push(() => credentials.close());
    return credentials;
  }

  function v2Sts(options: AWS.STS.ClientConfiguration = {}): AWS.STS {
    return new AWS.STS({
      endpoint: world.sts.endpoint,
      region: world.region,
      sslEnabled: false,
      maxRetries: 0,
      ...options,
    });
  }

  function v3Sts(credentials: STSClient["config"]["credentials"]): STSClient {
    const client = new STSClient({ endpoint: world.sts.endpoint, region: world.region, maxAttempts: 1, credentials });
    closers.push(() => client.destroy());
    return client;
  }

  const assumeCalls = () => world.sts.calls("AssumeRoleWithWebIdentity");
  const callerIdentityRequests = () => world.sts.requests.filter((r) => r.action === "GetCallerIdentity");
  const expectedArn = () => expect.stringMatching(/^arn:aws:sts::111122223333:assumed-role\/irsa-demo\//);

  it("signs AWS.STS getCallerIdentity through AWS.config.credentials", async () => {
    const credentials = webIdentityCredentials();
    AWS.config.credentials = credentials;

    const identity = await v2Sts().getCallerIdentity().promise();

    expect(identity.Arn).toEqual(expectedArn());
    expect(identity.Account).toBe("111122223333");
    const [request] = callerIdentityRequests();
    expect(request).toMatchObject({ status: 200, accessKeyId: credentials.accessKeyId });
    expect(world.sts.isIssued(credentials.accessKeyId)).toBe(true);
    expect(assumeCalls()).toBe(1);
  });

  it("signs through an AWS.CredentialProviderChain, after a v2 provider that is not configured", async () => {
    const credentials = webIdentityCredentials();
    const chain = new AWS.CredentialProviderChain([
      () => new AWS.EnvironmentCredentials("IRSA_E2E_NOT_SET"),
      () => credentials,
    ]);
    const sts = v2Sts({ credentials: null, credentialProvider: chain });

    const identity = await sts.getCallerIdentity().promise();
    await sts.getCallerIdentity().promise();

    expect(identity.Arn).toEqual(expectedArn());
    expect(sts.config.credentials).toBe(credentials);
    expect(callerIdentityRequests().map((r) => r.accessKeyId)).toEqual([credentials.accessKeyId, credentials.accessKeyId]);
    expect(assumeCalls()).toBe(1);
  });

  it("10,000 concurrent getPromise() make one STS call", async () => {
    const credentials = webIdentityCredentials();

    await Promise.all(Array.from({ length: 10_000 }, () => credentials.getPromise()));

    expect(assumeCalls()).toBe(1);
    expect(credentials.stats.sourceCalls).toBe(1);
    expect(world.sts.isIssued(credentials.accessKeyId)).toBe(true);
  });

  it("a v2 client and a v3 client sharing one provider make one STS call per refresh", async () => {
    let offset = 0;
    const provider = fromWebIdentity(init({ now: () => Date.now() + offset, jitter: 0 }));
    closers.push(() => provider.close());
    const v2 = v2Sts({ credentials: toV2Credentials(provider) });

    // First set: both clients at once.
    const [fromV2, fromV3] = await Promise.all([
      v2.getCallerIdentity().promise(),
      v3Sts(provider).send(new GetCallerIdentityCommand({})),
    ]);
    expect(fromV2.Arn).toBe(fromV3.Arn);
    expect(assumeCalls()).toBe(1);
    const firstKey = provider.stats.accessKeyId!;
    expect(new Set(callerIdentityRequests().map((r) => r.accessKeyId))).toEqual(new Set([firstKey]));

    // Into the mandatory window of the first set: the next callers wait for one shared refresh.
    offset = provider.stats.expiration! - 30_000 - Date.now();
    const before = callerIdentityRequests().length;
    await Promise.all([
      v2.getCallerIdentity().promise(),
      v2.getCallerIdentity().promise(),
      v3Sts(provider).send(new GetCallerIdentityCommand({})), // a new v3 client asks the provider
      v3Sts(provider).send(new GetCallerIdentityCommand({})),
    ]);
    offset = 0;
    expect(assumeCalls()).toBe(2);
    const secondKey = provider.stats.accessKeyId!;
    expect(secondKey).not.toBe(firstKey);
    expect(callerIdentityRequests().slice(before).map((r) => r.accessKeyId)).toEqual([secondKey, secondKey, secondKey, secondKey]);
  });

  it("inside the advisory window, v2 requests do not wait for STS", async () => {
    let offset = 0;
    const events: CredentialCacheEvent[] = [];
    let backgroundRefreshDone!: () => void;
    const refreshed = new Promise<void>((resolve) => (backgroundRefreshDone = resolve));
    const credentials = webIdentityCredentials({
      now: () => Date.now() + offset,
      jitter: 0,
      advisoryWindowMs: 15 * 60_000,
      mandatoryWindowMs: 60_000,
      retry: { attemptTimeoutMs: 200 },
      onEvent: (event) => {
        events.push(event);
        if (event.type === "refresh-succeeded" && event.reason === "advisory") backgroundRefreshDone();
      },
    });
    const sts = v2Sts({ credentials });
    await sts.getCallerIdentity().promise();
    const firstKey = credentials.accessKeyId;

    // 10 minutes before expiry, and STS does not answer the next AssumeRoleWithWebIdentity.
    offset = credentials.expireTime.getTime() - 10 * 60_000 - Date.now();
    world.sts.faults.hangNext(1, { action: "AssumeRoleWithWebIdentity", maxMs: 10_000 });
    expect(credentials.needsRefresh()).toBe(false);

    const answers = await Promise.all(Array.from({ length: 5 }, () => sts.getCallerIdentity().promise()));

    // Answered with the first set while the background refresh was still stuck on STS.
    expect(answers.every((a) => a.Arn === answers[0]!.Arn)).toBe(true);
    expect(callerIdentityRequests().slice(1).map((r) => r.accessKeyId)).toEqual(Array(5).fill(firstKey));
    expect(events.filter((e) => e.type === "refresh-started" && e.reason === "advisory")).toHaveLength(1);
    expect(events.some((e) => e.type === "refresh-succeeded" && e.reason === "advisory")).toBe(false);
    expect(credentials.stats.blockedCalls).toBe(1); // only the very first call waited

    // The background refresh gives up on the hung attempt, retries, and the next request uses it.
    await refreshed;
    offset = 0;
    const secondKey = credentials.accessKeyId;
    expect(secondKey).not.toBe(firstKey);
    await sts.getCallerIdentity().promise();
    expect(callerIdentityRequests().at(-1)?.accessKeyId).toBe(secondKey);
    expect(world.sts.requests.filter((r) => r.action === "AssumeRoleWithWebIdentity").map((r) => r.fault)).toEqual([
      undefined,
      "hang",
      undefined,
    ]);
  });

  it("an ExpiredToken answer invalidates the key, one refresh follows, and v2's own retry succeeds", async () => {
    const credentials = webIdentityCredentials();
    const sts = v2Sts({ credentials, maxRetries: 2, retryDelayOptions: { base: 1 } });
    await sts.getCallerIdentity().promise();
    const firstKey = credentials.accessKeyId;

    world.sts.expireCredentials(firstKey);
    const identity = await sts.getCallerIdentity().promise();

    expect(identity.Arn).toEqual(expectedArn());
    expect(identity.$response.retryCount).toBe(1);
    expect(assumeCalls()).toBe(2);
    expect(credentials.accessKeyId).not.toBe(firstKey);
    expect(callerIdentityRequests().map((r) => [r.accessKeyId, r.errorCode])).toEqual([
      [firstKey, undefined],
      [firstKey, "ExpiredToken"],
      [credentials.accessKeyId, undefined],
    ]);
    expect(credentials.expired).toBe(false);
  });

  it("20 concurrent requests answered ExpiredToken lead to one refresh, and all their retries succeed", async () => {
    const credentials = webIdentityCredentials();
    const sts = v2Sts({ credentials, maxRetries: 2, retryDelayOptions: { base: 1 } });
    await sts.getCallerIdentity().promise();
    const firstKey = credentials.accessKeyId;

    world.sts.expireCredentials(firstKey);
    const answers = await Promise.all(Array.from({ length: 20 }, () => sts.getCallerIdentity().promise()));

    expect(answers.map((a) => a.$response.retryCount)).toEqual(Array(20).fill(1));
    expect(assumeCalls()).toBe(2);
    const failed = callerIdentityRequests().filter((r) => r.errorCode === "ExpiredToken");
    expect(failed).toHaveLength(20);
    expect(new Set(failed.map((r) => r.accessKeyId))).toEqual(new Set([firstKey]));
  });

  describe("errors from the engine reach v2 callbacks with the same messages as v3", () => {
    function originalMessages(error: unknown): string[] {
      const messages: string[] = [];
      for (let e = error as { message: string; originalError?: unknown } | undefined; e; e = e.originalError as typeof e) {
        messages.push(e.message);
      }
      return messages;
    }

    /** Request ids differ from one STS call to the next; the rest of the message must not. */
    const withoutRequestId = (message: string) => message.replace(/request id [0-9a-f-]+/, "request id <id>");

    async function v3Message(provider: ReturnType<typeof fromWebIdentity>): Promise<string> {
      const error = await v3Sts(provider)
        .send(new GetCallerIdentityCommand({}))
        .then(() => undefined, (e: unknown) => e as Error);
      expect(error).toBeInstanceOf(Error);
      return error!.message;
    }

    it("a missing token file", async () => {
      const broken = { webIdentityTokenFile: `${world.tokenFile.path}.missing` };
      const message = await v3Message(fromWebIdentity(init(broken)));
      const credentials = webIdentityCredentials(broken);

      const fromGet = await new Promise<unknown>((resolve) => credentials.get(resolve));
      expect((fromGet as Error).message).toBe(message);
      await expect(credentials.getPromise()).rejects.toThrow(message);

      const requestError = await new Promise<AWS.AWSError>((resolve) =>
        v2Sts({ credentials }).getCallerIdentity((err: AWS.AWSError) => resolve(err)),
      );
      // v2 wraps a credentials error twice ("Missing credentials in config" around "Could not load
      // credentials from WebIdentityCredentials"); the engine's message is at the bottom, unchanged.
      expect(requestError.code).toBe("CredentialsError");
      expect(originalMessages(requestError)).toEqual([
        expect.stringMatching(/^Missing credentials in config/),
        "Could not load credentials from WebIdentityCredentials",
        message,
      ]);
      expect(assumeCalls()).toBe(0);
    });

    it("STS refusing the role", async () => {
      const broken = { roleArn: "arn:aws:iam::111122223333:role/not-trusted" };
      const message = await v3Message(fromWebIdentity(init(broken)));
      const credentials = webIdentityCredentials(broken);

      const fromGet = await new Promise<unknown>((resolve) => credentials.get(resolve));
      expect(withoutRequestId((fromGet as Error).message)).toBe(withoutRequestId(message));
      expect(message).toContain("AccessDenied");
      expect(message).not.toContain(world.tokenFile.currentToken);
    });

    it("one provider shared by v2 and v3 hands both the very same message", async () => {
      const provider = fromWebIdentity(init({ roleArn: "arn:aws:iam::111122223333:role/not-trusted" }));
      closers.push(() => provider.close());
      const message = await v3Message(provider);

      const fromGet = await new Promise<unknown>((resolve) => toV2Credentials(provider).get(resolve));
      expect((fromGet as Error).message).toBe(message);
      expect(assumeCalls()).toBe(1); // the engine's short error cache answered v2
    });
  });
});
