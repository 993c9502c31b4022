import type { CredentialCacheEvent, CredentialCacheOptions } from "./cache-types.js";
import { ConfigurationError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { SILENT_LOGGER } from "../shared/logger.js";

/** Default mandatory window: callers wait for a refresh in the last minute of a set. */
export const DEFAULT_MANDATORY_WINDOW_MS = 60_000;
/** Default spread of the refresh instant, as a share of (advisory - mandatory). */
export const DEFAULT_JITTER = 0.7;
/** Default backoff after a recoverable failure: 5 to 10 minutes. */
export const DEFAULT_FAILURE_BACKOFF_MS: readonly [number, number] = [300_000, 600_000];
/** Default time a non-recoverable error is served from cache: 1 to 5 seconds. */
export const DEFAULT_ERROR_CACHE_MS: readonly [number, number] = [1_000, 5_000];
/** Default: the proactive timer is on. */
export const DEFAULT_PROACTIVE = true;

/** The options with every default applied and every value checked. */
export interface ResolvedCacheOptions {
  /** Undefined: tiered by each set's lifetime. */
  readonly advisoryWindowMs: number | undefined;
  readonly mandatoryWindowMs: number;
  readonly jitter: number;
  readonly failureBackoffMs: readonly [number, number];
  /** Undefined: the error cache is off. */
  readonly errorCacheMs: readonly [number, number] | undefined;
  readonly proactive: boolean;
  readonly now: () => number;
  readonly random: () => number;
  readonly logger: Required<Logger>;
  readonly onEvent: ((event: CredentialCacheEvent) => void) | undefined;
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
  const proactive = options.proactive ?? DEFAULT_PROACTIVE;
  checkFunction("now", options.now);
  checkFunction("random", options.random);
  checkFunction("onEvent", options.onEvent);
  return {
    advisoryWindowMs,
    mandatoryWindowMs,
    jitter,
    failureBackoffMs: [failureBackoffMs[0], failureBackoffMs[1]],
    errorCacheMs: errorCache === 0 ? undefined : [errorCache[0], errorCache[1]],
    proactive: proactive !== false,
    // Read Date.now at call time, so fake clocks installed after construction still apply.
    now: options.now ?? (() => Date.now()),
    random: options.random ?? Math.random,
    logger: completeLogger(options.logger),
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

// A logger may implement only some levels (the SDK's own loggers do); fill the rest with no-ops.
function completeLogger(logger: Logger | undefined): Required<Logger> {
  if (logger === undefined) return SILENT_LOGGER;
  const bind = (level: keyof Logger) => (typeof logger[level] === "function" ? logger[level]!.bind(logger) : () => {});
  return { debug: bind("debug"), info: bind("info"), warn: bind("warn"), error: bind("error") };
}
