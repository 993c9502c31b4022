import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { CachedCredentialProvider, Logger } from "@irsa/web-identity";
import { SILENT_LOGGER } from "@irsa/web-identity";
import { createAuthTokenCheck, generateAuthToken, readAuthTokenFile, writeAuthTokenFile } from "./auth-token.js";
import {
  DEFAULT_AUTH_TOKEN_FILE_MODE,
  DEFAULT_CREDENTIALS_PATH,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_PORT,
  DEFAULT_READINESS_RETRY_INITIAL_MS,
  DEFAULT_READINESS_RETRY_MAX_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
} from "./defaults.js";
import { CredentialServerConfigError } from "./errors.js";
import { isAllowedHostHeader, isLoopbackBindAddress } from "./loopback.js";
import { CredentialServerMetrics, type RouteLabel } from "./metrics.js";
import { Readiness, type ScheduleTimer } from "./readiness.js";

/** Options of `createCredentialServer`. */
export interface CredentialServerInit {
  /**
   * Where credentials come from: any provider with the refresh engine's controls, such as
   * `fromWebIdentityChain()` or `withCredentialCache(source)`. Every request is answered from
   * it, so all the clients of a pod share its one cache. The server does not close it.
   */
  provider: CachedCredentialProvider;
  /** Address to bind. Default `"127.0.0.1"`. A non-loopback address needs `allowNonLoopback`. */
  host?: string;
  /** Port to bind. Default `0`: the system picks a free port (see `port` on the result). */
  port?: number;
  /** Path serving the credentials JSON. Default `"/v1/credentials"`. */
  path?: string;
  /** The authorization token clients must send, as is. Excludes the two file options. */
  authToken?: string;
  /**
   * Read the authorization token from this existing file (for example a mounted Kubernetes
   * Secret). It must hold the token alone, without a trailing newline.
   */
  authTokenFile?: string;
  /**
   * Generate a random token at start and write it to this file (atomically, mode
   * `authTokenFileMode`): point the app's `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` at it.
   * When no token option is given, a random token is generated and kept in memory only
   * (read it from `authToken` on the result).
   */
  writeAuthTokenFile?: string;
  /** Mode of the file written for `writeAuthTokenFile`. Default `0o640`. */
  authTokenFileMode?: number;
  /** Allow binding a non-loopback `host` (logged as a warning). Default `false`. */
  allowNonLoopback?: boolean;
  /**
   * Host names accepted in the `Host` header besides loopback names and addresses (localhost,
   * 127.0.0.0/8, ::1). Default none: any other name is refused with 403 (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /**
   * Port of a second listener that serves only `/healthz`, `/readyz` and `/metrics` (no
   * credentials, no `Host` check), for kubelet probes, which connect to the pod IP rather than
   * loopback. Default: none; the probes are then served by the credentials listener only.
   */
  healthPort?: number;
  /** Address of the health listener. Default `"0.0.0.0"`. */
  healthHost?: string;
  /** Connections open at once on a listener; more are dropped. Default 1024. */
  maxConnections?: number;
  /** Requests answered at once; more get 503 at once. Default 1024. */
  maxConcurrentRequests?: number;
  /** Largest request head in bytes; larger gets 431. Default 8 KiB. */
  maxHeaderBytes?: number;
  /** Time to receive a whole request. Default 10 s. */
  requestTimeoutMs?: number;
  /** Time to receive a request head. Default 5 s. */
  headersTimeoutMs?: number;
  /** At `close()`, time left to in-flight requests before their sockets are cut. Default 10 s. */
  shutdownGraceMs?: number;
  /** First retry delay of the start-up fetch (doubles up to the max). Default 1 s. */
  readinessRetryInitialMs?: number;
  /** Longest retry delay of the start-up fetch. Default 30 s. */
  readinessRetryMaxMs?: number;
  /** SDK-style logger; `createJsonLogger()` gives JSON lines. Default: silent. Never given a secret. */
  logger?: Logger;
  /** Metrics to update (share one with the provider's `onEvent`). Default: a new set. */
  metrics?: CredentialServerMetrics;
  /** Clock, epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Uniform random source in [0, 1), for retry jitter. Default `Math.random`. */
  random?: () => number;
  /** Timer seam for the start-up retries (tests). Default: an unref()ed `setTimeout`. */
  schedule?: ScheduleTimer;
}

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

type AwsCredentialIdentity = Awaited<ReturnType<CachedCredentialProvider>>;

type ListenerKind = "credentials" | "health";

const nowNs = () => process.hrtime.bigint();

function routeOf(pathname: string, credentialsPath: string): RouteLabel {
  if (pathname === credentialsPath) return "credentials";
  if (pathname === "/healthz") return "healthz";
  if (pathname === "/readyz") return "readyz";
  if (pathname === "/metrics") return "metrics";
  return "other";
}

function pathnameOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? "/", "http://localhost").pathname;
  } catch {
    return "";
  }
}

