// The rules that bound the source (STS) call rate after a failure. Pure: the engine passes the
// previous hold, the failure, the cached set and the clock, and stores the hold returned.
//
//   backoff      recoverable, the cached set still valid: `failureBackoffMs` (300-600 s) while the
//                set has long to live; but the retry lands at the latest halfway to the instant the
//                set must be renewed by (its mandatory window, or a consumer's minimum validity),
//                and never sooner than the recovery step (1 s, doubling while failures repeat, at
//                most 30 s), so one STS error minutes before expiry is retried in the background
//                while the set is still served, never left to become a blocking refresh at expiry;
//   recovery     recoverable, the set expired or nothing cached: `recoveryBackoffMs` [first, cap],
//                doubling while failures repeat, each drawn in [half, full] (1 s first, 30 s cap
//                by default), so a pod is back within the cap once the source answers again;
//   error-cache  non-recoverable: `errorCacheMs` (1-5 s) at first, doubling while the same
//                failure repeats, up to `errorCacheMaxMs` (5 min), so a permanent error costs
//                at most one call a minute after the first minutes. Anything that could change
//                the answer clears it (refresh(), invalidate, a changed environment, a source's
//                own reset such as a rotated token).

import type { CachedSet, Hold, HoldRule } from "./decide.js";
import { drawDurationMs } from "./refresh-windows.js";

export interface HoldOptions {
  readonly failureBackoffMs: readonly [number, number];
  readonly recoveryBackoffMs: readonly [number, number];
  /** Undefined: the error cache is off. */
  readonly errorCacheMs: readonly [number, number] | undefined;
  readonly errorCacheMaxMs: number;
  readonly random: () => number;
}

export interface Failure {
  readonly error: unknown;
  readonly recoverable: boolean;
}

/** The hold after `failure` at `now`; undefined when no rule applies (error cache off). */
export function holdAfterFailure(
  previous: Hold | undefined,
  failure: Failure,
  cached: CachedSet | undefined,
  now: number,
  options: HoldOptions,
): Hold | undefined {
  const signature = failureSignature(failure.error);
  const rule: HoldRule = !failure.recoverable ? "error-cache" : cached !== undefined && now < cached.expiration ? "backoff" : "recovery";
  // Recovery grows while the source keeps failing recoverably, whatever the error; the error
  // cache only while the same failure repeats (a new error may mean someone changed something).
  const repeated = previous !== undefined && previous.rule === rule && (rule !== "error-cache" || previous.signature === signature);
  const streak = repeated ? previous.streak + 1 : 0;
  let durationMs: number;
  switch (rule) {
    case "backoff": {
      const drawn = drawDurationMs(options.failureBackoffMs, options.random);
      const latest = (cached!.renewBy - now) / 2;
      const beforeRenewal = drawn <= latest ? drawn : Math.max(latest, grown(options.recoveryBackoffMs[0], streak, options.recoveryBackoffMs[1], options.random));
      durationMs = Math.min(beforeRenewal, cached!.expiration - now);
      break;
    }
    case "recovery":
      durationMs = grown(options.recoveryBackoffMs[0], streak, options.recoveryBackoffMs[1], options.random);
      break;
    case "error-cache": {
      const range = options.errorCacheMs;
      if (range === undefined) return undefined;
      const factor = 2 ** Math.min(streak, 30);
      const max = options.errorCacheMaxMs;
      durationMs = drawDurationMs([Math.min(range[0] * factor, max / 2), Math.min(range[1] * factor, max)], options.random);
      break;
    }
  }
  return { rule, until: now + Math.ceil(durationMs), error: failure.error, streak, signature };
}

/** `first x 2^streak`, at most `cap`, drawn in [half, full] so a fleet does not retry in step. */
function grown(first: number, streak: number, cap: number, random: () => number): number {
  const full = Math.min(first * 2 ** Math.min(streak, 30), cap);
  return drawDurationMs([full / 2, full], random);
}

/** The error's name and code: what tells a repeated failure from a new one. */
export function failureSignature(error: unknown): string {
  if (typeof error !== "object" || error === null) return typeof error;
  const fields = error as { name?: unknown; code?: unknown; Code?: unknown };
  return [fields.name, fields.code, fields.Code].filter((part) => typeof part === "string").join("/");
}
