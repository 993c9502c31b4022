// The measurement of issue 21 as a test, on an injected clock stepped a minute at a time over 2
// simulated hours against the local IRSA world: RDS tokens (@aws-sdk/rds-signer over ours) and
// S3 presigned URLs (the SDK presigner with a real S3Client, through getSignedUrl) live as long
// as they claim, nobody waits for STS after the first fetch, and STS calls stay within one an
// hour of the plain provider's. Each token and URL is checked by the emulator's verifier against
// the set the local STS issued.
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl as sdkGetSignedUrl } from "@aws-sdk/s3-request-presigner";
import { createRdsAuthTokenProvider, getSignedUrl } from "@irsa/iam-auth";
import { startIrsaWorld, verifyPresignedRequest, verifyRdsAuthToken, type IrsaWorld } from "@irsa/testing";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { ClaimTally, stsCalls, trackedProvider } from "./iam-auth-support.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DB = { hostname: "db.cluster-abc.us-east-1.rds.amazonaws.com", port: 5432, username: "app" };
const S3_HOST = "127.0.0.1:9"; // loopback, never contacted: the URLs are only signed and verified

let world: IrsaWorld;
beforeAll(async () => {
  // 4-hour sets need a role allowing them; the token file outlives the 2 simulated hours.
  world = await startIrsaWorld({ maxSessionDurationSeconds: 4 * 3600, tokenTtlSeconds: 6 * 3600 });
});
afterAll(async () => {
  await world.close();
});
afterEach(() => {
  vi.useRealTimers();
});

const s3 = (credentials: AwsCredentialIdentityProvider) =>
  new S3Client({ region: world.region, endpoint: `http://${S3_HOST}`, forcePathStyle: true, credentials });
const object = () => new GetObjectCommand({ Bucket: "bucket", Key: "report.pdf" });
const checkUrl = (url: string) => verifyPresignedRequest(url, { service: "s3", host: S3_HOST, region: world.region }, { sts: world.sts });
const checkToken = (token: string) => verifyRdsAuthToken(token, { sts: world.sts, hostname: DB.hostname, port: DB.port, user: DB.username });

type Consumer = (provider: AwsCredentialIdentityProvider) => () => Promise<string>;

/** Two simulated hours, a minute a step: each minute one consumer call, checked at once. */
async function twoHours(consumer: Consumer | undefined, check: (signed: string) => ReturnType<typeof checkToken>, durationSeconds?: number) {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"], now: Date.now() });
  const { provider, settled } = trackedProvider(world, durationSeconds !== undefined ? { durationSeconds } : {});
  const sign = consumer?.(provider);
  const tally = new ClaimTally();
  const callsBefore = stsCalls(world);
  try {
    for (let minute = 0; minute <= 120; minute++) {
      // A second at a time: a background refresh the timer starts (real HTTP to the local STS)
      // ends before the fake clock moves on, as it would in real time.
      for (let second = 0; minute > 0 && second < 60; second++) {
        await vi.advanceTimersByTimeAsync(1_000);
        await settled();
      }
      if (sign) tally.add(await check(await sign()));
      else await provider();
      await settled();
    }
    return { tally, stsCalls: stsCalls(world) - callsBefore, blockedCalls: provider.stats.blockedCalls };
  } finally {
    provider.close();
    vi.useRealTimers();
  }
}

const rdsTokens: Consumer = (credentials) => createRdsAuthTokenProvider({ ...DB, region: world.region, credentials });
const urls =
  (expiresIn: number): Consumer =>
  (credentials) => {
    const client = s3(credentials);
    return () => getSignedUrl(client, object(), { expiresIn, credentials });
  };

describe("what is signed lives as long as it claims (2 simulated hours, a call a minute)", () => {
  it.each([
    ["15-minute RDS tokens (rds-signer over ours), 1-hour sets", rdsTokens, checkToken, undefined],
    ["30-minute S3 presigned URLs (getSignedUrl over ours), 1-hour sets", urls(1800), checkUrl, undefined],
    ["2-hour S3 presigned URLs, 4-hour sets", urls(7200), checkUrl, 14_400],
  ] as const)("%s: 0 short, 0 callers waiting after the first fetch, STS calls within one an hour of the plain provider", async (_name, consumer, check, durationSeconds) => {
    const run = await twoHours(consumer, check, durationSeconds);
    expect(run.tally.refused).toBe(0);
    expect(run.tally.short).toBe(0);
    expect(run.tally.signed).toBe(121);
    expect(run.blockedCalls).toBe(1); // the first fetch
    const plain = await twoHours(undefined, check, durationSeconds);
    expect(plain.blockedCalls).toBe(1);
    expect(run.stsCalls - plain.stsCalls).toBeLessThanOrEqual(2);
    console.info(`${_name}: ${run.tally.signed} signed, ${run.tally.short} short, shortest life ${run.tally.shortestLifeMs / 1000} s, STS calls ${run.stsCalls} (plain provider ${plain.stsCalls})`);
  });

  it("the same 30-minute URLs from the SDK's presigner over the plain provider die early: what the test above would catch", async () => {
    const run = await twoHours(
      (credentials) => {
        const client = s3(credentials);
        return () => sdkGetSignedUrl(client, object(), { expiresIn: 1800 });
      },
      checkUrl,
    );
    expect(run.tally.short).toBeGreaterThan(0);
    expect(run.tally.shortestLifeMs).toBeLessThan(30 * MINUTE);
    console.info(`SDK presigner over the plain provider: ${run.tally.short} of ${run.tally.signed} short, shortest life ${run.tally.shortestLifeMs / 1000} s`);
  });

  it("a 2-hour URL asked of 1-hour sets is refused loudly, before any STS call", async () => {
    const { provider } = trackedProvider(world);
    const calls = stsCalls(world);
    try {
      await expect(getSignedUrl(s3(provider), object(), { expiresIn: 7200, credentials: provider })).rejects.toMatchObject({
        name: "IamAuthConfigurationError",
        code: "HorizonUnmeetable",
        message: expect.stringMatching(/durationSeconds.*maximum session duration/s),
      });
      expect(stsCalls(world)).toBe(calls);
    } finally {
      provider.close();
    }
  });
});
