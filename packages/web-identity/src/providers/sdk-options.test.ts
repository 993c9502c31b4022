import { STSClient } from "@aws-sdk/client-sts";
import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import type { HttpRequest } from "@smithy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ConfigurationError } from "../shared/errors.js";
import { createWebIdentityProvider, type WebIdentityCredentialProvider } from "./from-web-identity.js";
import type { FromWebIdentityInit } from "./provider-inits.js";
import { createWebIdentityTokenProvider } from "./from-web-identity-token.js";

let world: IrsaWorld;
const providers: WebIdentityCredentialProvider[] = [];
const clients: STSClient[] = [];

beforeAll(async () => {
  world = await startIrsaWorld({ region: "us-west-2" });
});
afterAll(async () => {
  await world.close();
});
afterEach(() => {
  for (const p of providers.splice(0)) p.close();
  for (const c of clients.splice(0)) c.destroy();
  world.sts.faults.clear();
  world.sts.reset();
});

const noEnv = () => ({});
function provider(init: FromWebIdentityInit, env: () => Record<string, string> = noEnv): WebIdentityCredentialProvider {
  const created = createWebIdentityProvider(
    { roleArn: world.roleArn, webIdentityTokenFile: world.tokenFile.path, proactive: false, retry: { sleep: async () => {} }, ...init },
    { env },
  );
  providers.push(created);
  return created;
}
const endpoint = () => ({ endpoint: world.sts.endpoint });
const assumeCalls = () => world.sts.calls("AssumeRoleWithWebIdentity");

/** A real Node handler (the one a v3 client builds) that records what it sends. */
function countingHandler() {
  const owner = new STSClient({ region: "us-west-2" });
  const inner = owner.config.requestHandler as unknown as { handle(r: unknown, o: unknown): Promise<unknown>; destroy(): void };
  const sent: HttpRequest[] = [];
  const handler = {
    metadata: { handlerProtocol: "http/1.1" },
    handle: (request: HttpRequest, options?: object) => {
      sent.push(request);
      return inner.handle(request, options);
    },
    updateHttpClientConfig: () => {},
    httpHandlerConfigs: () => ({}),
    destroy: vi.fn(() => inner.destroy()),
  };
  return { handler, sent, close: () => inner.destroy() };
}

describe("options the AWS SDK takes, with the SDK's meaning", () => {
  it("an unknown option is a ConfigurationError naming it, in JavaScript too", () => {
    expect(() => provider({ roleArm: "x" } as never)).toThrow(ConfigurationError);
    expect(() => provider({ roleArm: "x" } as never)).toThrow(/unknown option `roleArm`/);
    expect(() => provider({ retry: { maxAttempt: 2 } } as never)).toThrow(/`retry.maxAttempt`/);
    expect(() => createWebIdentityProvider(null as never)).toThrow(/must be an object/);
  });

  it("refuses clientConfig settings it would ignore (retryStrategy, retryMode)", () => {
    expect(() => provider({ clientConfig: { retryMode: "adaptive" } })).toThrow(/`clientConfig.retryMode` is not supported/);
  });

  it('durationSeconds as a numeric string ("1800"), as the SDK takes it', async () => {
    const p = provider({ clientConfig: endpoint(), region: "us-west-2", durationSeconds: "1800" as never });
    const set = await p();
    expect(set.expiration!.getTime() - Date.now()).toBeGreaterThan(1700_000);
    expect(set.expiration!.getTime() - Date.now()).toBeLessThanOrEqual(1800_000);
    expect(() => provider({ durationSeconds: "30 min" as never })).not.toThrow(); // checked at fetch
    await expect(provider({ clientConfig: endpoint(), durationSeconds: "30 min" as never })()).rejects.toThrow(/durationSeconds/);
  });

  it("clientConfig.maxAttempts counts STS calls per refresh, as in the SDK (5: Throttling x4 then success)", async () => {
    world.sts.faults.failNext(4, { code: "Throttling", action: "AssumeRoleWithWebIdentity" });
    const p = provider({ region: "us-west-2", clientConfig: { endpoint: world.sts.endpoint, maxAttempts: 5 } });
    await expect(p()).resolves.toMatchObject({ accessKeyId: expect.any(String) });
    expect(assumeCalls()).toBe(5);
  });

  it("clientConfig.maxAttempts and a different retry.maxAttempts are refused", () => {
    expect(() => provider({ clientConfig: { maxAttempts: 5 }, retry: { maxAttempts: 2 } })).toThrow(/disagree/);
  });

  it("roleAssumerWithWebIdentity is called instead of STS, with the token and the SDK's input", async () => {
    const assumer = vi.fn(async () => ({ accessKeyId: "AKIDCUSTOM", secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 3_600_000) }));
    const p = provider({ roleAssumerWithWebIdentity: assumer, providerId: "www.amazon.com", roleSessionName: "app" });
    await expect(p()).resolves.toMatchObject({ accessKeyId: "AKIDCUSTOM" });
    expect(assumeCalls()).toBe(0);
    expect(assumer).toHaveBeenCalledWith(
      expect.objectContaining({ RoleArn: world.roleArn, RoleSessionName: "app", ProviderId: "www.amazon.com", WebIdentityToken: expect.stringMatching(/^ey/) }),
    );
    expect(() => provider({ roleAssumerWithWebIdentity: assumer, clientConfig: endpoint() })).toThrow(/would be ignored/);
  });

  it("clientPlugins are added to the STS client: the plugin's header is sent", async () => {
    const { handler, sent, close } = countingHandler();
    const plugin = {
      applyToStack: (stack: { add: (mw: unknown, options: object) => void }) =>
        stack.add(
          (next: (args: { request: HttpRequest }) => unknown) => (args: { request: HttpRequest }) => {
            args.request.headers["x-from-plugin"] = "yes";
            return next(args);
          },
          { step: "build", name: "testHeader" },
        ),
    };
    const p = provider({ region: "us-west-2", clientConfig: { endpoint: world.sts.endpoint, requestHandler: handler as never }, clientPlugins: [plugin as never] });
    await p();
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers["x-from-plugin"]).toBe("yes");
    close();
  });

  it("webIdentityToken inline (fromWebIdentityToken), by value and by an async function read per call", async () => {
    const token = await world.issuer.mintToken();
    const byValue = createWebIdentityTokenProvider({ roleArn: world.roleArn, webIdentityToken: token, region: "us-west-2", clientConfig: endpoint(), proactive: false }, { env: noEnv });
    providers.push(byValue);
    await expect(byValue()).resolves.toMatchObject({ accessKeyId: expect.any(String) });
    const read = vi.fn(async () => world.issuer.mintToken());
    const byFunction = createWebIdentityTokenProvider({ roleArn: world.roleArn, webIdentityToken: read, region: "us-west-2", clientConfig: endpoint(), proactive: false }, { env: noEnv });
    providers.push(byFunction);
    await byFunction();
    await byFunction.refresh();
    expect(read).toHaveBeenCalledTimes(2);
    expect(assumeCalls()).toBe(3);
    expect(() => createWebIdentityTokenProvider({ webIdentityToken: token } as never)).toThrow(/`roleArn` is required/);
    expect(() => provider({ webIdentityToken: token })).toThrow(/either `webIdentityToken` or `webIdentityTokenFile`/);
  });
});

