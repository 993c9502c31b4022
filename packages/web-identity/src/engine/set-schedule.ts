// The instants of one credential set, computed when it arrives (or when its consumers' largest
// minimum validity changes): its refresh instant, its mandatory window, and the instant by which
// a new set should have arrived in the background.

import { MINIMUM_VALIDITY_WINDOW_SHARE } from "./minimum-validity.js";
import { drawRefreshAt, tieredAdvisoryWindowMs, windowsForSet } from "./refresh-windows.js";

export interface SetSchedule {
  readonly refreshAt: number;
  readonly mandatoryAt: number;
  readonly renewBy: number;
}

export interface ScheduleOptions {
  readonly advisoryWindowMs: number | undefined;
  readonly mandatoryWindowMs: number;
  readonly jitter: number;
  readonly random: () => number;
}

/**
 * The schedule of a set expiring at `expiration`, received at `arrivedAt`. With a minimum
 * validity `horizonMs`, the set must be renewed by `expiration - horizonMs`, and the refresh
 * instant is drawn (with the same jitter) in a window before that instant, so consumers never
 * wait for the source because of their horizon.
 */
export function scheduleSet(expiration: number, arrivedAt: number, horizonMs: number, options: ScheduleOptions): SetSchedule {
  if (!Number.isFinite(expiration)) return { refreshAt: Infinity, mandatoryAt: Infinity, renewBy: Infinity };
  const lifetimeMs = expiration - arrivedAt;
  const windows = windowsForSet({ lifetimeMs, advisoryWindowMs: options.advisoryWindowMs, mandatoryWindowMs: options.mandatoryWindowMs });
  // Whole milliseconds, like the clock: stats and timers then land exactly on the instant.
  const refreshAt = Math.ceil(drawRefreshAt(expiration, windows, options.jitter, options.random));
  const mandatoryAt = expiration - windows.mandatoryMs;
  const usableMs = lifetimeMs - horizonMs;
  if (horizonMs <= 0 || usableMs <= 0) return { refreshAt, mandatoryAt, renewBy: mandatoryAt };
  const renewBy = Math.min(mandatoryAt, expiration - horizonMs);
  const advisoryMs = Math.min(options.advisoryWindowMs ?? tieredAdvisoryWindowMs(lifetimeMs), usableMs * MINIMUM_VALIDITY_WINDOW_SHARE);
  const horizonWindows = { advisoryMs, mandatoryMs: Math.min(windows.mandatoryMs, advisoryMs / 2) };
  const horizonRefreshAt = Math.ceil(drawRefreshAt(renewBy, horizonWindows, options.jitter, options.random));
  return { refreshAt: Math.min(refreshAt, horizonRefreshAt), mandatoryAt, renewBy };
}
