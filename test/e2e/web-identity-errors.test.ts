import { rename } from "node:fs/promises";
import { STSClient } from "@aws-sdk/client-sts";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { StsRequestError, TokenFileError } from "@irsa/web-identity";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Closer, assumeCalls, assumeJtis, callerArn, rejectionOf, worldInit } from "./web-identity-support.js";

const ROLE = "arn:aws:iam::123456789012:role/shop-api";
const ACTION = "AssumeRoleWithWebIdentity" as const;
let world: IrsaWorld;
const closer = new Closer();

beforeAll(() => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
});
beforeEach(async () => {
  world = await startIrsaWorld({ roleArn: ROLE, namespace: "shop", serviceAccount: "api" });
});
afterEach(async () => {
  vi.useRealTimers();
  closer.closeAll();
  await world.close();
});
afterAll(() => {
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

describe("retried inside one fetch (exact STS call counts)", () => {
  it.each([
    ["Throttling", undefined],
    ["IDPCommunicationError", undefined],
    ["RequestLimitExceeded", undefined],
    ["InternalFailure", 500],
    ["ServiceUnavailable", 503],
  ])("%s twice, then success: 3 calls, the caller gets credentials", async (code, status) => {
    world.sts.faults.failNext(2, { code, ...(status ? { status } : {}), action: ACTION });
    const provider = closer.provider(worldInit(world));
    expect(await callerArn(closer.client(world, provider))).toContain("assumed-role/shop-api/");
    expect(assumeCalls(world)).toBe(3);
  });

  it("IDPCommunicationError on every attempt: exactly 3 calls, a recoverable StsRequestError naming the role", async () => {
    world.sts.faults.failNext(5, { code: "IDPCommunicationError", action: ACTION });
    const provider = closer.provider(worldInit(world));
    const error = await rejectionOf(provider());
    expect(error).toBeInstanceOf(StsRequestError);
    expect(error).toMatchObject({ code: "IDPCommunicationError", attempts: 3, recoverable: true, tryNextLink: false });
    expect(error.message).toContain(ROLE);
    expect(assumeCalls(world)).toBe(3);
  });

  it("a dropped connection, then success: 2 calls", async () => {
    world.sts.faults.dropNext(1, { action: ACTION });
    const provider = closer.provider(worldInit(world));
    await expect(provider()).resolves.toMatchObject({ accountId: "123456789012" });
    expect(assumeCalls(world)).toBe(2);
  });

  it("a hung STS is abandoned after attemptTimeoutMs and retried: 2 calls, no wall-time wait", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    world.sts.faults.hangNext(1, { maxMs: 60_000, action: ACTION });
    const provider = closer.provider(worldInit(world, { retry: { sleep: async () => {}, attemptTimeoutMs: 2_000 } }));
    const pending = provider();
    await vi.waitFor(() => expect(assumeCalls(world)).toBe(1), { interval: 5 });
    await vi.advanceTimersByTimeAsync(2_000);
    await expect(pending).resolves.toMatchObject({ accountId: "123456789012" });
    expect(assumeCalls(world)).toBe(2);
  });

  it("InvalidIdentityToken \"Couldn't retrieve verification key\" (issuer key rotated): retried, and the retry reads the rotated token", async () => {
    await world.issuer.rotateKey({ dropOld: true }); // the token on disk is signed by a key no longer published
    const provider = closer.provider(
      worldInit(world, { retry: { sleep: () => world.tokenFile.rotate() } }), // kubelet writes a token with the new key meanwhile
    );
    await expect(provider()).resolves.toMatchObject({ accountId: "123456789012" });
    expect(assumeCalls(world)).toBe(2);
    expect(world.sts.requests.map((r) => r.errorCode)).toEqual(["InvalidIdentityToken", undefined]);
  });
});

describe("InvalidIdentityToken in general: re-read the file, retry once at once if it changed", () => {
  it("kubelet rotated the token between the read and the call: 2 calls, the second with the new jti", async () => {
    const stsClient = new STSClient({ region: world.region, endpoint: world.sts.endpoint, maxAttempts: 1 });
    let rotated = false;
    // After STS answers the first call, kubelet swaps the token (what happens at a rotation boundary).
    stsClient.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } finally {
          if (!rotated) {
            rotated = true;
            await world.tokenFile.rotate();
          }
        }
      },
      { step: "deserialize", name: "rotateAfterFirstCall" },
    );
    const sleep = vi.fn(async () => {});
    const firstJti = world.tokenFile.currentJti;
    world.sts.faults.failNext(1, { code: "InvalidIdentityToken", message: "The web identity token signature could not be verified", action: ACTION });
    const provider = closer.provider(worldInit(world, { stsClient, retry: { sleep } }));
    try {
      await expect(provider()).resolves.toMatchObject({ accountId: "123456789012" });
    } finally {
      stsClient.destroy();
    }
    // (the local STS does not decode a token whose request it fails by injection, so only the second jti is logged)
    expect(assumeCalls(world)).toBe(2);
    expect(world.tokenFile.currentJti).not.toBe(firstJti);
    expect(assumeJtis(world)[1]).toBe(world.tokenFile.currentJti);
    expect(sleep).not.toHaveBeenCalled(); // at once
  });

  it("the token did not change: read again after a pause and retried once; the same bytes rejected twice: 2 calls, non-recoverable", async () => {
    world.sts.faults.failNext(2, { code: "InvalidIdentityToken", message: "The web identity token signature could not be verified", action: ACTION });
    const error = await rejectionOf(closer.provider(worldInit(world))());
    expect(error).toMatchObject({ name: "StsRequestError", code: "InvalidIdentityToken", recoverable: false, attempts: 2 });
    expect(assumeCalls(world)).toBe(2);
  });

  it("rejected once (a torn read), accepted after the pause: 2 calls, success", async () => {
    world.sts.faults.failNext(1, { code: "InvalidIdentityToken", message: "The web identity token signature could not be verified", action: ACTION });
    await expect(closer.provider(worldInit(world))()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(assumeCalls(world)).toBe(2);
  });
});

