import { createServer, type Server } from "node:net";
import { listenOnLoopback, LOOPBACK_HOST } from "../local-http-server.js";
import { FrontConnection, type FrontEnvironment, type LocalElastiCacheConnection } from "./front-connection.js";
import { LocalElastiCacheError } from "./local-elasticache-error.js";
import { DEFAULT_REDIS_START_TIMEOUT_MS, RedisServerProcess, resolveRedisServerPath } from "./redis-server-process.js";
import { DEFAULT_TOKEN_CHECK_TIMEOUT_MS, runTokenCheck, type TokenCheck } from "./token-check.js";

/** ElastiCache cuts an IAM-authenticated connection 12 hours after its last AUTH/HELLO. */
export const DEFAULT_MAX_AUTH_AGE_MS = 12 * 60 * 60 * 1000;
/** How often the emulator checks connection ages on its own (besides on every command). */
export const DEFAULT_AGE_CHECK_INTERVAL_MS = 1_000;
/** Refusals kept in `stats.refusals` (the oldest are dropped). */
export const MAX_RECORDED_REFUSALS = 1_000;

/** Options of {@link startLocalElastiCache}. */
export interface LocalElastiCacheInit {
  /** Decides every `AUTH`/`HELLO ... AUTH` (the IAM token verifier's seam); see {@link acceptPasswords}. */
  checkToken: TokenCheck;
  /** redis-server binary. Default: env `IRSA_TEST_REDIS_SERVER`, else `/usr/bin/redis-server`. */
  redisServerPath?: string;
  /** A connection is cut this long after its last accepted authentication (`Infinity`: never). Default 12 h. */
  maxAuthAgeMs?: number;
  /** Clock for authentication ages, epoch ms. Default `Date.now`. */
  now?: () => number;
  /**
   * Period of the background age check (an unref'd `setInterval`, so vitest's fake timers drive
   * it); 0 turns it off, for tests that step `now` and call `checkAges()`. Default 1000 ms.
   */
  ageCheckIntervalMs?: number;
  /** How long `checkToken` may take; past it the credentials are refused. Default 5000 ms. */
  checkTokenTimeoutMs?: number;
  /** How long redis-server may take to start. Default 10 000 ms. */
  startTimeoutMs?: number;
}

/** One refused authentication. Never the password. */
export interface LocalElastiCacheRefusal {
  /** The injected clock at the refusal, epoch ms. */
  readonly time: number;
  /** The connection that presented the credentials. */
  readonly connectionId: number;
  /** The user named in `AUTH`/`HELLO` (`default` for `AUTH password`). */
  readonly user: string;
  /** True when an authenticated connection tried to re-authenticate (it keeps its old one). */
  readonly reauthentication: boolean;
  /** The check's reason. */
  readonly reason: string;
}

/** Counters since start. */
export interface LocalElastiCacheStats {
  /** Client connections accepted. */
  readonly connectionsOpened: number;
  /** Client connections open now. */
  readonly connectionsOpen: number;
  /** Accepted authentications, re-authentications included. */
  readonly authsAccepted: number;
  /** Of those, re-authentications of an authenticated connection. */
  readonly reauthsAccepted: number;
  /** Refused authentications. */
  readonly authsRefused: number;
  /** The refusals with their reasons (the last {@link MAX_RECORDED_REFUSALS}). */
  readonly refusals: readonly LocalElastiCacheRefusal[];
  /** Connections cut because their authentication was `maxAuthAgeMs` old. */
  readonly connectionsCutForAge: number;
  /** Connections closed by `dropAllConnections()`. */
  readonly connectionsDropped: number;
  /** Client commands relayed to redis-server (the front's rewritten AUTH/HELLO not counted). */
  readonly commandsRelayed: number;
}

/** A running ElastiCache-like front with IAM-style authentication over a real redis-server. */
export interface LocalElastiCache {
  /** `127.0.0.1`. */
  readonly host: string;
  /** The front's port. */
  readonly port: number;
  /** `redis://127.0.0.1:PORT` (no credentials in it). */
  readonly url: string;
  /** redis-server's own Unix socket: no authentication, for tests that inspect the data. */
  readonly redisServerSocketPath: string;
  /** A snapshot of the counters. */
  readonly stats: LocalElastiCacheStats;
  /** The open client connections. */
  connections(): LocalElastiCacheConnection[];
  /** Cuts every connection whose authentication is `maxAuthAgeMs` old on the clock; returns how many. */
  checkAges(): number;
  /** Closes every client connection at once, like a failover; returns how many. */
  dropAllConnections(): number;
  /** Stops the front, closes every socket, kills redis-server, removes its files. Idempotent. */
  close(): Promise<void>;
}

/** Longest delay a Node timer takes. */
const MAX_TIMER_MS = 2_147_483_647;

