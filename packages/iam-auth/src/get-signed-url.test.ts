// getSignedUrl over the SDK's own presigner with a real S3Client: the signing set outlives the
// URL, one wrapper per (provider, expiresIn), options checked, the peer loaded on first use.
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { fromWebIdentity } from "@irsa/web-identity";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { authTokenExpiresAt } from "./auth-token-expiry.js";
import { IamAuthConfigurationError, PeerDependencyError } from "./errors.js";
import { getSignedUrl } from "./get-signed-url.js";

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const MINUTE = 60_000;

function sets(lifetimeFor: (forced: boolean) => number) {
  const calls: boolean[] = [];
  const provider = async (properties?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
    const forced = properties?.forceRefresh === true;
    calls.push(forced);
    return { accessKeyId: `AKIA${calls.length}`, secretAccessKey: "secret", sessionToken: "session", expiration: new Date(Date.now() + lifetimeFor(forced)) };
  };
  return { provider, calls };
}

const s3 = (credentials?: S3Client["config"]["credentials"] | (() => Promise<AwsCredentialIdentity>)) =>
  new S3Client({ region: "us-east-1", endpoint: "http://127.0.0.1:9", forcePathStyle: true, ...(credentials ? { credentials } : {}) });
const get = () => new GetObjectCommand({ Bucket: "bucket", Key: "a.txt" });
const keyOf = (url: string) => /X-Amz-Credential=([^%]+)%2F/.exec(url)?.[1];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("getSignedUrl", () => {
  it("signs a 30-minute URL with the SDK presigner and a set that outlives it (a 20-minute set is replaced once with forceRefresh)", async () => {
    const { provider, calls } = sets((forced) => (forced ? 60 * MINUTE : 20 * MINUTE));
    const url = await getSignedUrl(s3(provider), get(), { expiresIn: 1800, credentials: provider });
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:9\/bucket\/a\.txt\?.*X-Amz-Expires=1800/);
    expect(authTokenExpiresAt(url)).toBe(T0 + 30 * MINUTE);
    const signedWith = keyOf(url)!;
    expect(calls[Number(signedWith.slice(4)) - 1]).toBe(true); // the forced set signed it
  });

  it("without options.credentials, checks the client's own credentials", async () => {
    const { provider, calls } = sets((forced) => (forced ? 60 * MINUTE : 20 * MINUTE));
    const url = await getSignedUrl(s3(provider), get(), { expiresIn: 1800 });
    expect(calls).toContain(true);
    expect(authTokenExpiresAt(url)).toBe(T0 + 30 * MINUTE);
  });

  it("refuses a URL its sets can never back: 2 hours on 1-hour sets, naming durationSeconds", async () => {
    const credentials = fromWebIdentity({ roleArn: "arn:aws:iam::111122223333:role/r", webIdentityTokenFile: "/nonexistent/token", region: "us-east-1", shared: false });
    try {
      const error = await getSignedUrl(s3(credentials), get(), { expiresIn: 7200, credentials }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(IamAuthConfigurationError);
      expect(error).toMatchObject({ code: "HorizonUnmeetable", option: "expiresIn", recoverable: false });
      expect((error as Error).message).toMatch(/expiresIn 7200 s.*durationSeconds/);
      expect(credentials.stats.sourceCalls).toBe(0);
    } finally {
      credentials.close();
    }
  });

  it("a set still too short after one forced refresh is refused, no URL made", async () => {
    const { provider, calls } = sets(() => 10 * MINUTE);
    await expect(getSignedUrl(s3(provider), get(), { expiresIn: 1800, credentials: provider })).rejects.toMatchObject({ code: "MinimumValidityUnmet" });
    // One forced refresh; the client's own identity step may call its (memoized) provider once more.
    expect(calls.filter((forced) => forced)).toHaveLength(1);
  });

  it.each([
    [{ expiresIn: 0 }, "InvalidOption", "expiresIn"],
    [{ expiresIn: 1.5 }, "InvalidOption", "expiresIn"],
    [{ expiresIn: 604_801 }, "InvalidOption", "expiresIn"],
    [{ expiresin: 60 }, "UnknownOption", "expiresin"],
    [{ credentials: {} }, "InvalidOption", "credentials"],
  ])("bad option %j: %s naming %s", async (options, code, option) => {
    const { provider } = sets(() => 60 * MINUTE);
    const error = await getSignedUrl(s3(provider), get(), options as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IamAuthConfigurationError);
    expect(error).toMatchObject({ code, option });
  });

  it("not a client: InvalidOption naming client", async () => {
    await expect(getSignedUrl({} as never, get(), {})).rejects.toMatchObject({ code: "InvalidOption", option: "client" });
  });

  it("s3-request-presigner not installed: PeerDependencyError naming it", async () => {
    const { provider } = sets(() => 60 * MINUTE);
    const error = await getSignedUrl(s3(provider), get(), {
      credentials: provider,
      loadPeer: async () => {
        throw new Error("Cannot find module");
      },
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PeerDependencyError);
    expect(error).toMatchObject({ packageName: "@aws-sdk/s3-request-presigner" });
  });

});
