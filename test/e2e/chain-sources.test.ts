import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  startIrsaWorld,
  startLocalContainerEndpoint,
  startLocalImds,
  type IrsaWorld,
  type LocalContainerEndpoint,
  type LocalImds,
} from "@irsa/testing";
import { ConfigurationError, CredentialChainError, CredentialSourceError, StsRequestError } from "@irsa/web-identity";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChainCloser, ChainEnv, callerArn, rejectionOf } from "./chain-support.js";

// fromWebIdentityChain against the local servers, with the SDK's real fromHttp and
// fromInstanceMetadata. Each source is selected by the environment, as in a pod.

let world: IrsaWorld;
let imds: LocalImds;
let container: LocalContainerEndpoint;
let dir: string;
const env = new ChainEnv();
const closer = new ChainCloser();

beforeEach(async () => {
  world = await startIrsaWorld();
  imds = await startLocalImds({ sts: world.sts });
  container = await startLocalContainerEndpoint({ sts: world.sts });
  dir = await mkdtemp(join(tmpdir(), "irsa-chain-"));
  env.isolate(imds.endpoint);
});
afterEach(async () => {
  closer.closeAll();
  env.restore();
  await Promise.all([world.close(), imds.close(), container.close()]);
  await rm(dir, { recursive: true, force: true });
});

/** The variables of an IRSA pod, pointed at the local world. */
const irsaVariables = () => ({ ...world.env });
/** The variables EKS Pod Identity injects, pointed at the local endpoint. */
async function podIdentityVariables(token = container.authorizationToken!): Promise<Record<string, string>> {
  const tokenFile = join(dir, "eks-pod-identity-token");
  await writeFile(tokenFile, `${token}\n`); // as mounted: a trailing newline
  return { AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenFile };
}

