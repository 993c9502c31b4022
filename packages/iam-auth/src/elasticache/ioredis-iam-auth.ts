// ioredis has no credentials hook: this keeps every attached client (or Cluster and its nodes)
// authenticated. Its `password` option, which ioredis reads on each (re)connect, always holds a
// fresh token; and every live connection is sent `AUTH user token` (queued in order with its other
// commands, so nothing in flight is dropped) when the credential set changes and at least every
// reauthenticateIntervalMs, far below ElastiCache's 12-hour cut.
import { hideSecrets } from "../connections/hide-secrets.js";
import { asError, parseConnectionAuthInit, type ElastiCacheConnectionAuthInit } from "./connection-auth-init.js";
import type { ElastiCacheTokenGenerator } from "./elasticache-token.js";
import { ReauthenticationSchedule } from "./reauthentication-schedule.js";

/** The part of an ioredis `Redis` connection this helper uses. */
export interface IoredisConnectionLike {
  /** `ready` when authenticated and serving commands. */
  readonly status: string;
  /** The client's options: `username` and `password` are read on every (re)connect. */
  readonly options: { username?: string | undefined; password?: string | undefined };
  /** `AUTH username password`. */
  auth(username: string, password: string): Promise<unknown>;
  /** ioredis' events (`end` when the client is closed for good). */
  once(event: "end", listener: () => void): unknown;
}

/** The part of an ioredis `Cluster` this helper uses. */
export interface IoredisClusterLike {
  /** Options given to every node, present and future. */
  readonly options: { redisOptions?: { username?: string | undefined; password?: string | undefined } };
  /** The node connections. */
  nodes(role?: "all"): IoredisConnectionLike[];
  /** ioredis' events. */
  once(event: "end", listener: () => void): unknown;
}

/** Keeps ioredis clients authenticated with ElastiCache / MemoryDB IAM tokens. */
export interface IoredisIamAuth {
  /** The token generator behind it. */
  readonly tokens: ElastiCacheTokenGenerator;
  /** `{ username, password }` to spread into `new Redis({...})` or a Cluster's `redisOptions`. */
  redisOptions(): Promise<{ username: string; password: string }>;
  /** Tracks a client until it ends (or the returned function is called); starts the timer. */
  attach(client: IoredisConnectionLike | IoredisClusterLike): () => void;
  /** One check now: refresh the `password` options and AUTH live connections when due. */
  check(): Promise<void>;
  /** Live connections sent `AUTH` so far. */
  readonly reauthentications: number;
  /** Stops the timer, forgets the clients, gives the minimum validity back. */
  close(): void;
}

const HELPER = "createIoredisIamAuth";

/**
 * Creates the ioredis re-authenticator.
 *
 * @example
 * ```ts
 * const auth = createIoredisIamAuth({ cacheName: "orders", userId: "app" });
 * const redis = new Redis({ host, port, tls: {}, ...(await auth.redisOptions()) });
 * auth.attach(redis);
 * ```
 */
export function createIoredisIamAuth(init: ElastiCacheConnectionAuthInit): IoredisIamAuth {
  const options = parseConnectionAuthInit(init, HELPER);
  const { tokens } = options;
  const clients = new Set<IoredisConnectionLike | IoredisClusterLike>();
  let reauthentications = 0;

  const reauthenticate = (connection: IoredisConnectionLike, username: string, password: string) => {
    if (connection.status !== "ready") return;
    reauthentications += 1;
    connection.auth(username, password).catch((error: unknown) => options.onError(asError(error)));
  };

  const schedule = new ReauthenticationSchedule(tokens, {
    ...options,
    onCheck: ({ username, password, reason }) => {
      for (const client of clients) {
        for (const connection of connectionsOf(client, username, password)) {
          if (reason !== undefined) reauthenticate(connection, username, password);
        }
      }
    },
    onError: (error) => options.onError(asError(error)),
  });

  const auth: IoredisIamAuth = {
    tokens,
    async redisOptions() {
      const password = await tokens.getToken();
      schedule.noteAuthenticated();
      return { username: tokens.username, password };
    },
    attach(client) {
      clients.add(client);
      if (!schedule.started) schedule.start();
      const detach = () => {
        clients.delete(client);
        if (clients.size === 0) schedule.stop();
      };
      client.once("end", detach);
      return detach;
    },
    check: () => schedule.check(),
    get reauthentications() {
      return reauthentications;
    },
    close() {
      schedule.stop();
      clients.clear();
      tokens.close();
    },
  };
  return hideSecrets(auth, () => ({ username: tokens.username, cacheName: tokens.cacheName, clients: clients.size, reauthentications }));
}

/** The client's connections, their `password` options set to the current token on the way. */
function connectionsOf(client: IoredisConnectionLike | IoredisClusterLike, username: string, password: string): IoredisConnectionLike[] {
  const connections = "nodes" in client ? client.nodes("all") : [client];
  if ("nodes" in client && client.options.redisOptions !== undefined) Object.assign(client.options.redisOptions, { username, password });
  for (const connection of connections) Object.assign(connection.options, { username, password });
  return connections;
}
