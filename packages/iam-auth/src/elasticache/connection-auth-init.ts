// Options shared by the node-redis credentials provider and the ioredis re-authenticator.
import { optionalFunction, optionalInteger } from "../init-checks.js";
import { buildTokenGenerator, type ElastiCacheTokenGenerator, type ElastiCacheTokenInit } from "./elasticache-token.js";
import {
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_REAUTHENTICATE_INTERVAL_MS,
  MAX_REAUTHENTICATE_INTERVAL_MS,
} from "./reauthentication-schedule.js";

/** Options of the ElastiCache/MemoryDB connection helpers: the token's, plus when to re-authenticate. */
export interface ElastiCacheConnectionAuthInit extends ElastiCacheTokenInit {
  /** Re-authenticate every live connection at least this often, ms. Default 1 h; at most 11 h. */
  reauthenticateIntervalMs?: number;
  /** How often to check for a new credential set or a due re-authentication, ms. Default 60 s; 1 s to 10 min. */
  checkIntervalMs?: number;
  /** Told of a failed check or re-authentication (the error holds no token). Default: ignored, retried at the next check. */
  onError?: (error: Error) => void;
}

const EXTRA = ["reauthenticateIntervalMs", "checkIntervalMs", "onError"];

/** The parsed options: a token generator and the schedule's settings. */
export function parseConnectionAuthInit(init: ElastiCacheConnectionAuthInit, helper: string) {
  const tokens: ElastiCacheTokenGenerator = buildTokenGenerator(init, helper, EXTRA);
  try {
    return {
      tokens,
      reauthenticateIntervalMs: optionalInteger(helper, "reauthenticateIntervalMs", init.reauthenticateIntervalMs, { min: 60_000, max: MAX_REAUTHENTICATE_INTERVAL_MS, fallback: DEFAULT_REAUTHENTICATE_INTERVAL_MS, unit: "milliseconds" }),
      checkIntervalMs: optionalInteger(helper, "checkIntervalMs", init.checkIntervalMs, { min: 1_000, max: 10 * 60_000, fallback: DEFAULT_CHECK_INTERVAL_MS, unit: "milliseconds" }),
      onError: optionalFunction<(error: Error) => void>(helper, "onError", init.onError, "told of failed re-authentications") ?? (() => {}),
      now: init.now ?? (() => Date.now()),
    };
  } catch (error) {
    tokens.close();
    throw error;
  }
}

/** An error as an Error, for callbacks. */
export function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
