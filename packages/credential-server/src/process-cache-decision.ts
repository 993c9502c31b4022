import { DEFAULT_MANDATORY_WINDOW_MS, tieredAdvisoryWindowMs } from "@irsa/web-identity";
import type { ProcessCacheEntry } from "./process-cache-file.js";

/**
 * What a `process` run does with its cache entry, by the engine's windows (a process lives for
 * one call, so "refresh in the background" becomes "refresh now, keep the cached set on failure"):
 * - `serve`: before the advisory window (tiered by the set's lifetime: 15 min for 1-hour sets, so
 *   the AWS CLI's own 10-minute window is never reached), or during a backoff with a set still
 *   outside the mandatory window;
 * - `refresh-or-serve`: in the advisory window: refresh, and on failure serve the cached set;
 * - `refresh`: nothing cached, a set without expiration, or in the mandatory window or expired.
 */
export type ProcessCacheDecision = "serve" | "refresh-or-serve" | "refresh";

export function decideProcessCache(entry: ProcessCacheEntry | undefined, now: number): ProcessCacheDecision {
  if (entry?.credentials.Expiration === undefined) return "refresh";
  const expiration = Date.parse(entry.credentials.Expiration);
  const remaining = expiration - now;
  if (remaining <= DEFAULT_MANDATORY_WINDOW_MS) return "refresh";
  if (entry.backoffUntil !== undefined && now < entry.backoffUntil) return "serve";
  const advisory = tieredAdvisoryWindowMs(expiration - entry.receivedAt);
  return remaining > advisory ? "serve" : "refresh-or-serve";
}

/** Backoff after a failed refresh with a valid set: the engine's 300-600 s, never past the mandatory window. */
export function processCacheBackoffUntil(entry: ProcessCacheEntry, now: number, random: () => number): number {
  const drawn = now + 300_000 + random() * 300_000;
  const expiration = Date.parse(entry.credentials.Expiration ?? "");
  return Number.isNaN(expiration) ? drawn : Math.min(drawn, expiration - DEFAULT_MANDATORY_WINDOW_MS);
}
