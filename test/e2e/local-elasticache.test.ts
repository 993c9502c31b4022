// The ElastiCache emulator of @irsa/testing with the real clients: node-redis 5 (RESP2 AUTH and
// RESP3 HELLO AUTH) and ioredis 5, through the front to Debian's redis-server.
import { acceptPasswords, startLocalElastiCache, type LocalElastiCache, type LocalElastiCacheInit } from "@irsa/testing";
import { Redis, type RedisOptions } from "ioredis";
import { createClient, type RedisClientOptions } from "redis";
import { afterEach, describe, expect, it } from "vitest";
import { itWithRedis } from "../../packages/testing/src/test-support/redis-server-for-tests.js";

const TOKEN = "iam-token-for-app";
const HOUR = 3_600_000;
const EVENT_WAIT_MS = 3_000;
let cache: LocalElastiCache;
const cleanups: (() => unknown)[] = [];

async function start(init: Partial<LocalElastiCacheInit> = {}): Promise<LocalElastiCache> {
  cache = await startLocalElastiCache({ checkToken: acceptPasswords({ app: TOKEN }), ageCheckIntervalMs: 0, ...init });
  return cache;
}

async function nodeRedis(options: Partial<RedisClientOptions> = {}) {
  const client = createClient({ url: cache.url, username: "app", password: TOKEN, ...options });
  const errors: Error[] = [];
  client.on("error", (error: Error) => errors.push(error));
  cleanups.push(() => client.isOpen && client.destroy());
  return { client, errors };
}

function ioredis(options: RedisOptions = {}) {
  const client = new Redis({ host: cache.host, port: cache.port, username: "app", password: TOKEN, lazyConnect: true, retryStrategy: () => 10, ...options });
  const errors: Error[] = [];
  client.on("error", (error: Error) => errors.push(error));
  cleanups.push(() => client.disconnect());
  return { client, errors };
}

