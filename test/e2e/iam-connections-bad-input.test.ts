// Bad input to the connection helpers, through the public entry point: a typed error with a stable
// code naming the option or package to fix, thrown at construction (or at first use for a peer
// package), never a hang; and no token or secret in what the helpers or their errors print.
import { inspect } from "node:util";
import {
  createElastiCacheTokenGenerator,
  createIoredisIamAuth,
  createMskOAuthBearerProvider,
  createOpenSearchSigner,
  createRedisCredentialsProvider,
  IamAuthConfigurationError,
  PeerDependencyError,
} from "@irsa/iam-auth";
import { startLocalSts, type LocalSts } from "@irsa/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { notInstalled, thrownBy } from "../../packages/iam-auth/src/test-support/failures.js";

let sts: LocalSts;
beforeAll(async () => {
  sts = await startLocalSts();
});
afterAll(() => sts.close());

const credentials = () => {
  const set = sts.issueCredentials({ roleArn: "arn:aws:iam::111122223333:role/app" });
  return { set, provider: async () => set };
};


describe("typed errors for bad input", () => {
  it.each<[string, () => unknown, string, string]>([
    ["unknown option (redis)", () => createRedisCredentialsProvider({ cacheName: "c", userId: "u", region: "us-east-1", credentials: credentials().provider, tls: true } as never), "UnknownOption", "tls"],
    ["unknown option (ioredis)", () => createIoredisIamAuth({ cacheName: "c", userId: "u", region: "us-east-1", credentials: credentials().provider, password: "x" } as never), "UnknownOption", "password"],
    ["upper-case cache name", () => createElastiCacheTokenGenerator({ cacheName: "Orders", userId: "u", region: "us-east-1", credentials: credentials().provider }), "InvalidOption", "cacheName"],
    ["missing user", () => createRedisCredentialsProvider({ cacheName: "orders", region: "us-east-1", credentials: credentials().provider } as never), "MissingOption", "userId"],
    ["unknown option (MSK)", () => createMskOAuthBearerProvider({ region: "us-east-1", credentials: credentials().provider, clientId: "x" } as never), "UnknownOption", "clientId"],
  ])("%s: IamAuthConfigurationError %s naming %s", (_name, run, code, option) => {
    const error = thrownBy(run);
    expect(error).toBeInstanceOf(IamAuthConfigurationError);
    expect(error).toMatchObject({ code, option, recoverable: false });
    expect(error.message).toContain(option);
  });

  it("a peer package not installed: PeerDependencyError naming it, at first use", async () => {
    const msk = createMskOAuthBearerProvider({ region: "us-east-1", credentials: credentials().provider, loadPeer: notInstalled });
    await expect(msk()).rejects.toMatchObject({ name: "PeerDependencyError", code: "PeerDependencyMissing", packageName: "aws-msk-iam-sasl-signer-js" });
    const search = await createOpenSearchSigner({ region: "us-east-1", credentials: credentials().provider, loadPeer: notInstalled }).catch((e: unknown) => e);
    expect(search).toBeInstanceOf(PeerDependencyError);
    msk.close();
  });
});

describe("secrets never printed", () => {
  it("helpers and their errors print no token, secret key or session token", async () => {
    const { set, provider } = credentials();
    const init = { cacheName: "orders", userId: "app", region: "us-east-1", credentials: provider };
    const tokens = createElastiCacheTokenGenerator(init);
    const redis = createRedisCredentialsProvider(init);
    const ioredis = createIoredisIamAuth(init);
    const msk = createMskOAuthBearerProvider({ region: "us-east-1", credentials: provider });
    const secrets = [await tokens.getToken(), (await ioredis.redisOptions()).password, (await msk()).value, set.secretAccessKey, set.sessionToken];
    const [auth, subscription] = await redis.subscribe({ onNext: () => {}, onError: () => {} });
    secrets.push(auth.password!);
    const errors = [
      thrownBy(() => createElastiCacheTokenGenerator({ ...init, cacheName: "Orders" })),
      thrownBy(() => createElastiCacheTokenGenerator({ ...init, userName: "other" })),
    ];
    const printed = [tokens, redis, ioredis, msk, ...errors].map((o) => `${JSON.stringify(o)} ${inspect(o, { depth: 6, showHidden: true })} ${String(o)}`).join("\n");
    for (const secret of secrets) expect(printed).not.toContain(secret);
    expect(printed).not.toContain("X-Amz-Signature");
    subscription.dispose();
    for (const helper of [tokens, redis, ioredis, msk]) helper.close();
  });
});