function duration(name: string, value: number | undefined, fallback: number, min: 0 | 1, max = MAX_TIMER_MS): number {
  const chosen = value ?? fallback;
  if (typeof chosen !== "number" || Number.isNaN(chosen) || chosen < min || chosen > max) {
    throw new LocalElastiCacheError("INVALID_OPTION", `${name} must be a number of milliseconds from ${min} to ${max}, got ${String(value)}`);
  }
  return chosen;
}

/**
 * Starts Debian's real redis-server (no persistence, Unix socket only) and, on 127.0.0.1 with a
 * random port, a front that authenticates clients like ElastiCache with IAM: `AUTH user token`
 * or `HELLO 2|3 AUTH user token` first (checked by `checkToken`), `NOAUTH` before,
 * `WRONGPASS` when refused, and the connection cut `maxAuthAgeMs` after its last accepted
 * authentication. Everything else is relayed to redis-server as is.
 *
 * @example
 * ```ts
 * const cache = await startLocalElastiCache({ checkToken: acceptPasswords({ app: "token" }) });
 * const client = createClient({ url: cache.url, username: "app", password: "token" });
 * await client.connect();
 * // ...
 * await cache.close();
 * ```
 */
export async function startLocalElastiCache(init: LocalElastiCacheInit): Promise<LocalElastiCache> {
  if (typeof init?.checkToken !== "function") {
    throw new LocalElastiCacheError("INVALID_OPTION", "checkToken is required: pass a TokenCheck, e.g. acceptPasswords({ user: 'password' })");
  }
  const maxAuthAgeMs = duration("maxAuthAgeMs", init.maxAuthAgeMs, DEFAULT_MAX_AUTH_AGE_MS, 1, Number.POSITIVE_INFINITY);
  const intervalMs = duration("ageCheckIntervalMs", init.ageCheckIntervalMs, DEFAULT_AGE_CHECK_INTERVAL_MS, 0);
  const checkTimeoutMs = duration("checkTokenTimeoutMs", init.checkTokenTimeoutMs, DEFAULT_TOKEN_CHECK_TIMEOUT_MS, 1);
  const startTimeoutMs = duration("startTimeoutMs", init.startTimeoutMs, DEFAULT_REDIS_START_TIMEOUT_MS, 1);
  // Read Date.now at each call, so a test's fake timers (installed later) move it.
  const now = init.now ?? (() => Date.now());
  const checkToken = init.checkToken;

  const redis = await RedisServerProcess.start(resolveRedisServerPath(init.redisServerPath), startTimeoutMs);
  const open = new Map<number, FrontConnection>();
  const counters = { connectionsOpened: 0, authsAccepted: 0, reauthsAccepted: 0, authsRefused: 0, connectionsCutForAge: 0, connectionsDropped: 0, commandsRelayed: 0 };
  const refusals: LocalElastiCacheRefusal[] = [];
  const env: FrontEnvironment = {
    backendPath: redis.socketPath,
    maxAuthAgeMs,
    now: () => now(),
    check: (user, password, context) => runTokenCheck(checkToken, user, password, context, checkTimeoutMs),
    accepted: (_connection, reauthentication) => {
      counters.authsAccepted += 1;
      if (reauthentication) counters.reauthsAccepted += 1;
    },
    refused: (connection, user, reason) => {
      counters.authsRefused += 1;
      refusals.push({ time: now(), connectionId: connection.id, user, reauthentication: connection.info().authentications > 0, reason });
      if (refusals.length > MAX_RECORDED_REFUSALS) refusals.shift();
    },
    relayed: () => void (counters.commandsRelayed += 1),
    cutForAge: () => void (counters.connectionsCutForAge += 1),
    closed: (connection) => void open.delete(connection.id),
  };

  const server: Server = createServer((socket) => {
    counters.connectionsOpened += 1;
    const connection = new FrontConnection(counters.connectionsOpened, socket, env);
    open.set(connection.id, connection);
    socket.setNoDelay(true);
  });
  let port: number;
  try {
    port = await listenOnLoopback(server);
  } catch (error) {
    await redis.stop();
    throw error;
  }

  const checkAges = (): number => [...open.values()].filter((connection) => connection.checkAge()).length;
  const timer = intervalMs > 0 ? setInterval(checkAges, intervalMs) : undefined;
  timer?.unref();
  let closing: Promise<void> | undefined;

  return {
    host: LOOPBACK_HOST,
    port,
    url: `redis://${LOOPBACK_HOST}:${port}`,
    redisServerSocketPath: redis.socketPath,
    get stats(): LocalElastiCacheStats {
      return { ...counters, connectionsOpen: open.size, refusals: [...refusals] };
    },
    connections: () => [...open.values()].map((connection) => connection.info()),
    checkAges,
    dropAllConnections: () => {
      const all = [...open.values()];
      for (const connection of all) connection.destroy();
      counters.connectionsDropped += all.length;
      return all.length;
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(timer);
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const connection of [...open.values()]) connection.destroy();
        await stopped;
        await redis.stop();
      })();
      return closing;
    },
  };
}
