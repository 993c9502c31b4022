import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWebIdentityProvider, type WebIdentityCredentialProvider } from "../../providers/from-web-identity.js";
import { createWebIdentityChainProvider } from "../../providers/chain.js";

// A permanent failure is cached (here for a minute); kubelet rotating the token file ends that
// cache, so the new token is tried at once. Real files, a real atomic ..data swap, a short poll.
let world: IrsaWorld;
const providers: Array<{ close(): void }> = [];
beforeAll(async () => {
  world = await startIrsaWorld();
});
afterAll(async () => {
  await world.close();
});
afterEach(() => {
  for (const provider of providers.splice(0)) provider.close();
  world.sts.faults.clear();
  world.sts.reset();
});

const env = () => ({ ...world.env, AWS_EC2_METADATA_DISABLED: "true" });
const init = { proactive: false, errorCacheMs: [60_000, 60_000] as [number, number], retry: { sleep: async () => {} } };
const assumeCalls = () => world.sts.calls("AssumeRoleWithWebIdentity");

async function rotationEndsTheErrorCache(provider: () => Promise<{ accessKeyId: string }>) {
  // the same bytes rejected twice (the torn-token re-read included): permanent, cached
  world.sts.faults.failNext(2, { code: "InvalidIdentityToken", message: "Token is not valid", action: "AssumeRoleWithWebIdentity" });
  await expect(provider()).rejects.toMatchObject({ name: "StsRequestError", code: "InvalidIdentityToken", recoverable: false });
  expect(assumeCalls()).toBe(2);
  await expect(provider()).rejects.toMatchObject({ code: "InvalidIdentityToken" }); // from the error cache
  expect(assumeCalls()).toBe(2);
  await world.tokenFile.rotate();
  await expect.poll(async () => provider().then((set) => world.sts.isIssued(set.accessKeyId), () => false), { timeout: 2_000, interval: 20 }).toBe(true);
  expect(assumeCalls()).toBe(3); // one call with the new token, not one per poll
}

describe("a token rotated while a permanent failure is cached", () => {
  it("fromWebIdentity: the next call tries the new token (one STS call), not after the error cache", async () => {
    const provider = createWebIdentityProvider(init, { env, tokenRotationPollMs: 20 });
    providers.push(provider);
    await rotationEndsTheErrorCache(provider);
  });

  it("fromWebIdentityChain: the same", async () => {
    const provider = createWebIdentityChainProvider({ ...init, fallbacks: [] }, { env, tokenRotationPollMs: 20 });
    providers.push(provider);
    await rotationEndsTheErrorCache(provider);
  });

  it("without a rotation the failure stays cached: no STS call per call", async () => {
    const provider = createWebIdentityProvider(init, { env, tokenRotationPollMs: 20 });
    providers.push(provider);
    world.sts.faults.failNext(2, { code: "InvalidIdentityToken", message: "Token is not valid", action: "AssumeRoleWithWebIdentity" });
    await expect(provider()).rejects.toMatchObject({ recoverable: false });
    for (let i = 0; i < 5; i++) await expect(provider()).rejects.toMatchObject({ code: "InvalidIdentityToken" });
    expect(assumeCalls()).toBe(2);
  });
});