/** The container-credentials JSON the AWS SDKs read from `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
function containerCredentialsJson(credentials: AwsCredentialIdentity): string {
  return JSON.stringify({
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken,
    Expiration: credentials.expiration?.toISOString(),
    AccountId: credentials.accountId,
  });
}

function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

async function resolveAuthToken(
  init: CredentialServerInit,
  logger: Required<Logger>,
): Promise<{ token: string; file?: string }> {
  const given = [init.authToken, init.authTokenFile, init.writeAuthTokenFile].filter((option) => option !== undefined);
  if (given.length > 1) {
    throw new CredentialServerConfigError("Give at most one of authToken, authTokenFile and writeAuthTokenFile.");
  }
  if (init.authToken !== undefined) {
    if (!/^[\x21-\x7e]+$/.test(init.authToken)) {
      throw new CredentialServerConfigError("authToken must be non-empty printable ASCII without spaces.");
    }
    return { token: init.authToken };
  }
  if (init.authTokenFile !== undefined) {
    return { token: await readAuthTokenFile(init.authTokenFile), file: init.authTokenFile };
  }
  const token = generateAuthToken();
  if (init.writeAuthTokenFile !== undefined) {
    const mode = init.authTokenFileMode ?? DEFAULT_AUTH_TOKEN_FILE_MODE;
    await writeAuthTokenFile(init.writeAuthTokenFile, token, mode);
    logger.info("authorization token written", { file: init.writeAuthTokenFile, mode: `0${mode.toString(8)}` });
    return { token, file: init.writeAuthTokenFile };
  }
  return { token };
}

function checkPort(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 0 && value <= 65535)) {
    throw new CredentialServerConfigError(`${name} must be an integer from 0 to 65535; got ${value}.`);
  }
}

function checkPositive(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value > 0)) {
    throw new CredentialServerConfigError(`${name} must be a positive integer; got ${value}.`);
  }
}

/**
 * Starts a container-credentials endpoint on node:http: the JSON that AWS SDKs read through
 * `AWS_CONTAINER_CREDENTIALS_FULL_URI`, behind a constant-time authorization-token check, a
 * loopback-only `Host` check, and limits on request size and concurrency; plus `/healthz`,
 * `/readyz` and `/metrics`. It starts fetching the first credentials at once.
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
  if (typeof init?.provider !== "function" || typeof init.provider.peek !== "function") {
    throw new CredentialServerConfigError(
      "provider must be a CachedCredentialProvider (from fromWebIdentity(), fromWebIdentityChain() or withCredentialCache()).",
    );
  }
  const provider = init.provider;
  const logger: Required<Logger> = { ...SILENT_LOGGER, ...init.logger } as Required<Logger>;
  const host = init.host ?? DEFAULT_HOST;
  const credentialsPath = init.path ?? DEFAULT_CREDENTIALS_PATH;
  const now = init.now ?? Date.now;
  const maxConcurrentRequests = init.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS;
  const shutdownGraceMs = init.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  checkPort("port", init.port);
  checkPort("healthPort", init.healthPort);
  checkPositive("maxConnections", init.maxConnections);
  checkPositive("maxConcurrentRequests", init.maxConcurrentRequests);
  checkPositive("maxHeaderBytes", init.maxHeaderBytes);
  if (!credentialsPath.startsWith("/") || ["/healthz", "/readyz", "/metrics"].includes(credentialsPath)) {
    throw new CredentialServerConfigError(`path must start with "/" and not be /healthz, /readyz or /metrics; got ${credentialsPath}.`);
  }
  if (!isLoopbackBindAddress(host)) {
    if (!init.allowNonLoopback) {
      throw new CredentialServerConfigError(
        `Refusing to serve credentials on the non-loopback address ${host}: any host that reaches it could ask for them. ` +
          "Bind 127.0.0.1 (containers of a pod share it), or pass allowNonLoopback (--allow-non-loopback) if you mean it.",
      );
    }
    logger.warn("serving credentials on a non-loopback address: anything that can reach it and holds the token gets credentials", { host });
  }

  const auth = await resolveAuthToken(init, logger);
  const isAuthorized = createAuthTokenCheck(auth.token);
  const allowedHosts = new Set((init.allowedHosts ?? []).map((name) => name.toLowerCase()));
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

  let inFlight = 0;
  let closing = false;

  const send = (response: ServerResponse, status: number, body: string, contentType = "text/plain; charset=utf-8") => {
    if (response.headersSent || response.destroyed) return;
    response.statusCode = status;
    response.setHeader("Content-Type", contentType);
    response.setHeader("Content-Length", Buffer.byteLength(body));
    response.setHeader("Cache-Control", "no-store");
    // While stopping, each answer closes its connection, so keep-alive sockets drain.
    if (closing) response.setHeader("Connection", "close");
    response.end(body);
  };
  const sendJsonError = (response: ServerResponse, status: number, code: string, message: string) =>
    send(response, status, JSON.stringify({ Code: code, Message: message }), "application/json");

  const serveCredentials = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "GET") {
      response.setHeader("Allow", "GET");
      return sendJsonError(response, 405, "MethodNotAllowed", "Only GET is allowed.");
    }
    if (request.headers["content-length"] !== undefined && request.headers["content-length"] !== "0") {
      response.setHeader("Connection", "close");
      return sendJsonError(response, 413, "PayloadTooLarge", "A credentials request has no body.");
    }
    if (request.headers["transfer-encoding"] !== undefined) {
      response.setHeader("Connection", "close");
      return sendJsonError(response, 413, "PayloadTooLarge", "A credentials request has no body.");
    }
    if (!isAuthorized(request.headers.authorization)) {
      return sendJsonError(response, 401, "Unauthorized", "Unauthorized.");
    }
    let credentials: AwsCredentialIdentity;
    try {
      credentials = await provider();
    } catch (error) {
      logger.warn("credentials unavailable", error instanceof Error ? error : {});
      response.setHeader("Retry-After", "1");
      return sendJsonError(response, 503, "CredentialsUnavailable", "Credentials are not available yet; retry.");
    }
    send(response, 200, containerCredentialsJson(credentials), "application/json");
  };

  const serveProbe = async (route: RouteLabel, request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("Allow", "GET, HEAD");
      return send(response, 405, "method not allowed\n");
    }
    if (route === "healthz") return send(response, 200, "ok\n");
    if (route === "readyz") {
      if (readiness.isReady()) return send(response, 200, "ready\n");
      readiness.nudge();
      return send(response, 503, "not ready\n");
    }
    const { contentType, body } = await metrics.render();
    return send(response, 200, body, contentType);
  };

  const handler = (kind: ListenerKind) => (request: IncomingMessage, response: ServerResponse) => {
    const started = nowNs();
    const pathname = pathnameOf(request);
    let route = routeOf(pathname, credentialsPath);
    if (kind === "health" && route === "credentials") route = "other";
    inFlight += 1;
    metrics.requestStarted();
    response.once("close", () => {
      inFlight -= 1;
      const seconds = Number(nowNs() - started) / 1e9;
      metrics.requestFinished(route, response.statusCode, seconds);
      logger.debug("request", { method: request.method, path: pathname, status: response.statusCode, ms: Math.round(seconds * 1e4) / 10 });
    });
    if (route === "credentials") logger.debug("credentials request received");
    const answer = async () => {
      if (inFlight > maxConcurrentRequests) {
        response.setHeader("Retry-After", "1");
        return send(response, 503, "busy\n");
      }
      if (kind === "credentials" && !isAllowedHostHeader(request.headers.host, allowedHosts)) {
        return send(response, 403, "forbidden\n");
      }
      if (route === "credentials") return serveCredentials(request, response);
      if (route === "other") return send(response, 404, "not found\n");
      return serveProbe(route, request, response);
    };
    answer().catch((error: unknown) => {
      logger.error("request failed", error instanceof Error ? { errorName: error.name } : {});
      send(response, 500, "internal error\n");
    });
  };

  const listen = async (kind: ListenerKind, listenHost: string, listenPort: number): Promise<Server> => {
    const server = createServer(
      {
        maxHeaderSize: init.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
        requestTimeout: init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
        headersTimeout: init.headersTimeoutMs ?? DEFAULT_HEADERS_TIMEOUT_MS,
        noDelay: true,
      },
      handler(kind),
    );
    server.maxConnections = init.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    server.listen({ host: listenHost, port: listenPort });
    await Promise.race([
      once(server, "listening"),
      once(server, "error").then(([error]) => {
        throw new CredentialServerConfigError(`Cannot listen on ${listenHost}:${listenPort}: ${(error as Error).message}`, {
          cause: error,
        });
      }),
    ]);
    return server;
  };

  const servers: Server[] = [];
  try {
    servers.push(await listen("credentials", host, init.port ?? DEFAULT_PORT));
    if (init.healthPort !== undefined) servers.push(await listen("health", init.healthHost ?? "0.0.0.0", init.healthPort));
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
  const [main, health] = servers as [Server, Server | undefined];
  const port = (main.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}${credentialsPath}`;
  const healthUrl = health ? `http://${urlHost(init.healthHost ?? "0.0.0.0")}:${(health.address() as AddressInfo).port}` : undefined;
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
      logger.info("stopping: finishing requests in flight", { inFlight });
      const allClosed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      for (const server of servers) server.closeIdleConnections();
      const grace = setTimeout(() => {
        logger.warn("shutdown grace period over: closing remaining connections", { inFlight });
        for (const server of servers) server.closeAllConnections();
      }, shutdownGraceMs);
      grace.unref();
      await allClosed;
      clearTimeout(grace);
      logger.info("stopped");
    })();
    return closed;
  };

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
