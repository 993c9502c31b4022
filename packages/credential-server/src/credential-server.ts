import { createAuthTokenCheck } from "./auth-token.js";
import { DEFAULT_READINESS_RETRY_INITIAL_MS, DEFAULT_READINESS_RETRY_MAX_MS } from "./defaults.js";
import { closeListeners, listen, type Listener } from "./listeners.js";
import { CredentialServerMetrics } from "./metrics.js";
import { Readiness } from "./readiness.js";
import { createRequestHandler, type RouteContext } from "./routes.js";
import { resolveAuthToken, resolveServerOptions, type CredentialServerInit } from "./server-options.js";

/** A running credential server. */
export interface CredentialServer {
  /** Full URL of the credentials path: the app's `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Base URL of the health listener, when `healthPort` was given. */
  readonly healthUrl?: string;
  /** File holding the authorization token, when one was read or written. */
  readonly authTokenFile?: string;
  /** The authorization token (not enumerable: absent from `JSON.stringify` and `inspect`). */
  readonly authToken: string;
  readonly metrics: CredentialServerMetrics;
  /** True while valid credentials are in hand (what `/readyz` says). */
  isReady(): boolean;
  /** Settles once the first credentials were fetched. */
  whenReady(): Promise<void>;
  /**
   * Graceful stop: no new connections, in-flight requests finish (up to `shutdownGraceMs`),
   * then the listeners close. Idempotent. The provider is left open.
   */
  close(): Promise<void>;
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

/**
 * Starts a container-credentials endpoint on node:http: the JSON that AWS SDKs read through
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI`, behind a constant-time authorization-token check, a
 * loopback-only `Host` check, and limits on request size, concurrency and idle connections; plus
 * `/healthz`, `/readyz` and `/metrics`. It starts fetching the first credentials at once. It never
 * answers 200 with an expired set: 503 with `Retry-After` and a JSON body saying what failed.
 *
 * @example
 * ```ts
 * const server = await createCredentialServer({
 *   provider: fromWebIdentityChain(),
 *   writeAuthTokenFile: "/var/run/irsa/auth-token",
 * });
 * // The app: AWS_CONTAINER_CREDENTIALS_FULL_URI=<server.url>,
 * // AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=/var/run/irsa/auth-token
 * await server.close();
 * ```
 */
export async function createCredentialServer(init: CredentialServerInit): Promise<CredentialServer> {
  const options = resolveServerOptions(init);
  const { provider, logger, now, host } = options;
  const auth = await resolveAuthToken(init, logger);
  const metrics = init.metrics ?? new CredentialServerMetrics();
  const readiness = new Readiness({
    provider,
    logger,
    now,
    random: init.random ?? Math.random,
    retryInitialMs: init.readinessRetryInitialMs ?? DEFAULT_READINESS_RETRY_INITIAL_MS,
    retryMaxMs: init.readinessRetryMaxMs ?? DEFAULT_READINESS_RETRY_MAX_MS,
    ...(init.schedule ? { schedule: init.schedule } : {}),
  });
  metrics.track({ provider, now, isReady: () => readiness.isReady() });

  let closing = false;
  const context: RouteContext = { options, isAuthorized: createAuthTokenCheck(auth.token), metrics, readiness, isClosing: () => closing };
  const routes = [createRequestHandler(context, "credentials"), createRequestHandler(context, "health")] as const;
  const listeners: Listener[] = [];
  try {
    listeners.push(await listen(options, host, options.port, routes[0].handler));
    if (options.healthPort !== undefined) listeners.push(await listen(options, options.healthHost, options.healthPort, routes[1].handler));
  } catch (error) {
    for (const listener of listeners) listener.server.close();
    throw error;
  }
  const [main, health] = listeners as [Listener, Listener | undefined];
  const url = `http://${urlHost(host)}:${main.port}${options.credentialsPath}`;
  const healthUrl = health ? `http://${urlHost(options.healthHost)}:${health.port}` : undefined;
  logger.info("listening", { url, ...(healthUrl ? { healthUrl } : {}) });
  readiness.kick();
  readiness.firstCredentials.then(
    () => logger.info("ready: first credentials in hand"),
    () => {},
  );

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= (async () => {
      closing = true;
      readiness.stop();
      logger.info("stopping: finishing requests in flight", { inFlight: routes[0].inFlight() + routes[1].inFlight() });
      await closeListeners(listeners, options.shutdownGraceMs, logger);
      logger.info("stopped");
    })();
    return closed;
  };

  const port = main.port;
  const result: CredentialServer & { toJSON(): object } = {
    url,
    host,
    port,
    ...(healthUrl ? { healthUrl } : {}),
    ...(auth.file ? { authTokenFile: auth.file } : {}),
    metrics,
    isReady: () => readiness.isReady(),
    whenReady: () => readiness.firstCredentials,
    close,
    /** What `JSON.stringify` shows: where the server is, nothing secret. */
    toJSON: () => ({ url, host, port, healthUrl, authTokenFile: auth.file }),
    authToken: auth.token,
  };
  // Not enumerable: the token stays out of JSON.stringify, inspect and spreads.
  return Object.defineProperty(result, "authToken", { enumerable: false });
}
