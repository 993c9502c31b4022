// Auto-invalidation with a real v3 STSClient against the local STS, which verifies SigV4 on
// GetCallerIdentity and answers ExpiredToken once `sts.expireCredentials(key)` was called: the
// plugin invalidates the rejected key, the provider makes one refresh, and the request is sent once
// more, signed with the new set.

import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { autoInvalidationPlugin, withAutoInvalidation, type WebIdentityCredentialProvider } from "@irsa/web-identity";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { OutputCapture, SecretIndex } from "./redaction-capture.js";
import { Closer, rejectionOf, worldInit } from "./web-identity-support.js";

const GET_CALLER_IDENTITY = "GetCallerIdentity" as const;
let world: IrsaWorld;
const closer = new Closer();
const capture = new OutputCapture();
const tokens = new Set<string>();

beforeAll(async () => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  world = await startIrsaWorld();
  tokens.add(world.tokenFile.currentToken);
});
beforeEach(() => world.sts.reset());
afterEach(() => closer.closeAll());
afterAll(async () => {
  await world.close();
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

/** A provider and a real v3 client using it, with the plugin; `now` drives the plugin's cooldown. */
function setUp(options: { now?: () => number } = {}): { provider: WebIdentityCredentialProvider; client: STSClient } {
  const provider = closer.provider(worldInit(world, { logger: capture.logger, onEvent: capture.onEvent }));
  const client = withAutoInvalidation(closer.client(world, provider), provider, { logger: capture.logger, ...options });
  return { provider, client };
}

const send = (client: STSClient) => client.send(new GetCallerIdentityCommand({}));
const assumeCalls = () => world.sts.calls("AssumeRoleWithWebIdentity");
/** The access key that signed each GetCallerIdentity, in order, as the local STS saw it. */
const signers = () => world.sts.requests.filter((r) => r.action === GET_CALLER_IDENTITY).map((r) => r.accessKeyId);

describe("a service rejects the credentials", () => {
  it("ExpiredToken: invalidate that key, one refresh, the request sent once more succeeds with the new set", async () => {
    const { provider, client } = setUp();
    await send(client);
    const first = provider.stats.accessKeyId!;
    world.sts.expireCredentials(first);

    const answer = await send(client);
    const second = provider.stats.accessKeyId!;
    expect(answer.Arn).toContain(":assumed-role/");
    expect(second).not.toBe(first);
    expect(assumeCalls()).toBe(2); // the first fetch and one refresh
    expect(signers()).toEqual([first, first, second]);
    expect(world.sts.requests.filter((r) => r.action === GET_CALLER_IDENTITY).map((r) => r.errorCode)).toEqual([
      undefined,
      "ExpiredToken",
      undefined,
    ]);
  });

  it("later requests of the same client are signed with the new set (the client's own memo was refreshed too)", async () => {
    const { provider, client } = setUp();
    await send(client);
    const first = provider.stats.accessKeyId!;
    world.sts.expireCredentials(first);
    await send(client);
    const second = provider.stats.accessKeyId!;

    for (let i = 0; i < 3; i++) await send(client);
    expect(signers()).toEqual([first, first, second, second, second, second]);
    expect(assumeCalls()).toBe(2);
  });

  it("as a plain plugin (middlewareStack.use): the same recovery", async () => {
    const provider = closer.provider(worldInit(world, { logger: capture.logger }));
    const client = closer.client(world, provider);
    client.middlewareStack.use(autoInvalidationPlugin(provider, { logger: capture.logger }));
    await send(client);
    const first = provider.stats.accessKeyId!;
    world.sts.expireCredentials(first);

    await send(client);
    await send(client);
    const second = provider.stats.accessKeyId!;
    expect(signers()).toEqual([first, first, second, second]);
    expect(assumeCalls()).toBe(2);
  });

  it("five concurrent requests rejected together: one refresh, all five succeed", async () => {
    const { provider, client } = setUp();
    await send(client);
    world.sts.expireCredentials(provider.stats.accessKeyId!);

    const answers = await Promise.all(Array.from({ length: 5 }, () => send(client)));
    expect(answers.every((a) => a.Arn?.includes(":assumed-role/"))).toBe(true);
    expect(assumeCalls()).toBe(2);
    const log = world.sts.requests.filter((r) => r.action === GET_CALLER_IDENTITY);
    expect(log).toHaveLength(11); // the first call, five rejections, five single retries
    expect(log.filter((r) => r.errorCode === "ExpiredToken")).toHaveLength(5);
    expect(new Set(signers().slice(-5))).toEqual(new Set([provider.stats.accessKeyId]));
  });

  it.each(["InvalidClientTokenId", "InvalidAccessKeyId", "RequestExpired", "ExpiredTokenException", "UnrecognizedClientException"])(
    "%s is handled the same way",
    async (code) => {
      const { provider, client } = setUp();
      await send(client);
      const first = provider.stats.accessKeyId!;
      world.sts.faults.failNext(1, { code, status: 403, action: GET_CALLER_IDENTITY });

      await expect(send(client)).resolves.toMatchObject({ Arn: expect.stringContaining(":assumed-role/") });
      expect(assumeCalls()).toBe(2);
      // (an injected fault answers before the STS checks the signature: no signing key is logged for it)
      expect(signers()).toEqual([first, undefined, provider.stats.accessKeyId]);
      expect(provider.stats.accessKeyId).not.toBe(first);
    },
  );
});

describe("what is not retried", () => {
  it("a second rejection is returned to the caller, not retried in a loop; auto-invalidation then pauses", async () => {
    let clock = 1_000_000;
    const { provider, client } = setUp({ now: () => clock });
    await send(client);
    const first = provider.stats.accessKeyId!;
    world.sts.expireCredentials(first);
    // The new set is refused too (the cause is elsewhere: a clock far off, a revoked session).
    // Injected faults answer before the STS checks the signature, so it logs no signing key for them.
    world.sts.faults.failNext(2, { code: "ExpiredToken", status: 400, action: GET_CALLER_IDENTITY });

    const error = await rejectionOf(send(client));
    expect(error.name).toBe("ExpiredToken");
    expect(signers()).toEqual([first, undefined, undefined]); // the success, the rejection, the single retry
    expect(assumeCalls()).toBe(2); // one refresh, no more
    const second = provider.stats.accessKeyId!;
    expect(second).not.toBe(first);

    // Paused: a rejection now goes straight to the caller, with no refresh and no second attempt.
    world.sts.faults.failNext(1, { code: "ExpiredToken", status: 400, action: GET_CALLER_IDENTITY });
    await expect(send(client)).rejects.toMatchObject({ name: "ExpiredToken" });
    expect(signers()).toHaveLength(4);
    expect(assumeCalls()).toBe(2);

    // After the cooldown the plugin handles rejections again.
    clock += 60_000;
    world.sts.expireCredentials(second);
    await expect(send(client)).resolves.toMatchObject({ Arn: expect.stringContaining(":assumed-role/") });
    expect(assumeCalls()).toBe(3);
  });

  it("a request signed with other credentials: the rejection is returned, the provider is left alone", async () => {
    const { provider } = setUp();
    await provider();
    const foreign = world.sts.issueCredentials({ roleArn: world.roleArn });
    world.sts.expireCredentials(foreign.accessKeyId);
    const client = withAutoInvalidation(
      closer.client(world, async () => ({ accessKeyId: foreign.accessKeyId, secretAccessKey: foreign.secretAccessKey, sessionToken: foreign.sessionToken })),
      provider,
    );

    await expect(send(client)).rejects.toMatchObject({ name: "ExpiredToken" });
    expect(signers()).toEqual([foreign.accessKeyId]);
    expect(assumeCalls()).toBe(1);
    expect(provider.peek().wouldBlock).toBe(false); // not invalidated
  });

  it("an error that is not about the credentials (AccessDenied) is not retried and invalidates nothing", async () => {
    const { provider, client } = setUp();
    await send(client);
    world.sts.faults.failNext(1, { code: "AccessDenied", status: 403, action: GET_CALLER_IDENTITY });

    await expect(send(client)).rejects.toMatchObject({ name: "AccessDenied" });
    expect(signers()).toHaveLength(2);
    expect(assumeCalls()).toBe(1);
    expect(provider.peek().wouldBlock).toBe(false);
  });
});

describe("redaction", () => {
  it("no secret in what the plugin and the providers printed", () => {
    const secrets = new SecretIndex();
    secrets.addIssued(world.sts.issuedCredentials);
    for (const token of tokens) secrets.addToken("web identity token", token);
    expect(capture.counts.info + capture.counts.warn).toBeGreaterThan(0);
    expect(capture.scan(secrets)).toEqual([]);
  });
});
