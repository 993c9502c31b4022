import { connect } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import { RawRespClient } from "../test-support/raw-resp.js";
import { NOAUTH_HELLO_MESSAGE, NOAUTH_MESSAGE, WRONGPASS_MESSAGE } from "./auth-commands.js";
import { startLocalElastiCache, type LocalElastiCache, type LocalElastiCacheInit } from "./local-elasticache.js";
import { acceptPasswords, type TokenCheck } from "./token-check.js";
import { itWithRedis } from "../test-support/redis-server-for-tests.js";

const PASSWORD = "tok-correct-horse";
const HOUR = 3_600_000;
let cache: LocalElastiCache | undefined;
const clients: RawRespClient[] = [];

async function start(init: Partial<LocalElastiCacheInit> = {}): Promise<LocalElastiCache> {
  cache = await startLocalElastiCache({ checkToken: acceptPasswords({ app: PASSWORD }), ...init });
  return cache;
}
async function client(): Promise<RawRespClient> {
  const raw = await RawRespClient.connect((cache as LocalElastiCache).port);
  clients.push(raw);
  return raw;
}

afterEach(async () => {
  for (const raw of clients.splice(0)) raw.close();
  await cache?.close();
  cache = undefined;
});

describe("startLocalElastiCache: authentication", () => {
  itWithRedis("answers NOAUTH to everything before AUTH and relays nothing", async () => {
    const front = await start();
    const raw = await client();
    raw.send(["PING"], ["SET", "k", "v"], ["HELLO", "3"]);
    expect(await raw.lines(3)).toEqual([`-${NOAUTH_MESSAGE}`, `-${NOAUTH_MESSAGE}`, `-${NOAUTH_HELLO_MESSAGE}`]);
    expect(front.stats.commandsRelayed).toBe(0);
    expect(front.connections()).toMatchObject([{ user: undefined, authentications: 0 }]);
  });

  itWithRedis("accepts AUTH user password, then relays a pipeline sent in the same write", async () => {
    const front = await start();
    const raw = await client();
    raw.send(["AUTH", "app", PASSWORD], ["SET", "k", "v"], ["GET", "k"], ["PING"]);
    expect(await raw.lines(5)).toEqual(["+OK", "+OK", "$1", "v", "+PONG"]);
    expect(front.stats).toMatchObject({ authsAccepted: 1, authsRefused: 0, commandsRelayed: 3 });
    expect(front.connections()).toMatchObject([{ user: "app", authentications: 1, commandsRelayed: 3 }]);
  });

  itWithRedis("answers WRONGPASS to refused credentials and records the reason, never the password", async () => {
    const front = await start();
    const raw = await client();
    raw.send(["AUTH", "app", "tok-wrong"], ["AUTH", "nobody", "tok-x"], ["GET", "k"]);
    expect(await raw.lines(3)).toEqual([`-${WRONGPASS_MESSAGE}`, `-${WRONGPASS_MESSAGE}`, `-${NOAUTH_MESSAGE}`]);
    expect(front.stats.refusals.map(({ user, reason, reauthentication }) => ({ user, reason, reauthentication }))).toEqual([
      { user: "app", reason: "wrong password for user 'app'", reauthentication: false },
      { user: "nobody", reason: "unknown user 'nobody'", reauthentication: false },
    ]);
    const shown = JSON.stringify(front.stats) + inspect(front, { depth: 5 }) + JSON.stringify(front.connections());
    expect(shown).not.toMatch(/tok-/);
  });

  itWithRedis("reads AUTH password (the default user) and inline commands", async () => {
    await start({ checkToken: acceptPasswords({ default: PASSWORD }) });
    const raw = await client();
    raw.socket.write(`AUTH ${PASSWORD}\r\nPING\r\n`);
    expect(await raw.lines(2)).toEqual(["+OK", "+PONG"]);
  });

  itWithRedis("keeps later pipelined commands behind a slow check, in order", async () => {
    let release: (() => void) | undefined;
    const slow: TokenCheck = (user, password) =>
      new Promise((resolve) => (release = () => resolve(password === PASSWORD ? { ok: true } : { ok: false, reason: "no" })));
    const front = await start({ checkToken: slow });
    const raw = await client();
    raw.send(["AUTH", "app", PASSWORD], ["INCR", "n"], ["INCR", "n"]);
    for (let waited = 0; release === undefined && waited < 2_000; waited += 5) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(release).toBeDefined();
    expect(front.stats.commandsRelayed).toBe(0);
    release?.();
    expect(await raw.lines(3)).toEqual(["+OK", ":1", ":2"]);
  });

  itWithRedis("refuses, with a reason free of the password, a check that throws or does not answer", async () => {
    const throwing: TokenCheck = async (_user, password) => {
      throw new Error(`bad token ${password}`);
    };
    const front = await start({ checkToken: throwing });
    const raw = await client();
    raw.send(["AUTH", "app", PASSWORD]);
    expect(await raw.lines(1)).toEqual([`-${WRONGPASS_MESSAGE}`]);
    expect(front.stats.refusals[0]?.reason).toBe("checkToken failed: Error: bad token [redacted]");
    await front.close();

    const hung = await start({ checkToken: () => new Promise(() => undefined), checkTokenTimeoutMs: 30 });
    const other = await client();
    other.send(["AUTH", "app", PASSWORD]);
    expect(await other.lines(1)).toEqual([`-${WRONGPASS_MESSAGE}`]);
    expect(hung.stats.refusals[0]?.reason).toBe("checkToken did not answer within 30 ms");
  });

  itWithRedis("never sends the client's password to redis-server", async () => {
    const front = await start();
    const monitor = connect(front.redisServerSocketPath);
    let seen = "";
    monitor.on("data", (data: Buffer) => void (seen += data.toString()));
    monitor.write("MONITOR\r\n");
    const raw = await client();
    raw.send(["AUTH", "app", PASSWORD], ["HELLO", "2", "AUTH", "app", PASSWORD], ["AUTH", "app", "tok-wrong"], ["ECHO", "done"]);
    await raw.until((text) => text.includes("done"));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`MONITOR saw ${seen}`)), 2_000);
      const look = (): void => {
        if (!seen.includes('"ECHO"')) return;
        clearTimeout(timer);
        resolve();
      };
      monitor.on("data", look);
      look();
    });
    monitor.destroy();
    expect(seen).toContain('"AUTH"');
    expect(seen).not.toContain("tok-");
  });
});

