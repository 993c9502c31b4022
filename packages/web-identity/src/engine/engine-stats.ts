// What `stats` shows of one engine: its counters, and the instants of its cached set and hold.

import type { CredentialCacheStats } from "./cache-types.js";
import type { CachedSet, Hold } from "./decide.js";

/** The engine's counters, updated as it goes. */
export interface EngineCounters {
  sourceCalls: number;
  failures: number;
  blockedCalls: number;
  lastRefreshAt: number | undefined;
}

export function newCounters(): EngineCounters {
  return { sourceCalls: 0, failures: 0, blockedCalls: 0, lastRefreshAt: undefined };
}

/** The stats at `now`: the next refresh is the set's refresh instant, or the end of a backoff past it. */
export function statsOf(counters: EngineCounters, cached: CachedSet | undefined, hold: Hold | undefined, now: number): CredentialCacheStats {
  const backoffUntil = hold !== undefined && hold.rule !== "error-cache" && now < hold.until ? hold.until : undefined;
  const refreshAt = cached !== undefined && Number.isFinite(cached.refreshAt) ? cached.refreshAt : undefined;
  return {
    sourceCalls: counters.sourceCalls,
    failures: counters.failures,
    blockedCalls: counters.blockedCalls,
    lastRefreshAt: counters.lastRefreshAt,
    nextRefreshAt: refreshAt === undefined ? undefined : Math.max(refreshAt, backoffUntil ?? refreshAt),
    expiration: cached !== undefined && Number.isFinite(cached.expiration) ? cached.expiration : undefined,
    backoffUntil,
    accessKeyId: cached?.identity.accessKeyId,
  };
}
