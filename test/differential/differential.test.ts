import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { fromTokenFile, fromWebToken } from "@aws-sdk/credential-provider-web-identity";
import { WebIdentityCredentials } from "@irsa/aws-sdk-v2";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, fromWebIdentityChain, fromWebIdentityToken, type FromWebIdentityInit } from "@irsa/web-identity";
import type { AwsCredentialIdentity } from "@smithy/types";
import AWS from "aws-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ROWS, type Row } from "./differences.js";

// The SDK's providers and ours side by side against one local world (loopback only). Each case
// observes both and the row of `differences.ts` says whether the two must be equal.
let world: IrsaWorld;
const closers: Array<() => void> = [];
beforeAll(async () => {
  world = await startIrsaWorld();
});
afterAll(async () => {
  await world.close();
});
afterEach(() => {
  for (const close of closers.splice(0)) close();
  vi.unstubAllEnvs();
  world.sts.faults.clear();
  world.sts.reset();
});

const ACTION = "AssumeRoleWithWebIdentity" as const;
const irsaEnv = () => {
  vi.stubEnv("AWS_ROLE_ARN", world.roleArn);
  vi.stubEnv("AWS_WEB_IDENTITY_TOKEN_FILE", world.tokenFile.path);
  vi.stubEnv("AWS_REGION", "us-east-1");
  vi.stubEnv("AWS_ENDPOINT_URL_STS", world.sts.endpoint);
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  vi.stubEnv("AWS_CONFIG_FILE", "/nonexistent/config");
  vi.stubEnv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/credentials");
};
const sdkClient = () => ({ clientConfig: { region: "us-east-1", endpoint: world.sts.endpoint } });
function ours(init: FromWebIdentityInit = {}) {
  const provider = fromWebIdentity({ proactive: false, retry: { sleep: async () => {} }, ...init });
  closers.push(() => provider.close());
  return provider;
}
const lastAssume = () => world.sts.requests.filter((r) => r.action === ACTION).at(-1);
const roleOf = (set: AwsCredentialIdentity) => world.sts.issuedCredentials.get(set.accessKeyId)?.roleArn;
const assumeCalls = () => world.sts.calls(ACTION);

