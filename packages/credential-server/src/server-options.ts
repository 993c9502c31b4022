import { guardedLogger, type CachedCredentialProvider, type Logger } from "@irsa/web-identity";
import { generateAuthToken, readAuthTokenFile, writeAuthTokenFile } from "./auth-token.js";
import {
  DEFAULT_AUTH_TOKEN_FILE_MODE,
  DEFAULT_CREDENTIALS_PATH,
  DEFAULT_HEADERS_TIMEOUT_MS,
  DEFAULT_HOST,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_MAX_HEADER_BYTES,
  DEFAULT_PORT,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SHUTDOWN_GRACE_MS,
} from "./defaults.js";
import { CredentialServerConfigError } from "./errors.js";
import { isLoopbackBindAddress } from "./loopback.js";
import type { CredentialServerMetrics } from "./metrics.js";
import type { ScheduleTimer } from "./readiness.js";

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
  /**
   * Connections open at once on a listener. At the limit, the oldest idle connection is closed to
   * admit a new one; a new connection is refused only when all are busy. Default 1024.
   */
  maxConnections?: number;
  /** Requests answered at once; more get 503 at once. Default 1024. */
  maxConcurrentRequests?: number;
  /** Largest request head in bytes; larger gets 431. Default 8 KiB. */
  maxHeaderBytes?: number;
  /** Time to receive a whole request. Default 10 s. */
  requestTimeoutMs?: number;
  /**
   * Time to receive a request head, enforced per connection by its own timer (not Node's 30 s
   * check cycle): a connection that is idle, or still sending its head, is closed after this,
   * also between keep-alive requests. Default 5 s (at most `requestTimeoutMs`).
   */
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

/** `CredentialServerInit` checked, with every default applied. */
export interface ServerOptions {
  provider: CachedCredentialProvider;
  logger: Required<Logger>;
  host: string;
  port: number;
  credentialsPath: string;
  healthHost: string;
  healthPort: number | undefined;
  allowedHosts: ReadonlySet<string>;
  maxConnections: number;
  maxConcurrentRequests: number;
  maxHeaderBytes: number;
  requestTimeoutMs: number;
  headersTimeoutMs: number;
  shutdownGraceMs: number;
  now: () => number;
}

const PROBE_PATHS = ["/healthz", "/readyz", "/metrics"];

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

/** Validates `init` (a clear `CredentialServerConfigError` naming the option) and fills defaults. */
export function resolveServerOptions(init: CredentialServerInit): ServerOptions {
  if (typeof init?.provider !== "function" || typeof init.provider.peek !== "function") {
    throw new CredentialServerConfigError(
      "provider must be a CachedCredentialProvider (from fromWebIdentity(), fromWebIdentityChain() or withCredentialCache()).",
    );
  }
  const logger = guardedLogger(init.logger);
  const host = init.host ?? DEFAULT_HOST;
  const credentialsPath = init.path ?? DEFAULT_CREDENTIALS_PATH;
  checkPort("port", init.port);
  checkPort("healthPort", init.healthPort);
  for (const name of ["maxConnections", "maxConcurrentRequests", "maxHeaderBytes", "requestTimeoutMs", "headersTimeoutMs"] as const) {
    checkPositive(name, init[name]);
  }
  const requestTimeoutMs = init.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const headersTimeoutMs = init.headersTimeoutMs ?? Math.min(DEFAULT_HEADERS_TIMEOUT_MS, requestTimeoutMs);
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new CredentialServerConfigError(`headersTimeoutMs (${headersTimeoutMs}) must not exceed requestTimeoutMs (${requestTimeoutMs}).`);
  }
  if (!credentialsPath.startsWith("/") || PROBE_PATHS.includes(credentialsPath)) {
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
  return {
    provider: init.provider,
    logger,
    host,
    port: init.port ?? DEFAULT_PORT,
    credentialsPath,
    healthHost: init.healthHost ?? "0.0.0.0",
    healthPort: init.healthPort,
    allowedHosts: new Set((init.allowedHosts ?? []).map((name) => name.toLowerCase())),
    maxConnections: init.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
    maxConcurrentRequests: init.maxConcurrentRequests ?? DEFAULT_MAX_CONCURRENT_REQUESTS,
    maxHeaderBytes: init.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES,
    requestTimeoutMs,
    headersTimeoutMs,
    shutdownGraceMs: init.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS,
    now: init.now ?? (() => Date.now()),
  };
}

/** The authorization token: given, read from a file, or generated (and maybe written). */
export async function resolveAuthToken(init: CredentialServerInit, logger: Required<Logger>): Promise<{ token: string; file?: string }> {
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