describe("the calling client's config", () => {
  it("a real STSClient in eu-central-1: its region is used when neither init nor the environment names one, and its handler carries the call", async () => {
    const { handler, sent, close } = countingHandler();
    const p = provider({ clientConfig: endpoint() });
    const client = new STSClient({ region: "eu-central-1", endpoint: world.sts.endpoint, credentials: p, requestHandler: handler as never, maxAttempts: 1 });
    clients.push(client);
    await client.send(new GetCallerIdentityCommand({}));
    expect(p.stats).toMatchObject({ region: "eu-central-1", regionSource: "caller" });
    // one AssumeRoleWithWebIdentity through the caller's handler, then its own GetCallerIdentity
    expect(sent.map((r) => String(r.body ?? "").match(/Action=(\w+)/)?.[1] ?? "GetCallerIdentity")).toEqual([
      "AssumeRoleWithWebIdentity",
      "GetCallerIdentity",
    ]);
    p.close();
    expect(handler.destroy).not.toHaveBeenCalled(); // the caller's handler is never closed by us
    close();
  });

  it("AWS_REGION still wins over the caller; a later caller in another region is logged once", async () => {
    const warn = vi.fn();
    const p = provider({ clientConfig: endpoint(), logger: { warn } }, () => ({ AWS_REGION: "us-west-2" }));
    await p({ callerClientConfig: { region: async () => "eu-central-1" } });
    expect(p.stats).toMatchObject({ region: "us-west-2", regionSource: "env:AWS_REGION" });
    const p2 = provider({ clientConfig: endpoint(), logger: { warn } });
    await p2({ callerClientConfig: { region: async () => "eu-central-1" } });
    await p2({ callerClientConfig: { region: async () => "ap-south-1" } });
    await p2({ callerClientConfig: { region: async () => "ap-south-2" } });
    await new Promise((resolve) => setImmediate(resolve));
    expect(p2.stats.region).toBe("eu-central-1");
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatch(/ap-south-1/);
  });

  it("parentClientConfig wins over the calling client's, as in the SDK", async () => {
    const p = provider({ clientConfig: endpoint(), parentClientConfig: { region: "ca-central-1" } });
    await p({ callerClientConfig: { region: async () => "eu-central-1" } });
    expect(p.stats).toMatchObject({ region: "ca-central-1", regionSource: "caller" });
  });
});

describe("what code written for the SDK's providers reads", () => {
  it("an STS failure keeps our typed error and adds the wire code, $metadata and the SDK's exception as cause", async () => {
    world.sts.faults.failNext(1, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" });
    const error = (await provider({ region: "us-west-2", clientConfig: endpoint() })().catch((e: unknown) => e)) as Record<string, any>;
    expect(error.name).toBe("StsRequestError");
    expect(error.code).toBe("AccessDenied");
    expect(error.$metadata).toMatchObject({ httpStatusCode: 403, requestId: expect.any(String) });
    expect(error.cause.name).toBe("AccessDenied");
    const { inspect } = await import("node:util");
    expect(inspect(error, { depth: 6 })).not.toMatch(/\$response/);
  });

  it("sets the SDK's credential feature tags (k, T, h) on the sets it returns", async () => {
    const env = () => ({ AWS_ROLE_ARN: world.roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: world.tokenFile.path });
    const created = createWebIdentityProvider({ region: "us-west-2", clientConfig: endpoint(), proactive: false }, { env });
    providers.push(created);
    const set = (await created()) as { $source?: Record<string, string> };
    expect(set.$source).toEqual({ RESOLVED_ACCOUNT_ID: "T", CREDENTIALS_STS_ASSUME_ROLE_WEB_ID: "k", CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN: "h" });
    const fromOption = (await provider({ region: "us-west-2", clientConfig: endpoint() })()) as { $source?: Record<string, string> };
    expect(fromOption.$source).not.toHaveProperty("CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN");
  });
});
