// The AWS SDKs' own container-credentials providers, v3 and v2, fetch from our server backed by
// the local IRSA world, then sign a GetCallerIdentity that the local STS verifies.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request, Agent } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromHttp, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { createCredentialServer, createJsonLogger, CredentialServerMetrics, type CredentialServer } from "@irsa/credential-server";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type CachedCredentialProvider } from "@irsa/web-identity";
import AWS from "aws-sdk";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logCollector, startHoldingProxy } from "./credential-server-support.js";

let world: IrsaWorld;
let folder: string;
let provider: CachedCredentialProvider;
let server: CredentialServer;
let tokenFile: string;
let logs: ReturnType<typeof logCollector>;
let proxy: Awaited<ReturnType<typeof startHoldingProxy>> | undefined;
const savedEnv = { ...process.env };

/** Points the process at nothing but what a test sets: no AWS_* from the machine, no IMDS. */
function isolateEnv(extra: Record<string, string>) {
  for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name];
  Object.assign(process.env, { AWS_EC2_METADATA_DISABLED: "true", ...extra });
}

function restoreEnv() {
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
}

async function startServer(
  init: {
    stsEndpoint?: string;
    retry?: { maxAttempts?: number; attemptTimeoutMs?: number };
    schedule?: Parameters<typeof createCredentialServer>[0]["schedule"];
  } = {},
) {
  const logger = createJsonLogger({ level: "debug", write: (line) => logs.write(line) });
  const metrics = new CredentialServerMetrics();
  provider = fromWebIdentity({
    roleArn: world.roleArn,
    webIdentityTokenFile: world.env.AWS_WEB_IDENTITY_TOKEN_FILE,
    region: world.region,
    clientConfig: { endpoint: init.stsEndpoint ?? world.sts.endpoint },
    logger,
    onEvent: metrics.observeCacheEvent,
    errorCacheMs: 0,
    recoveryBackoffMs: [0, 0], // the readiness loop's own delays are under test here
    ...(init.retry ? { retry: init.retry } : {}),
  });
  server = await createCredentialServer({
    provider,
    logger,
    metrics,
    writeAuthTokenFile: tokenFile,
    ...(init.schedule ? { schedule: init.schedule } : {}),
  });
  return server;
}

async function callerArn(credentials: ConstructorParameters<typeof STSClient>[0] extends infer C ? C extends { credentials?: infer P } ? P : never : never) {
  const sts = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

const assumedRoleArn = () => world.roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/");

beforeEach(async () => {
  world = await startIrsaWorld();
  folder = await mkdtemp(join(tmpdir(), "irsa-sidecar-e2e-"));
  tokenFile = join(folder, "auth-token");
  logs = logCollector();
  proxy = undefined;
});

afterEach(async () => {
  restoreEnv();
  await server?.close();
  provider?.close();
  await proxy?.close();
  await world.close();
  await rm(folder, { recursive: true, force: true });
});

describe("AWS SDK container-credentials providers against the sidecar", () => {
  it("v3 fromHttp gets credentials that sign a GetCallerIdentity", async () => {
    await startServer();
    const credentials = fromHttp({
      awsContainerCredentialsFullUri: server.url,
      awsContainerAuthorizationToken: await readFile(tokenFile, "utf8"),
    });
    const arn = await callerArn(credentials);
    expect(arn).toMatch(new RegExp(`^${assumedRoleArn()}/`));
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
    expect(world.sts.calls("GetCallerIdentity")).toBe(1);
  });

  it("v3 default chain picks up AWS_CONTAINER_CREDENTIALS_FULL_URI and the token file", async () => {
    await startServer();
    const emptyFile = join(folder, "empty");
    await writeFile(emptyFile, "");
    isolateEnv({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url,
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile,
      AWS_CONFIG_FILE: emptyFile,
      AWS_SHARED_CREDENTIALS_FILE: emptyFile,
    });
    const credentials = fromNodeProviderChain();
    const resolved = await credentials();
    expect(world.sts.isIssued(resolved.accessKeyId)).toBe(true);
    expect(await callerArn(credentials)).toMatch(new RegExp(`^${assumedRoleArn()}/`));
  });

  it.each([
    ["RemoteCredentials", () => new AWS.RemoteCredentials()],
    ["ECSCredentials", () => new AWS.ECSCredentials()],
  ])("aws-sdk v2 %s signs a GetCallerIdentity with our credentials", async (_, make) => {
    await startServer();
    isolateEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile });
    const credentials = make();
    await credentials.getPromise();
    expect(world.sts.isIssued(credentials.accessKeyId)).toBe(true);
    const sts = new AWS.STS({ region: world.region, endpoint: world.sts.endpoint, credentials });
    const identity = await sts.getCallerIdentity().promise();
    expect(identity.Arn).toMatch(new RegExp(`^${assumedRoleArn()}/`));
  });
});

