import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fromHttp as realFromHttp, type FromHttpOptions } from "@aws-sdk/credential-provider-http";
import { startLocalContainerEndpoint, type LocalContainerEndpoint } from "@irsa/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWebIdentityChainProvider, type WebIdentityChainProvider } from "../../providers/chain.js";
import { resolveContainerConfig } from "./container-config.js";
import { createContainerSource } from "./container-source.js";
import { readFileCapped } from "../web-identity/read-file-capped.js";
import { ConfigurationError, CredentialSourceError, NotConfiguredError } from "../../shared/errors.js";

const POD_IDENTITY_URI = "http://169.254.170.23/v1/credentials";

let endpoint: LocalContainerEndpoint;
let dir: string;
let tokenFile: string;
const providers: WebIdentityChainProvider[] = [];

beforeEach(async () => {
  endpoint = await startLocalContainerEndpoint();
  dir = await mkdtemp(join(tmpdir(), "irsa-container-"));
  tokenFile = join(dir, "token");
  await writeFile(tokenFile, `${endpoint.authorizationToken!}\n`);
});
afterEach(async () => {
  for (const provider of providers.splice(0)) provider.close();
  await endpoint.close();
  await rm(dir, { recursive: true, force: true });
});

/**
 * The SDK's real fromHttp, twice: once with the options the source built (its host check runs,
 * no request is sent: the provider is never called), then aimed at the local endpoint for the
 * request itself. So a link-local address is checked by the SDK without any traffic to it.
 */
function redirectingFromHttp(seen: FromHttpOptions[]) {
  return (options: FromHttpOptions) => {
    seen.push(options);
    realFromHttp(options); // throws if the SDK refuses the URL
    return realFromHttp({ ...options, awsContainerCredentialsFullUri: endpoint.fullUri });
  };
}

function chainOver(env: Record<string, string>, seen: FromHttpOptions[]) {
  const provider = createWebIdentityChainProvider(
    { proactive: false, fallbacks: ["container"] },
    { env: () => env, fromHttp: redirectingFromHttp(seen) },
  );
  providers.push(provider);
  return provider;
}