describe("each source wins when it is the only one configured", () => {
  it("web identity: the IRSA role, nobody else asked", async () => {
    env.set(irsaVariables());
    const credentials = closer.chain();
    const arn = await callerArn(closer.client(world.sts, credentials));
    expect(arn).toMatch(/^arn:aws:sts::111122223333:assumed-role\/irsa-demo\//);
    expect(credentials.stats.source).toBe("webIdentity");
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
    expect([container.calls(), imds.calls()]).toEqual([0, 0]);
  });

  it("container credentials (EKS Pod Identity style token file): the pod role, IMDS never asked", async () => {
    env.set(await podIdentityVariables());
    const credentials = closer.chain();
    const arn = await callerArn(closer.client(world.sts, credentials));
    expect(arn).toMatch(/^arn:aws:sts::111122223333:assumed-role\/pod-identity\//);
    expect(credentials.stats.source).toBe("container");
    expect(container.requests.map((r) => [r.status, r.authorized])).toEqual([[200, true]]);
    expect(imds.calls()).toBe(0);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(0);
  });

  it("IMDS (IMDSv2): the node's instance role, after a session token", async () => {
    const credentials = closer.chain();
    const arn = await callerArn(closer.client(world.sts, credentials));
    expect(arn).toMatch(/^arn:aws:sts::111122223333:assumed-role\/node-instance-role\//);
    expect(credentials.stats.source).toBe("imds");
    expect(imds.requests.map((r) => `${r.method} ${r.action} ${r.status}`)).toEqual([
      "PUT token 200",
      "GET role-name 200",
      "GET credentials 200",
    ]);
    expect(container.calls()).toBe(0);
  });
});

describe("a configured source's failure is final", () => {
  it("IRSA configured, STS answers AccessDenied: the error, and the local IMDS sees 0 requests", async () => {
    env.set({ ...irsaVariables(), ...(await podIdentityVariables()) });
    world.sts.faults.failNext(1, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" });
    const error = await rejectionOf(closer.chain()());
    expect(error).toBeInstanceOf(StsRequestError);
    expect(error.code).toBe("AccessDenied");
    expect(error.recoverable).toBe(false);
    expect(imds.calls()).toBe(0);
    expect(container.calls()).toBe(0);
  });

  it("container configured and answering 401: the error, no IMDS", async () => {
    env.set(await podIdentityVariables("not-the-token"));
    const error = await rejectionOf(closer.chain({ container: { maxAttempts: 1 } })());
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error.httpStatus).toBe(401);
    expect(error.message).toContain("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
    expect(error.message).not.toContain("not-the-token");
    expect(imds.calls()).toBe(0);
  });

  it.each([
    [{ AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/irsa-demo" }, "AWS_WEB_IDENTITY_TOKEN_FILE"],
    [{ AWS_CONTAINER_AUTHORIZATION_TOKEN: "t0ken" }, "AWS_CONTAINER_CREDENTIALS_FULL_URI"],
  ])("a half-set pair %j: ConfigurationError naming %s, no request anywhere", async (variables, missing) => {
    env.set(variables);
    const error = await rejectionOf(closer.chain()());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain(missing);
    expect(error.message).not.toContain("t0ken");
    expect([world.sts.calls(), container.calls(), imds.calls()]).toEqual([0, 0, 0]);
  });
});

describe("nothing works", () => {
  it("nothing configured and IMDS a black hole: one clear error within the configured deadline", async () => {
    imds.faults.hangNext(10, { maxMs: 10_000 });
    env.set({ AWS_SECRET_ACCESS_KEY: "do-not-print-me" });
    const deadlineMs = 300;
    const started = performance.now();
    const error = await rejectionOf(closer.chain({ imds: { deadlineMs } })());
    const elapsed = performance.now() - started;

    expect(elapsed).toBeGreaterThanOrEqual(deadlineMs - 5);
    expect(elapsed).toBeLessThan(deadlineMs + 700);
    expect(error).toBeInstanceOf(CredentialChainError);
    const chainError = error as unknown as CredentialChainError;
    expect(chainError.sources.map((s) => [s.source, s.outcome])).toEqual([
      ["webIdentity", "skipped"],
      ["container", "skipped"],
      ["imds", "failed"],
    ]);
    expect(error.message).toContain(`no answer within the ${deadlineMs} ms deadline`);
    expect(error.message).toContain(imds.endpoint);
    expect(chainError.variablesSeen).toEqual(expect.arrayContaining(["AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_SECRET_ACCESS_KEY"]));
    expect(error.message).toContain("AWS_SECRET_ACCESS_KEY");
    expect(error.message).not.toContain("do-not-print-me");
    expect(error.tryNextLink).toBe(true);
    expect(imds.calls("token")).toBeGreaterThanOrEqual(1);
  });

  it("AWS_METADATA_SERVICE_TIMEOUT / _NUM_ATTEMPTS set the deadline (0.1 s x (1 + 1) = 200 ms)", async () => {
    imds.faults.hangNext(10, { maxMs: 10_000 });
    env.set({ AWS_METADATA_SERVICE_TIMEOUT: "0.1", AWS_METADATA_SERVICE_NUM_ATTEMPTS: "1" });
    const started = performance.now();
    const error = await rejectionOf(closer.chain()());
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(CredentialChainError);
    expect(error.message).toMatch(/timeout 100 ms per request, 1 attempt, deadline 200 ms/);
    expect(elapsed).toBeLessThan(200 + 700);
  });

  it("AWS_EC2_METADATA_DISABLED=true and nothing else: every source skipped, no request at all", async () => {
    env.set({ AWS_EC2_METADATA_DISABLED: "true" });
    const error = await rejectionOf(closer.chain()());
    expect(error).toBeInstanceOf(CredentialChainError);
    expect((error as unknown as CredentialChainError).sources.every((s) => s.outcome === "skipped")).toBe(true);
    expect(error.message).toContain("AWS_EC2_METADATA_DISABLED=true");
    expect(error.recoverable).toBe(false);
    expect(imds.calls()).toBe(0);
  });

  it("fallbacks: [] means web identity only: IMDS is listed as not in `fallbacks` and never asked", async () => {
    const error = await rejectionOf(closer.chain({ fallbacks: [] })());
    expect(error.message).toMatch(/IMDS: skipped: not in `fallbacks`/);
    expect(error.message).toMatch(/container credentials: skipped: not in `fallbacks`/);
    expect(imds.calls()).toBe(0);
  });
});

describe("refreshes", () => {
  it("container token file re-read on each fetch: the endpoint sees the rotated token", async () => {
    const variables = await podIdentityVariables("token-one");
    container.authorizationToken = "token-one";
    env.set(variables);
    const credentials = closer.chain();
    await credentials();

    await writeFile(variables.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE!, "token-two\n");
    container.authorizationToken = "token-two";
    await credentials.refresh();

    expect(container.requests.map((r) => [r.status, r.authorized])).toEqual([
      [200, true],
      [200, true],
    ]);
  });

  it("the winning source is remembered: a second refresh does not walk the chain again", async () => {
    // IMDS first, failing once: container credentials win.
    env.set(await podIdentityVariables());
    imds.faults.failNext(2, { status: 500 });
    const credentials = closer.chain({ fallbacks: ["imds", "container"], imds: { ec2MetadataV1Disabled: true } });
    await credentials();
    expect(credentials.stats.source).toBe("container");
    const imdsCallsAfterWalk = imds.calls();
    expect(imdsCallsAfterWalk).toBeGreaterThan(0);

    // IMDS healthy again and IRSA variables appear: a new walk would pick either; the chain does not.
    env.set(irsaVariables());
    await credentials.refresh();
    await credentials.refresh();
    expect(container.calls()).toBe(3);
    expect(imds.calls()).toBe(imdsCallsAfterWalk);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(0);
    expect(credentials.stats.source).toBe("container");
  });
});
