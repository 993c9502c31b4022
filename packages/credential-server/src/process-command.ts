import { parseArgs } from "node:util";
import type { FromWebIdentityInit, Logger } from "@irsa/web-identity";
import { buildProvider } from "./build-provider.js";
import { PROVIDER_OPTIONS, UsageError, providerInitFromFlags } from "./cli-options.js";
import type { CliIo } from "./cli-io.js";
import { createJsonLogger, isLogLevel } from "./json-logger.js";
import { decideProcessCache, processCacheBackoffUntil } from "./process-cache-decision.js";
import {
  PROCESS_CACHE_FORMAT,
  defaultProcessCacheDir,
  processCacheKey,
  processCachePath,
  readProcessCache,
  writeProcessCache,
  type ProcessCredentials,
} from "./process-cache-file.js";
import { PROCESS_USAGE } from "./usage.js";

const PROCESS_OPTIONS = {
  ...PROVIDER_OPTIONS,
  "cache-dir": { type: "string" },
  "no-cache": { type: "boolean" },
} as const;

/** One fetch through the library's chain, as the `credential_process` JSON. */
async function fetchCredentials(init: FromWebIdentityInit, logger: Logger): Promise<ProcessCredentials> {
  const provider = buildProvider({ ...init, logger, proactive: false });
  try {
    const credentials = await provider();
    return {
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      ...(credentials.sessionToken !== undefined ? { SessionToken: credentials.sessionToken } : {}),
      ...(credentials.expiration !== undefined ? { Expiration: credentials.expiration.toISOString() } : {}),
      ...(credentials.accountId !== undefined ? { AccountId: credentials.accountId } : {}),
    };
  } finally {
    provider.close();
  }
}

/** What decides the credentials of a run: the flags, then the variables the library falls back to. */
function cacheKeyOf(init: FromWebIdentityInit, env: NodeJS.ProcessEnv): string {
  return processCacheKey({
    roleArn: init.roleArn ?? env.AWS_ROLE_ARN,
    webIdentityTokenFile: init.webIdentityTokenFile ?? env.AWS_WEB_IDENTITY_TOKEN_FILE,
    roleSessionName: init.roleSessionName ?? env.AWS_ROLE_SESSION_NAME,
    durationSeconds: init.durationSeconds,
    region: init.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
    stsEndpoint: env.AWS_ENDPOINT_URL_STS ?? env.AWS_ENDPOINT_URL,
    stsRegionalEndpoints: env.AWS_STS_REGIONAL_ENDPOINTS,
    containerFullUri: env.AWS_CONTAINER_CREDENTIALS_FULL_URI,
    containerRelativeUri: env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI,
    imdsDisabled: env.AWS_EC2_METADATA_DISABLED,
  });
}

/**
 * `irsa-credentials process`: the `credential_process` JSON on stdout, then exit. The AWS CLI runs
 * it for every command, so the set is cached in a file per configuration (mode 0600, written
 * atomically) and reused by the engine's windows (see `decideProcessCache`); `--no-cache` fetches
 * every time. Logs go to stderr so stdout carries the JSON alone.
 */
export async function processCommand(argv: string[], io: CliIo, now: () => number = () => Date.now()): Promise<number> {
  const { values } = parseArgs({ args: argv, options: PROCESS_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    io.stdout(PROCESS_USAGE);
    return 0;
  }
  const level = values["log-level"] ?? "warn";
  if (!isLogLevel(level)) throw new UsageError(`--log-level must be debug, info, warn or error; got "${level}".`);
  if (values["no-cache"] && values["cache-dir"] !== undefined) throw new UsageError("Give --cache-dir or --no-cache, not both.");
  if (values["cache-dir"] === "") throw new UsageError("--cache-dir needs a directory.");
  const init = providerInitFromFlags(values);
  const logger = createJsonLogger({ level, write: io.stderr });
  const print = (credentials: ProcessCredentials) => io.stdout(`${JSON.stringify(credentials)}\n`);

  if (values["no-cache"]) {
    print(await fetchCredentials(init, logger));
    return 0;
  }
  const dir = values["cache-dir"] ?? defaultProcessCacheDir();
  const key = cacheKeyOf(init, process.env);
  const file = processCachePath(dir, key);
  const { entry, ignored } = await readProcessCache(file, key);
  if (ignored !== undefined) logger.warn("cache file ignored; it will be replaced", { file, reason: ignored });
  const decision = decideProcessCache(entry, now());
  if (decision === "serve" && entry !== undefined) {
    logger.debug("credentials from the cache", { file, expiration: entry.credentials.Expiration });
    print(entry.credentials);
    return 0;
  }
  const save = (next: Parameters<typeof writeProcessCache>[2]) =>
    writeProcessCache(dir, file, next).catch((error: unknown) => {
      // A read-only or full disk costs the cache, never the answer.
      logger.warn("could not write the cache file", { file, errorName: error instanceof Error ? error.name : typeof error });
    });
  let credentials: ProcessCredentials;
  try {
    credentials = await fetchCredentials(init, logger);
  } catch (error) {
    if (decision !== "refresh-or-serve" || entry === undefined) throw error;
    const backoffUntil = processCacheBackoffUntil(entry, now(), Math.random);
    logger.warn("refresh failed; serving the cached credentials, still valid", {
      errorName: error instanceof Error ? error.name : typeof error,
      expiration: entry.credentials.Expiration,
      nextTryAt: new Date(backoffUntil).toISOString(),
    });
    await save({ ...entry, backoffUntil });
    print(entry.credentials);
    return 0;
  }
  await save({ format: PROCESS_CACHE_FORMAT, key, receivedAt: now(), credentials });
  print(credentials);
  return 0;
}
