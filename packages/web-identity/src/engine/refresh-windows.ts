// The arithmetic of the refresh engine: windows, the jittered refresh instant, and the draws of
// the failure backoff and the error cache. Pure functions of their arguments, so the engine, the
// benchmarks and the fleet simulation all compute the same instants.

const MINUTE_MS = 60_000;

/** Lifetime up to which a set gets the short advisory window (a 15-minute STS set, say). */
export const SHORT_LIFETIME_MAX_MS = 20 * MINUTE_MS;
/** Lifetime below which a set gets the medium advisory window (the 1-hour STS default). */
export const MEDIUM_LIFETIME_LIMIT_MS = 90 * MINUTE_MS;
/** Advisory window of a set living at most 20 minutes. */
export const SHORT_ADVISORY_WINDOW_MS = 5 * MINUTE_MS;
/** Advisory window of a set living more than 20 and less than 90 minutes. */
export const MEDIUM_ADVISORY_WINDOW_MS = 15 * MINUTE_MS;
/** Advisory window of a set living 90 minutes or more. */
export const LONG_ADVISORY_WINDOW_MS = 60 * MINUTE_MS;

/**
 * The advisory window may cover at most this share of a set's lifetime as received. The default
 * table never reaches it for sets living 6 min 40 s or more (every STS set); it only matters for
 * sources handing out very short sets, which would otherwise arrive inside their own windows and
 * be refreshed on every call.
 */
export const MAX_WINDOW_SHARE_OF_LIFETIME = 0.75;

/** The advisory window the tiered table gives a set of this lifetime. */
export function tieredAdvisoryWindowMs(lifetimeMs: number): number {
  if (lifetimeMs <= SHORT_LIFETIME_MAX_MS) return SHORT_ADVISORY_WINDOW_MS;
  if (lifetimeMs < MEDIUM_LIFETIME_LIMIT_MS) return MEDIUM_ADVISORY_WINDOW_MS;
  return LONG_ADVISORY_WINDOW_MS;
}

/** The two windows in force for one credential set, in milliseconds before its expiration. */
export interface SetWindows {
  readonly advisoryMs: number;
  readonly mandatoryMs: number;
}

/**
 * The windows of one set. The advisory window comes from the configuration or else the tiered
 * table; the mandatory window never exceeds it. When the advisory window would cover more than
 * `MAX_WINDOW_SHARE_OF_LIFETIME` of the lifetime, both windows shrink by the same factor, so
 * every set is served from cache for at least a quarter of its life.
 */
export function windowsForSet(input: {
  lifetimeMs: number;
  advisoryWindowMs: number | undefined;
  mandatoryWindowMs: number;
}): SetWindows {
  const advisory = input.advisoryWindowMs ?? tieredAdvisoryWindowMs(input.lifetimeMs);
  const mandatory = Math.min(input.mandatoryWindowMs, advisory);
  const cap = Math.max(0, input.lifetimeMs) * MAX_WINDOW_SHARE_OF_LIFETIME;
  const scale = advisory > cap ? cap / advisory : 1;
  return { advisoryMs: advisory * scale, mandatoryMs: mandatory * scale };
}

/**
 * The refresh instant of one set, drawn once: uniformly in
 * `[expiration - advisory, expiration - advisory + jitter x (advisory - mandatory)]`.
 * Never earlier than the advisory window, never inside the mandatory window.
 */
export function drawRefreshAt(expiration: number, windows: SetWindows, jitter: number, random: () => number): number {
  const opensAt = expiration - windows.advisoryMs;
  return opensAt + unit(random) * jitter * (windows.advisoryMs - windows.mandatoryMs);
}

/** A duration drawn uniformly in `[min, max]`: the failure backoff and the error cache. */
export function drawDurationMs(range: readonly [number, number], random: () => number): number {
  const [min, max] = range;
  return min + unit(random) * (max - min);
}

// A random source that strays outside [0, 1) must not move an instant outside its interval.
function unit(random: () => number): number {
  const value = random();
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 1) : 0;
}
