import { inspect } from "node:util";
import { startLocalSts, verifyElastiCacheAuthToken, type IssuedCredentials, type LocalSts } from "@irsa/testing";
import { fromWebIdentity, MinimumValidityError } from "@irsa/web-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IamAuthConfigurationError } from "../errors.js";
import { createElastiCacheTokenGenerator, ELASTICACHE_TOKEN_EXPIRES_SECONDS, type ElastiCacheTokenInit } from "./elasticache-token.js";
import { createIoredisIamAuth } from "./ioredis-iam-auth.js";
import { createRedisCredentialsProvider } from "./redis-credentials-provider.js";
import { thrownBy } from "../test-support/failures.js";

const ROLE = "arn:aws:iam::111122223333:role/cache-client";
let sts: LocalSts;
beforeAll(async () => {
  sts = await startLocalSts();
});
afterAll(() => sts.close());

const fixed = (set: IssuedCredentials) => async () => set;
const base = (set: IssuedCredentials, extra: Partial<ElastiCacheTokenInit> = {}): ElastiCacheTokenInit => ({
  cacheName: "orders",
  userId: "app",
  region: "us-east-1",
  credentials: fixed(set),
  ...extra,
});

describe("createElastiCacheTokenGenerator", () => {
  it.each([
    ["elasticache", false, {}],
    ["elasticache", true, { ResourceType: "ServerlessCache" }],
    ["memorydb", false, {}],
  ] as const)("signs a %s connect token (serverless %s) that the service's check accepts", async (service, serverless, params) => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const tokens = createElastiCacheTokenGenerator(base(set, { service, serverless }));
    const token = await tokens.getToken();
    expect(token).toMatch(/^orders\/\?Action=connect&/);
    const verdict = await verifyElastiCacheAuthToken(token, { sts, cacheName: "orders", user: "app", service, serverless, region: "us-east-1" });
    expect(verdict).toMatchObject({ ok: true, accessKeyId: set.accessKeyId, params: { Action: "connect", User: "app", ...params } });
    if (verdict.ok) expect(verdict.tokenExpiresAt.getTime() - verdict.signedAt.getTime()).toBe(ELASTICACHE_TOKEN_EXPIRES_SECONDS * 1000);
    tokens.close();
  });

  it("reuses a token while it has 5 minutes left, then signs a new one", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    let clock = Date.now();
    const tokens = createElastiCacheTokenGenerator(base(set, { now: () => clock }));
    const first = await tokens.getToken();
    expect(await Promise.all(Array.from({ length: 100 }, () => tokens.getToken()))).toEqual(Array(100).fill(first));
    clock += 9 * 60_000;
    expect(await tokens.getToken()).toBe(first);
    clock += 2 * 60_000;
    expect(await tokens.getToken()).not.toBe(first);
    expect(tokens.tokensSigned).toBe(2);
  });

  it("never signs with a set that would die before the token: MinimumValidityError, no token", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 15 * 60 });
    const tokens = createElastiCacheTokenGenerator(base(set));
    await expect(tokens.getToken()).rejects.toBeInstanceOf(MinimumValidityError);
    expect(tokens.tokensSigned).toBe(0);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ["an unknown option", { cacheNme: "x" }, "UnknownOption", "cacheNme"],
    ["an upper-case cache name", { cacheName: "Orders" }, "InvalidOption", "cacheName"],
    ["an upper-case user id", { userId: "App" }, "InvalidOption", "userId"],
    ["a missing user", { userId: undefined }, "MissingOption", "userId"],
    ["a user name other than the user id", { userName: "someone-else" }, "InvalidOption", "userName"],
    ["a bad service", { service: "redis" }, "InvalidOption", "service"],
    ["serverless MemoryDB", { service: "memorydb", serverless: true }, "InvalidOption", "serverless"],
    ["a bad region", { region: "US East" }, "InvalidOption", "region"],
  ])("refuses %s with a typed error naming the option", (_name, extra, code, option) => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const error = thrownBy(() => createElastiCacheTokenGenerator({ ...base(set), ...extra } as ElastiCacheTokenInit));
    expect(error).toBeInstanceOf(IamAuthConfigurationError);
    expect(error).toMatchObject({ code, option, recoverable: false });
    expect((error as Error).message).toContain(option);
  });

  it("refuses at construction a horizon its credentials can never meet: HorizonUnmeetable, for every helper", () => {
    // 15-minute sets cannot back a 15-minute token plus the signing margin.
    const quarterHourly = fromWebIdentity({ roleArn: ROLE, webIdentityTokenFile: "/nonexistent/token", region: "us-east-1", shared: false, durationSeconds: 900 });
    const init = { cacheName: "orders", userId: "app", region: "us-east-1", credentials: quarterHourly };
    try {
      for (const [helper, create] of [
        ["createElastiCacheTokenGenerator", () => createElastiCacheTokenGenerator(init)],
        ["createElastiCacheTokenGenerator", () => createElastiCacheTokenGenerator({ ...init, service: "memorydb" })],
        ["createRedisCredentialsProvider", () => createRedisCredentialsProvider(init)],
        ["createIoredisIamAuth", () => createIoredisIamAuth(init)],
      ] as const) {
        const error = thrownBy(create);
        expect(error).toBeInstanceOf(IamAuthConfigurationError);
        expect(error).toMatchObject({ code: "HorizonUnmeetable", option: "credentials" });
        expect(error.message).toMatch(new RegExp(`^${helper}: a 15-minute (ElastiCache|MemoryDB) token cannot be backed .*durationSeconds`));
      }
    } finally {
      quarterHourly.close();
    }
  });

  it("the client helpers name themselves and their own options in errors", () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    expect(thrownBy(() => createRedisCredentialsProvider({ ...base(set), reauthenticateIntervalMs: 13 * 3_600_000 }))).toMatchObject({
      code: "InvalidOption",
      option: "reauthenticateIntervalMs",
    });
    expect(thrownBy(() => createIoredisIamAuth({ ...base(set), cacheName: "A" }))).toMatchObject({ code: "InvalidOption", option: "cacheName" });
    expect(thrownBy(() => createIoredisIamAuth({ ...base(set), password: "x" } as ElastiCacheTokenInit))).toMatchObject({ code: "UnknownOption", option: "password" });
    expect((thrownBy(() => createIoredisIamAuth({ ...base(set), cacheName: "A" })) as Error).message).toMatch(/^createIoredisIamAuth: /);
  });

  it("prints no token and no secret (JSON, util.inspect), nor does any error", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const tokens = createElastiCacheTokenGenerator(base(set));
    const provider = createRedisCredentialsProvider(base(set));
    const ioredis = createIoredisIamAuth(base(set));
    const token = await tokens.getToken();
    const [auth, subscription] = await provider.subscribe({ onNext: () => {}, onError: () => {} });
    const printed = [tokens, provider, ioredis].map((o) => JSON.stringify(o) + inspect(o, { depth: 5, showHidden: true })).join("\n");
    for (const secret of [token, auth.password!, set.secretAccessKey, set.sessionToken, "X-Amz-Signature"]) expect(printed).not.toContain(secret);
    expect(JSON.parse(JSON.stringify(tokens))).toMatchObject({ username: "app", cacheName: "orders", tokensSigned: 1 });
    subscription.dispose();
    for (const o of [tokens, provider, ioredis]) o.close();
  });
});