describe("startLocalElastiCache: HELLO", () => {
  itWithRedis("authenticates HELLO 3 AUTH and passes redis-server's RESP3 answer on", async () => {
    await start();
    const raw = await client();
    raw.send(["HELLO", "3", "AUTH", "app", PASSWORD, "SETNAME", "conn-a"], ["CLIENT", "GETNAME"], ["HGETALL", "none"]);
    const text = await raw.until((received) => received.includes("conn-a\r\n%0\r\n"));
    expect(text.startsWith("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n")).toBe(true);
    expect(text).toContain("$5\r\nproto\r\n:3\r\n");
  });

  itWithRedis("answers HELLO 2 AUTH with a RESP2 array, and refuses a bad token or protocol", async () => {
    await start();
    const raw = await client();
    raw.send(["HELLO", "4", "AUTH", "app", PASSWORD], ["HELLO", "3", "AUTH", "app", "tok-bad"], ["HELLO", "2", "AUTH", "app", PASSWORD]);
    const text = await raw.until((received) => received.includes("proto\r\n:2\r\n"));
    expect(text.startsWith(`-NOPROTO unsupported protocol version\r\n-${WRONGPASS_MESSAGE}\r\n*14\r\n`)).toBe(true);
  });
});

describe("startLocalElastiCache: re-authentication and the 12-hour cut", () => {
  itWithRedis("re-authenticates a live connection without dropping commands in flight; a refused re-AUTH keeps the old one", async () => {
    let clock = 1_000_000;
    const front = await start({ now: () => clock, ageCheckIntervalMs: 0 });
    const raw = await client();
    raw.send(["AUTH", "app", PASSWORD]);
    await raw.lines(1);
    clock += HOUR;
    raw.send(["INCR", "n"], ["AUTH", "app", PASSWORD], ["INCR", "n"], ["AUTH", "app", "tok-bad"], ["INCR", "n"]);
    expect(await raw.lines(6)).toEqual(["+OK", ":1", "+OK", ":2", `-${WRONGPASS_MESSAGE}`, ":3"]);
    expect(front.connections()).toMatchObject([{ authenticatedAt: 1_000_000 + HOUR, authentications: 2 }]);
    expect(front.stats).toMatchObject({ authsAccepted: 2, reauthsAccepted: 1, authsRefused: 1 });
    expect(front.stats.refusals[0]?.reauthentication).toBe(true);
  });

  itWithRedis("lets redis-server refuse AUTH to a RESP2 subscriber (no re-authentication, as on ElastiCache); RESP3 subscribers may", async () => {
    let clock = 0;
    const front = await start({ now: () => clock, ageCheckIntervalMs: 0 });
    const resp2 = await client();
    resp2.send(["AUTH", "app", PASSWORD], ["SUBSCRIBE", "news"]);
    await resp2.until((text) => text.endsWith(":1\r\n"));
    clock = HOUR;
    resp2.send(["AUTH", "app", PASSWORD], ["UNSUBSCRIBE"], ["AUTH", "app", PASSWORD]);
    const text = await resp2.until((received) => received.endsWith("+OK\r\n") && received.includes("unsubscribe"));
    expect(text).toContain("-ERR Can't execute 'auth': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
    expect(front.stats).toMatchObject({ authsAccepted: 2, reauthsAccepted: 1, authsRefused: 0 });

    const resp3 = await client();
    resp3.send(["HELLO", "3", "AUTH", "app", PASSWORD], ["SUBSCRIBE", "news"], ["AUTH", "app", PASSWORD]);
    expect(await resp3.until((received) => received.endsWith("+OK\r\n"))).toContain(">3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n+OK\r\n");
    expect(front.connections().map((connection) => connection.authentications)).toEqual([2, 2]);
  });

  itWithRedis("cuts a connection maxAuthAgeMs after its last AUTH unless it re-authenticated", async () => {
    let clock = 0;
    const front = await start({ now: () => clock, ageCheckIntervalMs: 0 });
    const [stale, renewed] = [await client(), await client()];
    for (const raw of [stale, renewed]) {
      raw.send(["AUTH", "app", PASSWORD]);
      await raw.lines(1);
    }
    clock = 6 * HOUR;
    renewed.send(["AUTH", "app", PASSWORD]);
    await renewed.lines(2);
    clock = 12 * HOUR - 1;
    expect(front.checkAges()).toBe(0);
    clock = 12 * HOUR;
    expect(front.checkAges()).toBe(1);
    await stale.untilClosed();
    renewed.send(["PING"]);
    expect(await renewed.lines(3)).toEqual(["+OK", "+OK", "+PONG"]);
    expect(front.stats).toMatchObject({ connectionsCutForAge: 1, connectionsOpen: 1 });
  });

  itWithRedis("cuts a stale connection on its next command, and on the background check", async () => {
    let clock = 0;
    const front = await start({ now: () => clock, maxAuthAgeMs: 1_000, ageCheckIntervalMs: 0 });
    const raw = await client();
    raw.send(["AUTH", "app", PASSWORD]);
    await raw.lines(1);
    clock = 1_000;
    raw.send(["PING"]);
    expect(await raw.untilClosed()).toBe("+OK\r\n");
    await front.close();

    clock = 0;
    await start({ now: () => clock, maxAuthAgeMs: 1_000, ageCheckIntervalMs: 5 });
    const idle = await client();
    idle.send(["AUTH", "app", PASSWORD]);
    await idle.lines(1);
    clock = 1_000;
    await idle.untilClosed();
    expect(cache?.stats.connectionsCutForAge).toBe(1);
  });
});

describe("startLocalElastiCache under vitest fake timers", () => {
  itWithRedis("starts, and its background check cuts a connection 12 h later on the faked clock", async () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const front = await start();
      const raw = await client();
      raw.send(["AUTH", "app", PASSWORD]);
      await raw.lines(1);
      expect(front.connections()[0]?.authenticatedAt).toBe(0);
      vi.advanceTimersByTime(12 * HOUR - 1_000);
      expect(front.stats.connectionsCutForAge).toBe(0);
      vi.advanceTimersByTime(1_000);
      expect(front.stats.connectionsCutForAge).toBe(1);
      await raw.untilClosed();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("startLocalElastiCache: connections and lifecycle", () => {
  itWithRedis("drops every connection at once (a failover)", async () => {
    const front = await start();
    const [a, b] = [await client(), await client()];
    a.send(["AUTH", "app", PASSWORD]);
    await a.lines(1);
    expect(front.dropAllConnections()).toBe(2);
    await Promise.all([a.untilClosed(), b.untilClosed()]);
    expect(front.stats).toMatchObject({ connectionsOpened: 2, connectionsOpen: 0, connectionsDropped: 2 });
  });

  itWithRedis("answers QUIT before AUTH and a protocol error, then closes", async () => {
    await start();
    const quitter = await client();
    quitter.send(["QUIT"]);
    expect(await quitter.untilClosed()).toBe("+OK\r\n");
    const broken = await client();
    broken.socket.write("*1\r\n:5\r\n");
    expect(await broken.untilClosed()).toBe("-ERR Protocol error: expected '$', got ':'\r\n");
  });

  itWithRedis("close() stops the front and redis-server and removes the socket", async () => {
    const front = await start();
    const raw = await client();
    await front.close();
    await raw.untilClosed();
    const refused = (target: { port: number } | { path: string }) =>
      new Promise<string>((resolve) => {
        const socket = "port" in target ? connect(target.port, "127.0.0.1") : connect(target.path);
        socket.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
        socket.on("connect", () => resolve("connected"));
      });
    expect(await refused({ port: front.port })).toBe("ECONNREFUSED");
    expect(await refused({ path: front.redisServerSocketPath })).toBe("ENOENT");
    await front.close();
  });

  itWithRedis("leaves no handle behind: servers, sockets, pipes, child processes, ref'd timers", async () => {
    const handles = () => process.getActiveResourcesInfo().filter((kind) => kind !== "TTYWrap");
    const count = (kinds: string[]) => Object.fromEntries(["TCPServerWrap", "TCPSocketWrap", "PipeWrap", "ProcessWrap", "Timeout"].map((kind) => [kind, kinds.filter((k) => k === kind).length]));
    const before = handles();
    const front = await start({ ageCheckIntervalMs: 10 });
    const [a, b] = [await client(), await client()];
    a.send(["AUTH", "app", PASSWORD], ["PING"]);
    await a.lines(2);
    b.send(["AUTH", "app", "tok-wrong"]);
    await b.lines(1);
    expect(handles().length).toBeGreaterThan(before.length);
    await front.close();
    await Promise.all([a.untilClosed(), b.untilClosed()]);
    await new Promise((resolve) => setImmediate(resolve));
    const [now, then] = [count(handles()), count(before)];
    for (const kind of Object.keys(now)) expect(now[kind], kind).toBeLessThanOrEqual(then[kind] ?? 0);
  });

  it("refuses a missing redis-server and bad options with typed errors", async () => {
    const checkToken = acceptPasswords({});
    await expect(startLocalElastiCache({ checkToken, redisServerPath: "/nonexistent/redis-server" })).rejects.toMatchObject({
      name: "LocalElastiCacheError",
      code: "REDIS_SERVER_NOT_FOUND",
      message: expect.stringContaining("IRSA_TEST_REDIS_SERVER"),
    });
    await expect(startLocalElastiCache({ checkToken, redisServerPath: "/bin/false" })).rejects.toMatchObject({
      code: "REDIS_SERVER_START_FAILED",
      message: "redis-server at /bin/false exited (code 1); its output: (none)",
    });
    await expect(startLocalElastiCache({ checkToken, maxAuthAgeMs: 0 })).rejects.toMatchObject({ code: "INVALID_OPTION" });
    await expect(startLocalElastiCache({ checkToken, ageCheckIntervalMs: 2 ** 31 })).rejects.toThrow(
      "ageCheckIntervalMs must be a number of milliseconds from 0 to 2147483647, got 2147483648",
    );
    await expect(startLocalElastiCache({} as LocalElastiCacheInit)).rejects.toMatchObject({ code: "INVALID_OPTION" });
  });
});