describe("EKS Pod Identity address (169.254.170.23)", () => {
  it("accepted by the SDK's own host check on the first fetch and on every refresh, with no traffic to it", async () => {
    const seen: FromHttpOptions[] = [];
    const provider = chainOver({ AWS_CONTAINER_CREDENTIALS_FULL_URI: POD_IDENTITY_URI, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile }, seen);
    const keys = [(await provider()).accessKeyId];
    endpoint.rotateCredentials();
    keys.push((await provider.refresh()).accessKeyId);
    endpoint.rotateCredentials();
    keys.push((await provider.refresh()).accessKeyId);

    // Per fetch: the host check (built without the token, never called), then the attempt.
    expect(seen.map((options) => options.awsContainerCredentialsFullUri)).toEqual(Array(6).fill(POD_IDENTITY_URI));
    expect(seen.filter((_, i) => i % 2 === 0).every((options) => options.awsContainerAuthorizationToken === "")).toBe(true);
    // The token file's trailing newline is gone: the local endpoint saw an exact match each time.
    expect(seen.filter((_, i) => i % 2 === 1).every((options) => options.awsContainerAuthorizationToken === endpoint.authorizationToken)).toBe(true);
    expect(seen.every((options) => options.awsContainerAuthorizationTokenFile === "")).toBe(true);
    expect(endpoint.requests.map((r) => [r.status, r.authorized])).toEqual([
      [200, true],
      [200, true],
      [200, true],
    ]);
    expect(new Set(keys).size).toBe(3);
    expect(provider.stats.source).toBe("container");
  });

  it("an address the SDK does not allow is a ConfigurationError, before any request", async () => {
    const seen: FromHttpOptions[] = [];
    const provider = chainOver({ AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://169.254.170.99/v1/credentials" }, seen);
    const error = (await provider().catch((e: unknown) => e)) as ConfigurationError;
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toMatch(/AWS_CONTAINER_CREDENTIALS_FULL_URI .*refused by the AWS SDK/);
    expect(seen).toHaveLength(1);
    expect(endpoint.calls()).toBe(0);
  });

  it("a relative URI goes to the ECS agent's address, checked the same way", async () => {
    const seen: FromHttpOptions[] = [];
    await chainOver({ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/abc", AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile }, seen)();
    expect(seen[0]).toMatchObject({ awsContainerCredentialsFullUri: "http://169.254.170.2/v2/credentials/abc", awsContainerCredentialsRelativeUri: "" });
  });
});

describe("container source failures", () => {
  it("401 (wrong token): non-recoverable, naming the token's variable, never its value", async () => {
    const source = createContainerSource({ maxAttempts: 1 }, { env: () => ({ AWS_CONTAINER_CREDENTIALS_FULL_URI: endpoint.fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN: "wrong-secret" }) });
    const error = (await source().catch((e: unknown) => e)) as CredentialSourceError;
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error).toMatchObject({ httpStatus: 401, recoverable: false, tryNextLink: false, source: "container" });
    expect(error.message).toContain("AWS_CONTAINER_AUTHORIZATION_TOKEN");
    expect(error.message).not.toContain("wrong-secret");
  });

  it("500: recoverable", async () => {
    endpoint.faults.failNext(1, { status: 500 });
    const source = createContainerSource({ maxAttempts: 1, fullUri: endpoint.fullUri, authorizationTokenFile: tokenFile }, { env: () => ({}) });
    await expect(source()).rejects.toMatchObject({ name: "CredentialSourceError", httpStatus: 500, recoverable: true });
  });

  it("maxAttempts 2: one retry inside the fetch", async () => {
    endpoint.faults.failNext(1, { status: 503 });
    const source = createContainerSource({ maxAttempts: 2, timeoutMs: 250, fullUri: endpoint.fullUri, authorizationTokenFile: tokenFile }, { env: () => ({}) });
    await expect(source()).resolves.toMatchObject({ accessKeyId: endpoint.currentCredentials().accessKeyId });
    expect(endpoint.requests.map((r) => r.status)).toEqual([503, 200]);
  });

  it("a missing token file names the path; an empty one is refused without a request", async () => {
    const missing = createContainerSource({ fullUri: endpoint.fullUri, authorizationTokenFile: join(dir, "absent") }, { env: () => ({}) });
    await expect(missing()).rejects.toThrow(/absent \(option `container.authorizationTokenFile`\) does not exist/);
    await writeFile(tokenFile, "\n");
    const empty = createContainerSource({ fullUri: endpoint.fullUri, authorizationTokenFile: tokenFile }, { env: () => ({}) });
    await expect(empty()).rejects.toThrow(/is empty/);
    expect(endpoint.calls()).toBe(0);
  });
});

describe("resolveContainerConfig", () => {
  it("nothing set: NotConfiguredError (the chain moves on)", () => {
    expect(() => resolveContainerConfig({}, {})).toThrow(NotConfiguredError);
  });

  it("a token without an endpoint: ConfigurationError naming the missing variable, not the token", () => {
    expect(() => resolveContainerConfig({}, { AWS_CONTAINER_AUTHORIZATION_TOKEN: "s3cr3t" })).toThrow(
      expect.objectContaining({ name: "ConfigurationError", message: expect.stringContaining("AWS_CONTAINER_CREDENTIALS_FULL_URI") }),
    );
    expect(() => resolveContainerConfig({}, { AWS_CONTAINER_AUTHORIZATION_TOKEN: "s3cr3t" })).not.toThrow(/s3cr3t/);
  });

  it("relative wins over full, a token file over a token, options over variables (the SDK's precedence)", () => {
    const config = resolveContainerConfig(
      { authorizationTokenFile: "/var/run/token" },
      {
        AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/x",
        AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://127.0.0.1:1/y",
        AWS_CONTAINER_AUTHORIZATION_TOKEN: "t",
        AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: "/other",
      },
    );
    expect(config).toMatchObject({
      url: "http://169.254.170.2/v2/x",
      urlFrom: "environment variable AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
      authorization: { kind: "file", path: "/var/run/token", from: "option `container.authorizationTokenFile`" },
      timeoutMs: 1000,
      maxAttempts: 2,
    });
  });

  it.each([
    [{ AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "v2/x" }, /must start with "\/"/],
    [{ AWS_CONTAINER_CREDENTIALS_FULL_URI: "not a url" }, /is not a URL/],
    [{ AWS_CONTAINER_CREDENTIALS_FULL_URI: "ftp://127.0.0.1/x" }, /http or https/],
    [{ AWS_CONTAINER_CREDENTIALS_FULL_URI: "http://user:pw@127.0.0.1/x" }, /user name or password/],
  ])("%j is a ConfigurationError", (env, message) => {
    expect(() => resolveContainerConfig({}, env)).toThrow(message);
  });
});

describe("deadlines and order of checks", () => {
  it("a black-hole endpoint (accepts, never answers) fails recoverably within the documented time, sockets released", async () => {
    const sockets = new Set<Socket>();
    const hole = createServer((socket) => {
      sockets.add(socket);
      socket.resume(); // reads (and drops) the request, so it sees the client hang up
      socket.on("close", () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => hole.listen(0, "127.0.0.1", resolve));
    try {
      const port = (hole.address() as AddressInfo).port;
      const source = createContainerSource(
        { fullUri: `http://127.0.0.1:${port}/v1/credentials`, timeoutMs: 150, maxAttempts: 2 },
        { env: () => ({}) },
      );
      const started = Date.now();
      const error = (await source().catch((e: unknown) => e)) as CredentialSourceError;
      const elapsed = Date.now() - started;
      expect(error).toBeInstanceOf(CredentialSourceError);
      expect(error.recoverable).toBe(true);
      expect(error.message).toMatch(/did not answer within 1[0-5]\d ms \(attempt 2 of 2\)/);
      // (2 x 2 - 1) x 150 ms = 450 ms documented; some slack for a loaded machine.
      expect(elapsed).toBeGreaterThanOrEqual(400);
      expect(elapsed).toBeLessThan(1_500);
      await expect.poll(() => sockets.size).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => hole.close(() => resolve()));
    }
  });

  it("a refused URL never opens the authorization token file (a FIFO here)", async () => {
    const fifo = join(dir, "token-fifo");
    execFileSync("mkfifo", [fifo]);
    const opened: string[] = [];
    const source = createContainerSource(
      { fullUri: "http://169.254.170.99/v1/credentials", authorizationTokenFile: fifo },
      {
        env: () => ({}),
        readFile: async (path, max) => {
          opened.push(path);
          return readFileCapped(path, max);
        },
      },
    );
    const error = await source().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("169.254.170.99");
    expect(opened).toEqual([]);
  });
});
