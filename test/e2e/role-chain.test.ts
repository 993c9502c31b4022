import {
  DEFAULT_CONTAINER_ROLE_ARN,
  DEFAULT_WORLD_ROLE_ARN,
  startIrsaWorld,
  startLocalContainerEndpoint,
  startLocalImds,
  type IrsaWorld,
  type LocalContainerEndpoint,
  type LocalImds,
} from "@irsa/testing";
import { RoleChainError, fromWebIdentity, type WebIdentityCredentialProvider } from "@irsa/web-identity";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChainCloser, ChainEnv, callerArn, rejectionOf } from "./chain-support.js";
import { worldInit } from "./web-identity-support.js";

// Cross-account role chaining against the local STS: AssumeRole hops signed by the previous
// credentials (SigV4 verified by the local STS), proven with GetCallerIdentity from a real client.

const SHARED_SERVICES = "arn:aws:iam::222233334444:role/shared-services";
const DATA_READER = "arn:aws:iam::333344445555:role/data-reader";
const EXTERNAL_ID = "partner-7f3a";

let world: IrsaWorld;
let imds: LocalImds;
let container: LocalContainerEndpoint;
const env = new ChainEnv();
const closer = new ChainCloser();
const providers: WebIdentityCredentialProvider[] = [];

beforeEach(async () => {
  world = await startIrsaWorld({
    extraRoles: [
      // The web identity role (or the pod's container role) may assume shared-services, which may assume data-reader.
      { roleArn: SHARED_SERVICES, assumableBy: [DEFAULT_WORLD_ROLE_ARN, DEFAULT_CONTAINER_ROLE_ARN] },
      { roleArn: DATA_READER, assumableBy: [SHARED_SERVICES], externalId: EXTERNAL_ID },
    ],
  });
  imds = await startLocalImds({ sts: world.sts });
  container = await startLocalContainerEndpoint({ sts: world.sts });
  env.isolate(imds.endpoint);
});
afterEach(async () => {
  for (const provider of providers.splice(0)) provider.close();
  closer.closeAll();
  env.restore();
  await Promise.all([world.close(), imds.close(), container.close()]);
});

const twoHops = [{ roleArn: SHARED_SERVICES }, { roleArn: DATA_READER, externalId: EXTERNAL_ID, roleSessionName: "reports" }];

function provider(roleChain = twoHops): WebIdentityCredentialProvider {
  const created = fromWebIdentity(worldInit(world, { roleChain, roleSessionName: "pod-a" }));
  providers.push(created);
  return created;
}

const assumeRoleRequests = () => world.sts.requests.filter((r) => r.action === "AssumeRole");

