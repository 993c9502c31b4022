// ElastiCache IAM authentication with the real node-redis 5 and ioredis 5 clients, through the
// local ElastiCache front (Debian's redis-server behind it) whose AUTH check verifies each token
// against the sets the local STS issued. Time is simulated (Date and interval timers faked; the
// sockets are real): the front cuts a connection 12 h after its last AUTH.
import { startIrsaWorld, type IrsaWorld, type LocalElastiCache } from "@irsa/testing";
import { createIoredisIamAuth, createRedisCredentialsProvider } from "@irsa/iam-auth";
import type { WebIdentityCredentialProvider } from "@irsa/web-identity";
import { Redis } from "ioredis";
import { createClient } from "redis";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  assumeCalls,
  CACHE_NAME,
  HOUR,
  MINUTE,
  startIamElastiCache,
  startLongWorld,
  tokensOutlivingTheirSet,
  USER,
  worldCredentials,
  type Verdicts,
} from "./iam-connections-support.js";
import { itWithRedis } from "../../packages/testing/src/test-support/redis-server-for-tests.js";

let world: IrsaWorld;
let cache: LocalElastiCache;
let credentials: WebIdentityCredentialProvider;
let verdicts: Verdicts;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  world = await startLongWorld();
  verdicts = [];
  cache = await startIamElastiCache(world, verdicts);
  // Sockets stay real; the clock and the interval timers (ours, the front's age check) are fake.
  vi.useFakeTimers({ toFake: ["Date", "setInterval", "clearInterval"] });
  credentials = worldCredentials(world);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  credentials.close();
  vi.useRealTimers();
  await cache.close();
  await world.close();
});

const init = () => ({ cacheName: CACHE_NAME, userId: USER, region: world.region, credentials });

/** Moves simulated time a minute at a time, running `each` (real round trips) after every step. */
async function travel(ms: number, each: () => Promise<void>): Promise<void> {
  for (let done = 0; done < ms; done += MINUTE) {
    await vi.advanceTimersByTimeAsync(MINUTE);
    await each();
  }
}

describe("node-redis 5 with createRedisCredentialsProvider", () => {
  itWithRedis("a connection held 13 simulated hours through the 12-hour cut keeps answering: 0 failed commands", async () => {
    const provider = createRedisCredentialsProvider(init());
    cleanups.push(() => provider.close());
    const client = createClient({ url: cache.url, credentialsProvider: provider, socket: { reconnectStrategy: false } });
    client.on("error", () => {});
    cleanups.push(() => client.isOpen && client.destroy());
    await client.connect();
    let failed = 0;
    let ok = 0;
    await travel(13 * HOUR, async () => {
      const replies = await Promise.allSettled([client.incr("n"), client.incr("n"), client.get("n")]);
      for (const reply of replies) reply.status === "fulfilled" ? ok++ : failed++;
    });
    expect({ failed, ok }).toEqual({ failed: 0, ok: 3 * 13 * 60 });
    expect(cache.stats).toMatchObject({ connectionsOpened: 1, connectionsOpen: 1, connectionsCutForAge: 0, authsRefused: 0 });
    // Re-authenticated on the live connection (when each new set arrived; the cut proves none came
    // 12 h late). Fewer than one an hour only on a loaded machine, where a check can lag fake time.
    expect(cache.stats.reauthsAccepted).toBeGreaterThanOrEqual(5);
    expect(tokensOutlivingTheirSet(verdicts)).toBe(0);
    // One set an hour or so (1-hour sets, renewed before the 20-minute horizon), never one per AUTH.
    expect(assumeCalls(world)).toBeLessThanOrEqual(13 * 2 + 1);
    // Every push is one AUTH on the live connection; a new set is pushed, so AUTHs follow the sets.
    expect(cache.stats.reauthsAccepted).toBe(provider.pushes);
    if (process.env.IRSA_PRINT_FIGURES) console.log("node-redis 13 h:", { sts: assumeCalls(world), ...cache.stats, refusals: undefined, pushes: provider.pushes });
  });

  itWithRedis("500 connections reconnecting at once (a failover) cost at most 1 STS call and 1 signature", async () => {
    const provider = createRedisCredentialsProvider(init());
    cleanups.push(() => provider.close());
    const clients = Array.from({ length: 500 }, () => {
      const client = createClient({ url: cache.url, credentialsProvider: provider, socket: { reconnectStrategy: () => 10 } });
      client.on("error", () => {});
      cleanups.push(() => client.isOpen && client.destroy());
      return client;
    });
    await Promise.all(clients.map((c) => c.connect()));
    expect(assumeCalls(world)).toBe(1);
    expect(provider.tokens.tokensSigned).toBe(1);
    // 50 minutes on (the timers run: the set is renewed in the background before its horizon).
    await travel(50 * MINUTE, async () => {});
    const stsBefore = assumeCalls(world);
    const signedBefore = provider.tokens.tokensSigned;
    const readyAgain = Promise.all(clients.map((c) => new Promise((resolve) => c.once("ready", resolve))));
    expect(cache.dropAllConnections()).toBe(500);
    await readyAgain;
    expect(assumeCalls(world) - stsBefore).toBeLessThanOrEqual(1);
    expect(provider.tokens.tokensSigned - signedBefore).toBeLessThanOrEqual(1);
    if (process.env.IRSA_PRINT_FIGURES) console.log("node-redis storm:", { sts: assumeCalls(world) - stsBefore, signed: provider.tokens.tokensSigned - signedBefore });
    expect(await Promise.all(clients.map((c) => c.ping()))).toEqual(Array(500).fill("PONG"));
    expect(cache.stats.authsRefused).toBe(0);
    expect(tokensOutlivingTheirSet(verdicts)).toBe(0);
  });
});