describe("non-recoverable: fail at once with role, claims, request id and what to check", () => {
  it("AccessDenied from the real trust check (another service account): 1 call", async () => {
    await world.tokenFile.writeRaw(await world.issuer.mintToken({ namespace: "shop", serviceAccount: "worker" }));
    const error = await rejectionOf(closer.provider(worldInit(world))());
    expect(error).toBeInstanceOf(StsRequestError);
    expect(error).toMatchObject({ code: "AccessDenied", recoverable: false, tryNextLink: false, httpStatus: 403 });
    const requestId = world.sts.requests[0]!.requestId;
    expect(error.requestId).toBe(requestId);
    for (const fact of [ROLE, requestId, `iss=${world.issuer.url}`, "sub=system:serviceaccount:shop:worker", "aud=sts.amazonaws.com", "exp=", "trust policy"]) {
      expect(error.message).toContain(fact);
    }
    expect(assumeCalls(world)).toBe(1);
  });

  it("wrong audience (real check): 1 call, the message points at aud", async () => {
    await world.tokenFile.writeRaw(await world.issuer.mintToken({ namespace: "shop", serviceAccount: "api", audience: "vault" }));
    const error = await rejectionOf(closer.provider(worldInit(world))());
    expect(error).toMatchObject({ code: "InvalidIdentityToken", recoverable: false, attempts: 1 });
    expect(error.message).toContain("aud=vault");
    expect(error.message).toMatch(/audience/);
    expect(assumeCalls(world)).toBe(1);
  });

  it("an issuer IAM does not know (real check): 1 call, the message points at the OIDC provider", async () => {
    const foreign = await world.issuer.mintToken({ namespace: "shop", serviceAccount: "api", claims: { iss: "https://oidc.other.example" } });
    await world.tokenFile.writeRaw(foreign);
    const error = await rejectionOf(closer.provider(worldInit(world))());
    expect(error).toMatchObject({ code: "InvalidIdentityToken", recoverable: false });
    expect(error.message).toContain("iss=https://oidc.other.example");
    expect(error.message).toMatch(/OpenID Connect provider/);
    expect(assumeCalls(world)).toBe(1);
  });

  it.each(["ValidationError", "MalformedPolicyDocument", "PackedPolicyTooLarge", "RegionDisabledException", "IDPRejectedClaim"])(
    "%s: 1 call, non-recoverable",
    async (code) => {
      world.sts.faults.failNext(1, { code, action: ACTION });
      const error = await rejectionOf(closer.provider(worldInit(world))());
      expect(error).toBeInstanceOf(StsRequestError);
      expect(error).toMatchObject({ recoverable: false, attempts: 1, requestId: world.sts.requests[0]!.requestId });
      expect(assumeCalls(world)).toBe(1);
    },
  );

  it("a non-recoverable failure of refresh() is raised at once, and the cached set is kept", async () => {
    const provider = closer.provider(worldInit(world));
    const first = await provider();
    world.sts.faults.failNext(1, { code: "AccessDenied", action: ACTION });
    await expect(provider.refresh()).rejects.toMatchObject({ code: "AccessDenied" });
    expect(provider.peek().credentials?.accessKeyId).toBe(first.accessKeyId);
    expect(assumeCalls(world)).toBe(2);
  });
});

describe("token file", () => {
  it("a stale token file (exp passed beyond the 15-min skew allowance, not rotated): TokenFileError naming subPath, no STS call", async () => {
    await world.tokenFile.writeRaw(await world.issuer.mintToken({ namespace: "shop", serviceAccount: "api", expiresAt: Math.floor(Date.now() / 1000) - 16 * 60 }));
    const error = await rejectionOf(closer.provider(worldInit(world))());
    expect(error).toBeInstanceOf(TokenFileError);
    expect(error).toMatchObject({ problem: "expired", recoverable: false, tryNextLink: false, path: world.tokenFile.path });
    expect(error.message).toContain("subPath");
    expect(world.sts.calls()).toBe(0);
  });

  it("ENOENT during a swap: the read is retried and succeeds", async () => {
    const parked = `${world.tokenFile.path}.parked`;
    await rename(world.tokenFile.path, parked); // the projected path is briefly missing
    const sleep = vi.fn(() => rename(parked, world.tokenFile.path)); // the swap completes while we wait
    const provider = closer.provider(worldInit(world, { retry: { sleep } }));
    await expect(provider()).resolves.toMatchObject({ accountId: "123456789012" });
    expect(sleep).toHaveBeenCalledTimes(1);
    expect(assumeCalls(world)).toBe(1);
  });

  it("an empty token file: no STS call, a TokenFileError", async () => {
    await world.tokenFile.writeRaw("");
    const error = await rejectionOf(closer.provider(worldInit(world))());
    expect(error).toMatchObject({ name: "TokenFileError", problem: "empty" });
    expect(world.sts.calls()).toBe(0);
  });
});
