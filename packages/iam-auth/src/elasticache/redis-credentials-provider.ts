// A streaming credentials provider for node-redis 5 (`createClient({ credentialsProvider })`):
// each connection's handshake subscribes and gets `{ username, token }`; a new token is pushed to
// every subscriber when the credential set changes and at least every reauthenticateIntervalMs,
// and node-redis sends `AUTH` on each live connection (in order with its other commands).
import { hideSecrets } from "../connections/hide-secrets.js";
import { asError, parseConnectionAuthInit, type ElastiCacheConnectionAuthInit } from "./connection-auth-init.js";
import type { ElastiCacheTokenGenerator } from "./elasticache-token.js";
import { ReauthenticationSchedule } from "./reauthentication-schedule.js";

/** node-redis' `BasicAuth`. */
export interface RedisBasicAuth {
  /** User name. */
  username?: string;
  /** Password: here, the IAM token. */
  password?: string;
}

/** node-redis' `StreamingCredentialsListener<BasicAuth>`. */
export interface RedisCredentialsListener {
  /** New credentials: node-redis re-authenticates the connection with them. */
  onNext: (credentials: RedisBasicAuth) => void;
  /** The stream failed for good. */
  onError: (error: Error) => void;
}

/** The node-redis 5 `StreamingCredentialsProvider` this package builds, plus `close()` and counters. */
export interface RedisIamCredentialsProvider {
  /** node-redis' discriminant. */
  readonly type: "streaming-credentials-provider";
  /** Called by node-redis on each connection's handshake. */
  subscribe(listener: RedisCredentialsListener): Promise<[RedisBasicAuth, { dispose(): void }]>;
  /** Called by node-redis when a re-authentication fails; forwards to `onError`. */
  onReAuthenticationError(error: Error): void;
  /** The token generator behind it. */
  readonly tokens: ElastiCacheTokenGenerator;
  /** Subscriptions open now (node-redis 5 subscribes again on each reconnect). */
  readonly subscribers: number;
  /** Pushes of new credentials to the subscribers so far. */
  readonly pushes: number;
  /** Stops the timer, drops the subscribers, gives the minimum validity back. */
  close(): void;
}

const HELPER = "createRedisCredentialsProvider";

/**
 * A node-redis 5 credentials provider for ElastiCache / MemoryDB with IAM authentication.
 *
 * @example
 * ```ts
 * const credentialsProvider = createRedisCredentialsProvider({ cacheName: "orders", userId: "app" });
 * const client = createClient({ url: "rediss://orders.xxxxxx.cache.amazonaws.com:6379", credentialsProvider });
 * ```
 */
export function createRedisCredentialsProvider(init: ElastiCacheConnectionAuthInit): RedisIamCredentialsProvider {
  const options = parseConnectionAuthInit(init, HELPER);
  const { tokens } = options;
  const listeners = new Set<RedisCredentialsListener>();
  let pushes = 0;
  const schedule = new ReauthenticationSchedule(tokens, {
    ...options,
    onCheck: (check) => {
      if (check.reason === undefined) return;
      pushes += 1;
      for (const listener of [...listeners]) listener.onNext({ username: check.username, password: check.password });
    },
    onError: (error) => options.onError(asError(error)),
  });

  const provider: RedisIamCredentialsProvider = {
    type: "streaming-credentials-provider",
    async subscribe(listener) {
      const password = await tokens.getToken();
      listeners.add(listener);
      schedule.noteAuthenticated();
      if (!schedule.started) schedule.start();
      const dispose = () => {
        listeners.delete(listener);
        if (listeners.size === 0) schedule.stop();
      };
      return [{ username: tokens.username, password }, { dispose }];
    },
    onReAuthenticationError: (error) => options.onError(error),
    tokens,
    get subscribers() {
      return listeners.size;
    },
    get pushes() {
      return pushes;
    },
    close() {
      schedule.stop();
      listeners.clear();
      tokens.close();
    },
  };
  return hideSecrets(provider, () => ({ type: provider.type, username: tokens.username, cacheName: tokens.cacheName, subscribers: listeners.size, pushes }));
}