describe("sidecar behaviour with the local world", () => {
  it("answers 1,000 concurrent credential requests with one STS call", async () => {
    // The start-up STS call is held until all 1,000 requests are in, so they all wait on it.
    proxy = await startHoldingProxy(world.sts.endpoint);
    await startServer({ stsEndpoint: proxy.endpoint, retry: { attemptTimeoutMs: 60_000 } });
    await proxy.waitForRequests(1);
    const token = await readFile(tokenFile, "utf8");
    const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
    const get = () =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(server.url, { headers: { Authorization: token }, agent }, (res) => {
          let body = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (body += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.end();
      });
    const pending = Promise.all(Array.from({ length: 1000 }, get));
    await logs.waitFor("credentials request received", 1000);
    expect(server.isReady()).toBe(false);
    proxy.release();
    const answers = await pending;
    agent.destroy();
    expect(provider.stats.blockedCalls).toBeGreaterThanOrEqual(1000);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(1000);
    const keys = new Set(answers.map((answer) => (JSON.parse(answer.body) as { AccessKeyId: string }).AccessKeyId));
    expect(keys.size).toBe(1);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
  });

  it("is not ready until the first fetch succeeds, and retries it", async () => {
    world.sts.faults.failNext(1, { code: "Throttling", action: "AssumeRoleWithWebIdentity" });
    const retries: (() => void)[] = [];
    await startServer({ retry: { maxAttempts: 1 }, schedule: (callback) => (retries.push(callback), () => {}) });
    await logs.waitFor("credentials fetch failed; retrying");
    const readyz = await fetch(new URL("/readyz", server.url));
    expect(readyz.status).toBe(503);
    expect(server.isReady()).toBe(false);
    expect(retries).toHaveLength(1);
    retries[0]!();
    await server.whenReady();
    expect((await fetch(new URL("/readyz", server.url))).status).toBe(200);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(2);
  });

  it("refuses a wrong or missing token with 401 and a foreign Host with 403", async () => {
    await startServer();
    await server.whenReady();
    const token = await readFile(tokenFile, "utf8");
    const ask = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const req = request(server.url, { headers, agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on("error", reject);
        req.end();
      });
    expect(await ask({})).toBe(401);
    expect(await ask({ Authorization: "guess" })).toBe(401);
    expect(await ask({ Authorization: token, Host: "rebound.attacker.example" })).toBe(403);
    expect(await ask({ Authorization: token })).toBe(200);
    // The v3 provider surfaces the 401 as a failure, not as credentials.
    await expect(fromHttp({ awsContainerCredentialsFullUri: server.url, awsContainerAuthorizationToken: "guess", maxRetries: 0 })()).rejects.toThrow(/401/);
  });

  it("never writes a secret in its logs, even at debug level", async () => {
    await startServer();
    const token = await readFile(tokenFile, "utf8");
    const credentials = await fromHttp({ awsContainerCredentialsFullUri: server.url, awsContainerAuthorizationToken: token })();
    await fetch(server.url, { headers: { Authorization: "wrong-guess" } });
    await fetch(new URL("/metrics", server.url));
    await server.close();
    const output = logs.text();
    expect(output).toContain(credentials.accessKeyId);
    for (const secret of [credentials.secretAccessKey, credentials.sessionToken!, token, "wrong-guess", world.tokenFile.currentToken]) {
      expect(output).not.toContain(secret);
    }
  });
});