/** The next `name` event's arguments (an "error" event before it does not reject, unlike events.once). */
function event(emitter: NodeJS.EventEmitter, name: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${name} event within ${EVENT_WAIT_MS} ms`)), EVENT_WAIT_MS);
    emitter.once(name, (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  await cache.close();
});

describe("local ElastiCache with node-redis 5", () => {
  itWithRedis("no RESP option: authenticates with AUTH user token; SET and GET work", async () => {
    await start();
    const { client } = await nodeRedis();
    await client.connect();
    await client.set("greeting", "hello");
    expect(await client.get("greeting")).toBe("hello");
    expect(cache.connections()).toMatchObject([{ user: "app", authenticatedWith: "AUTH", authentications: 1 }]);
  });

  itWithRedis("RESP: 2 authenticates with HELLO 2 AUTH and stays on RESP2", async () => {
    await start();
    const { client } = await nodeRedis({ RESP: 2 });
    await client.connect();
    await client.set("greeting", "hello");
    expect(await client.get("greeting")).toBe("hello");
    expect(await client.sendCommand(["CLIENT", "INFO"])).toMatch(/ resp=2\b/);
    expect(cache.connections()).toMatchObject([{ user: "app", authenticatedWith: "HELLO", authentications: 1 }]);
  });

  itWithRedis("RESP3: authenticates with HELLO 3 AUTH and gets RESP3 replies from redis-server", async () => {
    await start();
    const { client } = await nodeRedis({ RESP: 3 });
    await client.connect();
    await client.hSet("h", { a: "1" });
    expect(await client.hGetAll("h")).toEqual({ a: "1" });
    expect(await client.sendCommand(["CLIENT", "INFO"])).toMatch(/ resp=3\b/);
    expect(cache.connections()).toMatchObject([{ user: "app", authenticatedWith: "HELLO" }]);
  });

  itWithRedis("surfaces WRONGPASS for a bad token and NOAUTH without credentials", async () => {
    await start();
    const { client: wrong } = await nodeRedis({ password: "not-the-token", socket: { reconnectStrategy: false } });
    await expect(wrong.connect()).rejects.toThrow(/^WRONGPASS invalid username-password pair or user is disabled\.$/);
    const { client: anonymous } = await nodeRedis({ username: undefined, password: undefined });
    await anonymous.connect();
    await expect(anonymous.get("k")).rejects.toThrow(/^NOAUTH Authentication required\.$/);
    expect(cache.stats).toMatchObject({ authsAccepted: 0, authsRefused: 1, commandsRelayed: 0 });
    expect(JSON.stringify(cache.stats)).not.toContain("not-the-token");
  });

  itWithRedis("relays pipelines, MULTI and pub/sub", async () => {
    await start();
    const { client } = await nodeRedis();
    await client.connect();
    const replies = await Promise.all(Array.from({ length: 200 }, () => client.incr("counter")));
    expect(replies).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(await client.multi().set("a", "1").incr("a").get("a").exec()).toEqual(["OK", 2, "2"]);

    const subscriber = client.duplicate();
    cleanups.push(() => subscriber.isOpen && subscriber.destroy());
    await subscriber.connect();
    const received = new Promise<string>((resolve) => void subscriber.subscribe("news", (message) => resolve(message)));
    await expect.poll(() => client.publish("news", "extra"), { timeout: EVENT_WAIT_MS }).toBe(1);
    expect(await received).toBe("extra");
  });

  itWithRedis("reset(): RESET is relayed and node-redis's handshake that follows re-authenticates", async () => {
    await start();
    const { client } = await nodeRedis({ RESP: 3 });
    await client.connect();
    await client.subscribe("news", () => undefined);
    await client.reset();
    expect(await client.get("k")).toBeNull();
    expect(await client.sendCommand(["CLIENT", "INFO"])).toMatch(/ resp=3\b/);
    expect(cache.connections()).toMatchObject([{ authentications: 2, authenticatedWith: "HELLO" }]);
  });

  itWithRedis("re-authenticates a live connection without dropping the commands around it", async () => {
    let clock = 0;
    await start({ now: () => clock });
    const { client } = await nodeRedis();
    await client.connect();
    clock = 11 * HOUR;
    const before = Array.from({ length: 50 }, () => client.incr("n"));
    const reauth = client.auth({ username: "app", password: TOKEN });
    const after = Array.from({ length: 50 }, () => client.incr("n"));
    const refused = client.auth({ username: "app", password: "stale-token" });
    const last = client.incr("n");
    expect(await Promise.all([...before, ...after])).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(await reauth).toBe("OK");
    await expect(refused).rejects.toThrow(/^WRONGPASS/);
    expect(await last).toBe(101);
    expect(cache.stats).toMatchObject({ connectionsOpened: 1, authsAccepted: 2, reauthsAccepted: 1, authsRefused: 1 });
    expect(cache.connections()).toMatchObject([{ authenticatedAt: 11 * HOUR, authentications: 2 }]);
  });

  itWithRedis("cuts a connection 12 h after its last AUTH unless it re-authenticated; the cut one reconnects", async () => {
    let clock = 0;
    await start({ now: () => clock });
    const stale = await nodeRedis({ RESP: 3 });
    const renewed = await nodeRedis();
    await Promise.all([stale.client.connect(), renewed.client.connect()]);
    const [staleId, renewedId] = cache.connections().map((connection) => connection.id);
    clock = 6 * HOUR;
    await renewed.client.auth({ username: "app", password: TOKEN });
    clock = 12 * HOUR;
    const reconnecting = event(stale.client, "reconnecting");
    expect(cache.checkAges()).toBe(1);
    await reconnecting;
    await event(stale.client, "ready");
    expect(await stale.client.ping()).toBe("PONG");
    expect(await renewed.client.ping()).toBe("PONG");
    const ids = cache.connections().map((connection) => connection.id);
    expect(ids).toContain(renewedId);
    expect(ids).not.toContain(staleId);
    expect(cache.stats).toMatchObject({ connectionsCutForAge: 1, connectionsOpened: 3, authsAccepted: 4 });
  });
});

describe("local ElastiCache with ioredis 5", () => {
  itWithRedis("authenticates with AUTH user token; commands and pipelines work", async () => {
    await start();
    const { client } = ioredis();
    await client.connect();
    await client.set("k", "v");
    expect(await client.get("k")).toBe("v");
    const results = await client.pipeline().incr("n").incr("n").get("k").exec();
    expect(results).toEqual([[null, 1], [null, 2], [null, "v"]]);
    expect(cache.connections()).toMatchObject([{ user: "app", authenticatedWith: "AUTH" }]);
  });

  itWithRedis("surfaces WRONGPASS for a bad token and NOAUTH without credentials", async () => {
    await start();
    const wrong = ioredis({ password: "not-the-token", retryStrategy: () => null });
    const failed = event(wrong.client, "error");
    await wrong.client.connect().catch(() => undefined);
    expect(String((await failed)[0])).toBe("ReplyError: WRONGPASS invalid username-password pair or user is disabled.");
    const anonymous = ioredis({ username: undefined, password: undefined, enableReadyCheck: false, retryStrategy: () => null });
    await anonymous.client.connect();
    await expect(anonymous.client.get("k")).rejects.toThrow(/^NOAUTH Authentication required\.$/);
  });

  itWithRedis("carries large values and a long pipeline intact", async () => {
    await start();
    const { client } = ioredis();
    await client.connect();
    const big = Buffer.alloc(5 * 1024 * 1024, 0x7a);
    big.write("\r\n*1\r\n$4\r\nAUTH\r\n", 1_000_000); // RESP-looking bytes inside a value are data
    await client.set("big", big);
    expect((await client.getBuffer("big"))?.equals(big)).toBe(true);
    const pipeline = client.pipeline();
    for (let i = 0; i < 5_000; i += 1) pipeline.rpush("list", String(i));
    await pipeline.exec();
    expect(await client.lrange("list", -2, -1)).toEqual(["4998", "4999"]);
    expect(cache.stats.authsAccepted).toBe(1);
  });

  itWithRedis("re-authenticates with AUTH on a live connection, in order with pipelined commands", async () => {
    let clock = 0;
    await start({ now: () => clock });
    const { client } = ioredis();
    await client.connect();
    clock = HOUR;
    const results = await client.pipeline().incr("n").auth("app", TOKEN).incr("n").exec();
    expect(results).toEqual([[null, 1], [null, "OK"], [null, 2]]);
    expect(cache.connections()).toMatchObject([{ authenticatedAt: HOUR, authentications: 2 }]);
  });
});

describe("local ElastiCache failover", () => {
  itWithRedis("dropAllConnections: node-redis and ioredis reconnect, re-authenticate and carry on", async () => {
    await start();
    const { client: nodeClient } = await nodeRedis({ RESP: 3 });
    const { client: ioClient } = ioredis();
    await Promise.all([nodeClient.connect(), ioClient.connect()]);
    await nodeClient.set("k", "before");
    const reconnected = [event(nodeClient, "ready"), event(ioClient, "ready")];
    expect(cache.dropAllConnections()).toBe(2);
    await Promise.all(reconnected);
    expect(await nodeClient.get("k")).toBe("before");
    expect(await ioClient.get("k")).toBe("before");
    expect(cache.stats).toMatchObject({ connectionsDropped: 2, connectionsOpened: 4, authsAccepted: 4, connectionsOpen: 2 });
  });
});
