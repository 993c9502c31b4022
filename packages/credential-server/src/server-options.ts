import { guardedLogger, type CachedCredentialProvider, type Logger } from "@irsa/web-identity";
import { generateAuthToken, readAuthTokenFile, writeAuthTokenFile } from "./auth-token.js";
import type { CredentialServerInit } from "./credential-server.js";
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
