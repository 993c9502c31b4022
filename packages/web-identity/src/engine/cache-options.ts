import { clockOf } from "../shared/clock.js";
import type { CredentialCacheEvent, CredentialCacheOptions } from "./cache-types.js";
import { ConfigurationError } from "../shared/errors.js";
import { safeLogger, type Logger } from "../shared/logger.js";

/** Default mandatory window: callers wait for a refresh in the last minute of a set. */
export const DEFAULT_MANDATORY_WINDOW_MS = 60_000;
/** Default spread of the refresh instant, as a share of (advisory - mandatory). */
export const DEFAULT_JITTER = 0.7;
/** Default backoff after a recoverable failure: 5 to 10 minutes. */
export const DEFAULT_FAILURE_BACKOFF_MS: readonly [number, number] = [300_000, 600_000];
/** Default time a non-recoverable error is served from cache: 1 to 5 seconds. */
export const DEFAULT_ERROR_CACHE_MS: readonly [number, number] = [1_000, 5_000];
/** Default backoff with nothing valid cached: 1 s first, doubling, at most 30 s. */
export const DEFAULT_RECOVERY_BACKOFF_MS: readonly [number, number] = [1_000, 30_000];
/** Default longest error cache of a repeated non-recoverable error: 5 minutes. */
export const DEFAULT_ERROR_CACHE_MAX_MS = 300_000;
/** Default deadline of one refresh: 10 s. */
export const DEFAULT_REFRESH_TIMEOUT_MS = 10_000;
/** Default: the proactive timer is on. */
export const DEFAULT_PROACTIVE = true;

/** The options with every default applied and every value checked. */
export interface ResolvedCacheOptions {
  /** Undefined: tiered by each set's lifetime. */
  readonly advisoryWindowMs: number | undefined;
  readonly mandatoryWindowMs: number;
  readonly jitter: number;
  readonly failureBackoffMs: readonly [number, number];
  readonly recoveryBackoffMs: readonly [number, number];
  /** Undefined: the error cache is off. */
  readonly errorCacheMs: readonly [number, number] | undefined;
  readonly errorCacheMaxMs: number;
  readonly refreshTimeoutMs: number;
  readonly shared: boolean;
  readonly proactive: boolean;
  readonly now: () => number;
  readonly random: () => number;
  readonly logger: Required<Logger>;
  readonly onEvent: ((event: CredentialCacheEvent) => unknown) | undefined;
}

/** Applies the defaults and rejects a bad value with a message naming the option and the fix. */
export function resolveCacheOptions(options: CredentialCacheOptions = {}): ResolvedCacheOptions {
  const advisoryWindowMs = options.advisoryWindowMs;
  if (advisoryWindowMs !== undefined) checkDuration("advisoryWindowMs", advisoryWindowMs);
  const mandatoryWindowMs = options.mandatoryWindowMs ?? DEFAULT_MANDATORY_WINDOW_MS;
  checkDuration("mandatoryWindowMs", mandatoryWindowMs);
  if (advisoryWindowMs !== undefined && mandatoryWindowMs > advisoryWindowMs) {
    throw new ConfigurationError(
      `mandatoryWindowMs (${mandatoryWindowMs}) must not exceed advisoryWindowMs (${advisoryWindowMs}): ` +
        "callers wait in the mandatory window, which sits inside the advisory window.",
    );
  }
  const jitter = options.jitter ?? DEFAULT_JITTER;
  if (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1)) {
    throw new ConfigurationError(`jitter must be a number between 0 and 1 (got ${String(jitter)}).`);
  }
  const failureBackoffMs = options.failureBackoffMs ?? DEFAULT_FAILURE_BACKOFF_MS;
  checkRange("failureBackoffMs", failureBackoffMs);
  const errorCache = options.errorCacheMs ?? DEFAULT_ERROR_CACHE_MS;
  if (errorCache !== 0) checkRange("errorCacheMs", errorCache);
  const recoveryBackoffMs = options.recoveryBackoffMs ?? DEFAULT_RECOVERY_BACKOFF_MS;
  checkRange("recoveryBackoffMs", recoveryBackoffMs);
  if (recoveryBackoffMs[1] > 60_000) {
    throw new ConfigurationError(
      `recoveryBackoffMs cap (${recoveryBackoffMs[1]}) must be at most 60000: it bounds how long a pod stays without credentials after its source is back.`,
    );
  }
  const errorCacheMaxMs = options.errorCacheMaxMs ?? DEFAULT_ERROR_CACHE_MAX_MS;
  checkDuration("errorCacheMaxMs", errorCacheMaxMs);
  const refreshTimeoutMs = options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS;
  checkDuration("refreshTimeoutMs", refreshTimeoutMs);
  if (refreshTimeoutMs <= 0 || refreshTimeoutMs > 2_147_483_647) {
    throw new ConfigurationError(`refreshTimeoutMs must be above 0 and at most 2147483647 (a timer's limit; got ${refreshTimeoutMs}).`);
  }
  if (options.shared !== undefined && typeof options.shared !== "boolean") {
    throw new ConfigurationError(`shared must be true or false (got ${String(options.shared)}).`);
  }
  const proactive = options.proactive ?? DEFAULT_PROACTIVE;
  checkFunction("now", options.now);
  checkFunction("random", options.random);
  checkFunction("onEvent", options.onEvent);
  return {
    advisoryWindowMs,
    mandatoryWindowMs,
    jitter,
    failureBackoffMs: [failureBackoffMs[0], failureBackoffMs[1]],
    recoveryBackoffMs: [recoveryBackoffMs[0], recoveryBackoffMs[1]],
    errorCacheMs: errorCache === 0 ? undefined : [errorCache[0], errorCache[1]],
    errorCacheMaxMs: Math.max(errorCacheMaxMs, errorCache === 0 ? 0 : errorCache[1]),
    refreshTimeoutMs,
    shared: options.shared !== false,
    proactive: proactive !== false,
    // Read Date.now at call time, so fake clocks installed after construction still apply.
    now: clockOf(options.now),
    random: options.random ?? Math.random,
    logger: safeLogger(options.logger),
    onEvent: options.onEvent,
  };
}

function checkDuration(name: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a finite number of milliseconds >= 0 (got ${String(value)}).`);
  }
}

function checkRange(name: string, value: unknown): void {
  const valid =
    Array.isArray(value) &&
    value.length === 2 &&
    value.every((bound) => typeof bound === "number" && Number.isFinite(bound) && bound >= 0) &&
    (value[0] as number) <= (value[1] as number);
  if (!valid) {
    throw new ConfigurationError(
      `${name} must be [min, max] in milliseconds with 0 <= min <= max (got ${JSON.stringify(value)}).`,
    );
  }
}

function checkFunction(name: string, value: unknown): void {
  if (value !== undefined && typeof value !== "function") {
    throw new ConfigurationError(`${name} must be a function (got ${typeof value}).`);
  }
}
