import { ConfigurationError } from "../shared/errors.js";
import type { FromWebIdentityChainInit, FromWebIdentityInit } from "./provider-inits.js";
import type { StsRetryOptions } from "../sources/web-identity/web-identity-source.js";

/**
 * Every option `fromWebIdentity` reads. Typed against `FromWebIdentityInit`, so an option added to
 * the interface without being listed here fails to compile: an option can never be accepted at
 * runtime and ignored.
 */
export const FROM_WEB_IDENTITY_OPTIONS = {
  roleArn: true,
  webIdentityTokenFile: true,
  webIdentityToken: true,
  roleSessionName: true,
  durationSeconds: true,
  policy: true,
  policyArns: true,
  providerId: true,
  region: true,
  clientConfig: true,
  clientPlugins: true,
  parentClientConfig: true,
  stsClient: true,
  roleAssumerWithWebIdentity: true,
  roleChain: true,
  retry: true,
  logger: true,
  now: true,
  random: true,
  advisoryWindowMs: true,
  mandatoryWindowMs: true,
  jitter: true,
  failureBackoffMs: true,
  errorCacheMs: true,
  proactive: true,
  onEvent: true,
  recoveryBackoffMs: true,
  errorCacheMaxMs: true,
  refreshTimeoutMs: true,
  shared: true,
  shareAcrossThreads: true,
  shareAcrossProcesses: true,
} as const satisfies Record<keyof FromWebIdentityInit, true>;

export const RETRY_OPTIONS = {
  maxAttempts: true,
  attemptTimeoutMs: true,
  baseDelayMs: true,
  maxDelayMs: true,
  sleep: true,
} as const satisfies Record<keyof StsRetryOptions, true>;

/** Options of the SDK that we refuse on purpose, with what to use instead. */
const REFUSED: Readonly<Record<string, string>> = {
  "clientConfig.retryStrategy": "this provider retries STS itself: use `retry` (or `clientConfig.maxAttempts`)",
  "clientConfig.retryMode": "this provider retries STS itself: use `retry` (or `clientConfig.maxAttempts`)",
  "clientConfig.credentials": "AssumeRoleWithWebIdentity is unsigned; for signed hops use `roleChain`",
};

function describe(value: unknown): string {
  return value === null ? "null" : Array.isArray(value) ? "an array" : typeof value;
}

/**
 * Checks an `init` object at runtime (JavaScript callers too): an option we do not know is a
 * `ConfigurationError` naming it, never silently ignored.
 */
export function assertKnownOptions(init: unknown, known: Readonly<Record<string, true>>, entry: string, prefix = ""): void {
  if (init === undefined) return;
  if (typeof init !== "object" || init === null || Array.isArray(init)) {
    throw new ConfigurationError(`${entry}: the options must be an object (got ${describe(init)}).`);
  }
  const unknown = Object.keys(init).filter((name) => !Object.hasOwn(known, name) && (init as Record<string, unknown>)[name] !== undefined);
  if (unknown.length > 0) {
    const list = unknown.map((name) => `\`${prefix}${name}\``).join(", ");
    throw new ConfigurationError(
      `${entry}: unknown option${unknown.length === 1 ? "" : "s"} ${list}. Check the spelling; the options are ` +
        `${Object.keys(known).sort().join(", ")} (see the migration guide in the @irsa/web-identity README for the AWS SDK's).`,
    );
  }
}

/** `clientConfig` settings we refuse because they would be ignored, each with its fix. */
export function assertNoRefusedClientConfig(clientConfig: object | undefined, entry: string): void {
  if (clientConfig === undefined) return;
  for (const [name, fix] of Object.entries(REFUSED)) {
    const setting = name.slice("clientConfig.".length);
    if ((clientConfig as Record<string, unknown>)[setting] !== undefined) {
      throw new ConfigurationError(`${entry}: the option \`${name}\` is not supported: ${fix}.`);
    }
  }
}

/** Every option `fromWebIdentityChain` reads: `fromWebIdentity`'s and the fallbacks'. */
export const CHAIN_OPTIONS = {
  ...FROM_WEB_IDENTITY_OPTIONS,
  fallbacks: true,
  container: true,
  imds: true,
  precedence: true,
} as const satisfies Record<keyof FromWebIdentityChainInit, true>;