describe("fromWebIdentity with a two-hop roleChain", () => {
  it("GetCallerIdentity (real v3 STSClient) shows the last role; each hop signed by the previous one", async () => {
    const credentials = provider();
    const arn = await callerArn(closer.client(world.sts, credentials));
    expect(arn).toBe("arn:aws:sts::333344445555:assumed-role/data-reader/reports");

    const [web] = world.sts.requests.filter((r) => r.action === "AssumeRoleWithWebIdentity");
    const [hop1, hop2] = assumeRoleRequests();
    expect(hop1).toMatchObject({ status: 200, roleArn: SHARED_SERVICES, sessionName: "pod-a", accessKeyId: web!.issuedAccessKeyId });
    expect(hop2).toMatchObject({ status: 200, roleArn: DATA_READER, sessionName: "reports", accessKeyId: hop1!.issuedAccessKeyId });
    const last = await credentials();
    expect(last.accessKeyId).toBe(hop2!.issuedAccessKeyId);
    expect(last.accountId).toBe("333344445555");
  });

  it("the set's expiration is the last hop's; a refresh walks every hop again from a new base", async () => {
    const credentials = provider();
    const first = await credentials();
    const lastHop = world.sts.issuedCredentials.get(first.accessKeyId)!;
    expect(first.expiration?.getTime()).toBe(lastHop.expiration.getTime());

    const second = await credentials.refresh();
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(2);
    const hops = assumeRoleRequests();
    expect(hops).toHaveLength(4);
    const newBase = world.sts.requests.filter((r) => r.action === "AssumeRoleWithWebIdentity")[1]!.issuedAccessKeyId;
    expect(hops[2]!.accessKeyId).toBe(newBase);
    expect(credentials.stats.sourceCalls).toBe(2); // one engine over base and hops
  });

  it("a failing middle hop: a RoleChainError naming it (index and role ARN), non-recoverable on AccessDenied", async () => {
    // data-reader's trust demands the external id: leave it out.
    const error = await rejectionOf(provider([{ roleArn: SHARED_SERVICES }, { roleArn: DATA_READER }, { roleArn: SHARED_SERVICES }])());
    expect(error).toBeInstanceOf(RoleChainError);
    expect(error).toMatchObject({ hopIndex: 1, roleArn: DATA_READER, code: "AccessDenied", recoverable: false, tryNextLink: false });
    expect(error.message).toContain(`Role chain hop 2 of 3 (roleChain[1], AssumeRole ${DATA_READER})`);
    expect(error.message).toContain(`Signed by the role ${SHARED_SERVICES} (roleChain[0])`);
    expect(error.message).toMatch(/trust policy of .*data-reader allows sts:AssumeRole/);
    expect(assumeRoleRequests()).toHaveLength(2); // hop 3 never called
    // what SDK-era code reads: the SDK's own exception as the cause, and its $metadata
    expect(error.$metadata).toMatchObject({ httpStatusCode: 403, requestId: expect.any(String) });
    expect(error.cause).toMatchObject({ name: "AccessDenied", $metadata: { httpStatusCode: 403 } });
  });

  it("a throttled hop is retried with the base's retry rules; 5xx to the end is recoverable", async () => {
    world.sts.faults.failNext(1, { code: "Throttling", action: "AssumeRole" });
    await expect(provider()()).resolves.toMatchObject({ accountId: "333344445555" });
    expect(assumeRoleRequests().map((r) => r.status)).toEqual([400, 200, 200]);

    world.sts.reset();
    world.sts.faults.failNext(3, { status: 500, code: "InternalFailure", action: "AssumeRole" });
    const error = await rejectionOf(provider()());
    expect(error).toMatchObject({ name: "RoleChainError", hopIndex: 0, code: "InternalFailure", attempts: 3, recoverable: true });
  });

  it("a malformed hop fails before any STS call, naming the field", async () => {
    const error = await rejectionOf(provider([{ roleArn: SHARED_SERVICES }, { roleArn: "data-reader" }])());
    expect(error.name).toBe("ConfigurationError");
    expect(error.message).toContain("roleChain[1].roleArn");
    expect(world.sts.calls()).toBe(0);
  });
});

describe("fromWebIdentityChain with a roleChain", () => {
  it("after container credentials: hops signed from the pod role, last role shown by GetCallerIdentity", async () => {
    env.set({ AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN: container.authorizationToken! });
    const credentials = closer.chain({ roleChain: twoHops, region: world.region, clientConfig: { endpoint: world.sts.endpoint } });
    const arn = await callerArn(closer.client(world.sts, credentials));
    expect(arn).toBe("arn:aws:sts::333344445555:assumed-role/data-reader/reports");
    expect(credentials.stats.source).toBe("container");
    const [hop1] = assumeRoleRequests();
    expect(world.sts.issuedCredentials.get(hop1!.accessKeyId!)?.roleArn).toBe(DEFAULT_CONTAINER_ROLE_ARN);
    expect(imds.calls()).toBe(0);
  });

  it("after web identity: the hops run once, on the web identity provider's STS client", async () => {
    env.set(world.env);
    const credentials = closer.chain({ roleChain: twoHops });
    expect(await callerArn(closer.client(world.sts, credentials))).toBe("arn:aws:sts::333344445555:assumed-role/data-reader/reports");
    expect(assumeRoleRequests()).toHaveLength(2);
    expect(credentials.stats.source).toBe("webIdentity");
  });
});
