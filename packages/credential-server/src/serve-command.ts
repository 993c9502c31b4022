import { parseArgs } from "node:util";
import type { CredentialCacheEvent, Logger } from "@irsa/web-identity";
import { buildProvider } from "./build-provider.js";
import { PROVIDER_OPTIONS, UsageError, fileModeFlag, integerFlag, providerInitFromFlags } from "./cli-options.js";
import type { CliIo } from "./cli-io.js";
import { createCredentialServer } from "./credential-server.js";
import { createJsonLogger, isLogLevel } from "./json-logger.js";
import { CredentialServerMetrics } from "./metrics.js";
import { SERVE_USAGE } from "./usage.js";

const SERVE_OPTIONS = {
  ...PROVIDER_OPTIONS,
  host: { type: "string" },
  port: { type: "string" },
  path: { type: "string" },
  "auth-token-file": { type: "string" },
  "write-auth-token-file": { type: "string" },
  "auth-token-file-mode": { type: "string" },
  "allow-non-loopback": { type: "boolean" },
  "allow-host": { type: "string", multiple: true },
  "health-port": { type: "string" },
  "health-host": { type: "string" },
  "max-connections": { type: "string" },
  "max-concurrent-requests": { type: "string" },
  "shutdown-grace-seconds": { type: "string" },
} as const;

/** Structured lines for the engine's successful refreshes (its failures it logs itself). */
function logRefresh(logger: Required<Logger>, event: CredentialCacheEvent): void {
  if (event.type !== "refresh-succeeded") return;
  logger.info("credentials refreshed", {
    reason: event.reason,
    accessKeyId: event.accessKeyId,
    durationMs: event.durationMs,
    ...(event.expiration !== undefined ? { expiration: new Date(event.expiration).toISOString() } : {}),
    ...(event.nextRefreshAt !== undefined ? { nextRefreshAt: new Date(event.nextRefreshAt).toISOString() } : {}),
  });
}

/** `irsa-credentials serve`: runs until SIGTERM or SIGINT, then stops gracefully. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: SERVE_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  const level = values["log-level"] ?? "info";
  if (!isLogLevel(level)) throw new UsageError(`--log-level must be debug, info, warn or error; got "${level}".`);
  if (values["auth-token-file"] === undefined && values["write-auth-token-file"] === undefined) {
    throw new UsageError(
      "serve needs --write-auth-token-file PATH (generate a token and write it for the app) " +
        "or --auth-token-file PATH (use the token already in that file).",
    );
  }
  if (values["auth-token-file"] !== undefined && values["write-auth-token-file"] !== undefined) {
    throw new UsageError("Give --auth-token-file or --write-auth-token-file, not both.");
  }
  if (values["auth-token-file-mode"] !== undefined && values["write-auth-token-file"] === undefined) {
    throw new UsageError("--auth-token-file-mode applies to --write-auth-token-file only.");
  }
  const port = integerFlag("port", values.port, 0, 65_535);
  const healthPort = integerFlag("health-port", values["health-port"], 0, 65_535);
  const maxConnections = integerFlag("max-connections", values["max-connections"], 1, 1_000_000);
  const maxConcurrentRequests = integerFlag("max-concurrent-requests", values["max-concurrent-requests"], 1, 1_000_000);
  const graceSeconds = integerFlag("shutdown-grace-seconds", values["shutdown-grace-seconds"], 0, 3600);
  const fileMode = fileModeFlag("auth-token-file-mode", values["auth-token-file-mode"]);
  const providerInit = providerInitFromFlags(values);

  const logger = createJsonLogger({ level, write: io.stdout });
  const metrics = new CredentialServerMetrics();
  const provider = buildProvider({
    ...providerInit,
    logger,
    onEvent: (event) => {
      metrics.observeCacheEvent(event);
      logRefresh(logger, event);
    },
  });
  const stopSignal = io.waitForStopSignal();
  try {
    const server = await createCredentialServer({
      provider,
      logger,
      metrics,
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values.path !== undefined ? { path: values.path } : {}),
      ...(values["auth-token-file"] !== undefined ? { authTokenFile: values["auth-token-file"] } : {}),
      ...(values["write-auth-token-file"] !== undefined ? { writeAuthTokenFile: values["write-auth-token-file"] } : {}),
      ...(fileMode !== undefined ? { authTokenFileMode: fileMode } : {}),
      ...(values["allow-non-loopback"] ? { allowNonLoopback: true } : {}),
      ...(values["allow-host"] ? { allowedHosts: values["allow-host"] } : {}),
      ...(healthPort !== undefined ? { healthPort } : {}),
      ...(values["health-host"] !== undefined ? { healthHost: values["health-host"] } : {}),
      ...(maxConnections !== undefined ? { maxConnections } : {}),
      ...(maxConcurrentRequests !== undefined ? { maxConcurrentRequests } : {}),
      ...(graceSeconds !== undefined ? { shutdownGraceMs: graceSeconds * 1000 } : {}),
    });
    const signal = await stopSignal.promise;
    logger.info("signal received", { signal });
    await server.close();
    return 0;
  } finally {
    stopSignal.dispose();
    provider.close();
  }
}