describe("a token that would outlive its set is never sent", () => {
  itWithRedis("sets of 15 minutes cannot back a 15-minute token plus margin: connect fails typed, the front sees no AUTH", async () => {
    const shortWorld = await startIrsaWorld({ tokenTtlSeconds: 4 * 24 * 3600, credentialLifetimeSeconds: 900 });
    cleanups.push(() => shortWorld.close());
    const shortVerdicts: Verdicts = [];
    const shortCache = await startIamElastiCache(shortWorld, shortVerdicts);
    cleanups.push(() => shortCache.close());
    const shortCredentials = worldCredentials(shortWorld);
    cleanups.push(() => shortCredentials.close());
    const provider = createRedisCredentialsProvider({ ...init(), credentials: shortCredentials });
    cleanups.push(() => provider.close());
    const client = createClient({ url: shortCache.url, credentialsProvider: provider, socket: { reconnectStrategy: false } });
    client.on("error", () => {});
    cleanups.push(() => client.isOpen && client.destroy());
    await expect(client.connect()).rejects.toMatchObject({ name: "MinimumValidityError", code: "MinimumValidityUnmet" });
    const auth = createIoredisIamAuth({ ...init(), credentials: shortCredentials });
    cleanups.push(() => auth.close());
    await expect(auth.redisOptions()).rejects.toMatchObject({ code: "MinimumValidityUnmet" });
    expect(shortVerdicts).toEqual([]);
    expect(shortCache.stats).toMatchObject({ authsAccepted: 0, authsRefused: 0 });
  });
});

describe("ioredis 5 with createIoredisIamAuth", () => {
  itWithRedis("a connection held 13 simulated hours through the 12-hour cut keeps answering: 0 failed commands", async () => {
    const auth = createIoredisIamAuth(init());
    cleanups.push(() => auth.close());
    const redis = new Redis({ host: cache.host, port: cache.port, ...(await auth.redisOptions()), retryStrategy: () => null, maxRetriesPerRequest: 0 });
    redis.on("error", () => {});
    cleanups.push(() => redis.disconnect());
    auth.attach(redis);
    await new Promise((resolve) => redis.once("ready", resolve));
    let failed = 0;
    let ok = 0;
    await travel(13 * HOUR, async () => {
      const replies = await Promise.allSettled([redis.incr("n"), redis.incr("n"), redis.get("n")]);
      for (const reply of replies) reply.status === "fulfilled" ? ok++ : failed++;
    });
    expect({ failed, ok }).toEqual({ failed: 0, ok: 3 * 13 * 60 });
    expect(cache.stats).toMatchObject({ connectionsOpened: 1, connectionsOpen: 1, connectionsCutForAge: 0, authsRefused: 0 });
    // Re-authenticated on the live connection (when each new set arrived; the cut proves none came
    // 12 h late). Fewer than one an hour only on a loaded machine, where a check can lag fake time.
    expect(cache.stats.reauthsAccepted).toBeGreaterThanOrEqual(5);
    expect(auth.reauthentications).toBe(cache.stats.reauthsAccepted);
    if (process.env.IRSA_PRINT_FIGURES) console.log("ioredis 13 h:", { sts: assumeCalls(world), ...cache.stats, refusals: undefined });
    expect(tokensOutlivingTheirSet(verdicts)).toBe(0);
    expect(assumeCalls(world)).toBeLessThanOrEqual(13 * 2 + 1);
  });

  itWithRedis("500 connections reconnecting at once cost at most 1 STS call (the password option is kept fresh)", async () => {
    const auth = createIoredisIamAuth(init());
    cleanups.push(() => auth.close());
    const options = await auth.redisOptions();
    const clients = Array.from({ length: 500 }, () => {
      const redis = new Redis({ host: cache.host, port: cache.port, ...options, retryStrategy: () => 10 });
      redis.on("error", () => {});
      cleanups.push(() => redis.disconnect());
      auth.attach(redis);
      return redis;
    });
    await Promise.all(clients.map((c) => (c.status === "ready" ? undefined : new Promise((resolve) => c.once("ready", resolve)))));
    expect(assumeCalls(world)).toBe(1);
    await travel(50 * MINUTE, async () => {});
    await auth.check();
    const stsBefore = assumeCalls(world);
    const readyAgain = Promise.all(clients.map((c) => new Promise((resolve) => c.once("ready", resolve))));
    expect(cache.dropAllConnections()).toBe(500);
    await readyAgain;
    expect(assumeCalls(world) - stsBefore).toBeLessThanOrEqual(1);
    if (process.env.IRSA_PRINT_FIGURES) console.log("ioredis storm:", { sts: assumeCalls(world) - stsBefore });
    expect(await Promise.all(clients.map((c) => c.ping()))).toEqual(Array(500).fill("PONG"));
    expect(cache.stats.authsRefused).toBe(0);
    expect(tokensOutlivingTheirSet(verdicts)).toBe(0);
  });
});