/** Each case: what the SDK did, what ours did. */
const CASES: Record<string, () => Promise<{ sdk: unknown; ours: unknown }>> = {
  "env-irsa": async () => {
    irsaEnv();
    const sdk = roleOf(await fromTokenFile(sdkClient())());
    return { sdk, ours: roleOf(await ours()()) };
  },
  "session-name": async () => {
    irsaEnv();
    vi.stubEnv("AWS_ROLE_SESSION_NAME", "checkout");
    await fromTokenFile(sdkClient())();
    const sdk = lastAssume()?.sessionName;
    await ours()();
    return { sdk, ours: lastAssume()?.sessionName };
  },
  "duration-string": async () => {
    irsaEnv();
    const life = (set: AwsCredentialIdentity) => Math.round((set.expiration!.getTime() - Date.now()) / 60_000);
    const sdk = life(await fromTokenFile({ ...sdkClient(), durationSeconds: "1800" as never })());
    return { sdk, ours: life(await ours({ durationSeconds: "1800" as never })()) };
  },
  "role-assumer": async () => {
    irsaEnv();
    const assumer = async () => ({ accessKeyId: "AKIDASSUMER", secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 3_600_000) });
    const sdk = [(await fromTokenFile({ roleAssumerWithWebIdentity: assumer })()).accessKeyId, assumeCalls()];
    return { sdk, ours: [(await ours({ roleAssumerWithWebIdentity: assumer })()).accessKeyId, assumeCalls()] };
  },
  "max-attempts": async () => {
    irsaEnv();
    world.sts.faults.failNext(3, { code: "Throttling", action: ACTION });
    await fromTokenFile({ clientConfig: { ...sdkClient().clientConfig, maxAttempts: 4 } })();
    const sdk = assumeCalls();
    world.sts.faults.failNext(3, { code: "Throttling", action: ACTION });
    await ours({ clientConfig: { maxAttempts: 4 } })();
    // mapped: the same count of STS calls, through retry.maxAttempts
    return { sdk, ours: assumeCalls() - sdk };
  },
  "feature-tags": async () => {
    irsaEnv();
    const tags = (set: AwsCredentialIdentity) => Object.keys((set as { $source?: object }).$source ?? {}).sort();
    const sdk = tags(await fromTokenFile(sdkClient())());
    return { sdk, ours: tags(await ours()()) };
  },
  "sts-error": async () => {
    irsaEnv();
    world.sts.faults.failNext(2, { code: "AccessDenied", action: ACTION });
    const sdkError = (await fromTokenFile(sdkClient())().catch((e: unknown) => e)) as Error & { $metadata?: object };
    const ourError = (await ours()().catch((e: unknown) => e)) as Error & { $metadata?: object; cause?: Error; code?: string };
    return {
      sdk: { name: sdkError.name, status: (sdkError.$metadata as { httpStatusCode?: number })?.httpStatusCode },
      ours: { name: ourError.name, causeName: ourError.cause?.name, code: ourError.code, status: (ourError.$metadata as { httpStatusCode?: number })?.httpStatusCode },
    };
  },
  "web-token": async () => {
    const token = await world.issuer.mintToken();
    const sdk = roleOf(await fromWebToken({ ...sdkClient(), roleArn: world.roleArn, webIdentityToken: token })());
    const provider = fromWebIdentityToken({ roleArn: world.roleArn, webIdentityToken: token, region: "us-east-1", clientConfig: { endpoint: world.sts.endpoint }, proactive: false });
    closers.push(() => provider.close());
    return { sdk, ours: roleOf(await provider()) };
  },
  "chain-env-keys": async () => {
    irsaEnv();
    vi.stubEnv("AWS_ACCESS_KEY_ID", "AKIASTATICKEY");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "static-secret");
    const sdk = (await fromNodeProviderChain()()).accessKeyId;
    const chain = fromWebIdentityChain({ proactive: false });
    closers.push(() => chain.close());
    return { sdk, ours: (await chain()).accessKeyId };
  },
  "v2-invalid-token-retry": async () => {
    irsaEnv();
    const config = { endpoint: world.sts.endpoint, region: "us-east-1" };
    const outcome = async (get: () => Promise<unknown>) => {
      const before = assumeCalls();
      world.sts.faults.failNext(1, { code: "InvalidIdentityToken", message: "Token is not valid", action: ACTION });
      const ok = await get().then(() => true, () => false);
      return { ok, calls: assumeCalls() - before };
    };
    const sdk = await outcome(() => new AWS.TokenFileWebIdentityCredentials(config).getPromise());
    const mine = new WebIdentityCredentials({ proactive: false }, config);
    closers.push(() => mine.close());
    return { sdk, ours: await outcome(() => mine.getPromise()) };
  },
  "v2-endpoint": async () => {
    irsaEnv();
    vi.stubEnv("AWS_ENDPOINT_URL_STS", ""); // v2 does not read it: the endpoint must come from the client config
    const config = { endpoint: world.sts.endpoint, region: "eu-central-1" };
    const v2 = new AWS.TokenFileWebIdentityCredentials(config);
    await v2.getPromise();
    const sdk = assumeCalls();
    const mine = new WebIdentityCredentials({ proactive: false }, config);
    closers.push(() => mine.close());
    await mine.getPromise();
    return { sdk, ours: assumeCalls() - sdk };
  },
};

/** What a mapped or different row must show (a same row must show equality). */
const EXPECTED: Record<string, (observed: { sdk: unknown; ours: unknown }) => void> = {
  "max-attempts": ({ sdk, ours }) => expect([sdk, ours]).toEqual([4, 4]),
  "sts-error": ({ sdk, ours }) => {
    expect(sdk).toEqual({ name: "AccessDenied", status: 403 });
    expect(ours).toEqual({ name: "StsRequestError", causeName: "AccessDenied", code: "AccessDenied", status: 403 });
  },
  "web-token": ({ sdk, ours }) => expect(ours).toBe(sdk),
  "v2-endpoint": ({ sdk, ours }) => expect([sdk, ours]).toEqual([1, 1]),
};

describe("differential: the AWS SDK's providers and ours, same local world", () => {
  const withCase = ROWS.filter((row): row is Row & { caseId: string } => row.caseId !== undefined);
  it.each(withCase.map((row) => [row.caseId, row] as const))("%s", async (id, row) => {
    const observed = await CASES[id]!();
    if (row.status === "same") expect(observed.ours).toEqual(observed.sdk);
    else {
      expect(EXPECTED[id], `row ${id} is ${row.status}: say what it must show`).toBeDefined();
      EXPECTED[id]!(observed);
    }
  });

  it("every case belongs to a row of the table (no unlisted difference)", () => {
    expect(Object.keys(CASES).sort()).toEqual(withCase.map((row) => row.caseId).sort());
  });
});
