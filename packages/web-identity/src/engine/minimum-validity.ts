// A consumer's minimum validity (its "horizon"): how long a credential set must still be valid
// when it is handed over, because what the consumer signs with it (a presigned URL, an IAM auth
// token) dies when the set expires, whatever its own expiry says.

import { IrsaCredentialsError } from "../shared/errors.js";

/** The identity property that carries a call's minimum validity, in milliseconds. */
export const MINIMUM_VALIDITY_PROPERTY = "minimumValidityMs";

/** `AssumeRoleWithWebIdentity` never issues more than 12 hours. */
export const MAX_MINIMUM_VALIDITY_MS = 12 * 3_600_000;

/**
 * A set must serve a consumer at least this long after it arrives: a minimum validity above the
 * session's lifetime minus this is refused when the consumer is built.
 */
export const MINIMUM_VALIDITY_HEADROOM_MS = 5 * 60_000;

/**
 * With a minimum validity, the refresh instant is drawn in a window before the instant the set
 * must be renewed by; the window is at most this share of the set's life that consumers can use,
 * so a 30-minute validity on 1-hour sets costs about 2.1 STS calls an hour (the least possible is 2).
 */
export const MINIMUM_VALIDITY_WINDOW_SHARE = 0.1;

/**
 * A caller's `forceRefresh` reaches the source at most once per this interval: within it, a set
 * that arrived since is the answer. Many connections forcing at once, or a signer's guard on
 * every call, then stay within one STS call a minute.
 */
export const FORCED_REFRESH_MIN_INTERVAL_MS = 60_000;

/** A call's minimum validity from its identity properties: 0 when absent or not a number. */
export function minimumValidityOf(identityProperties: Record<string, unknown> | undefined): number {
  const value = identityProperties?.[MINIMUM_VALIDITY_PROPERTY];
  return typeof value === "number" && value > 0 ? value : 0;
}

/** The set the source returned cannot live as long as a consumer needs. Non-recoverable. */
export class MinimumValidityError extends IrsaCredentialsError {
  override name = "MinimumValidityError";
  readonly code = "MinimumValidityUnmet";
  constructor(message: string) {
    super(message, { recoverable: false });
  }
}

/** Whole minutes (or seconds) for messages. */
export function describeMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

/** The error for a set that arrived with `remainingMs` of life for a consumer that needs `minimumValidityMs`. */
export function shortSetError(remainingMs: number, minimumValidityMs: number, accessKeyId: string): MinimumValidityError {
  return new MinimumValidityError(
    `The credential set ${accessKeyId} is valid for ${describeMs(Math.max(0, remainingMs))} more, but this consumer needs ` +
      `${describeMs(minimumValidityMs)} (its minimum validity): the source hands out sets that live too short. ` +
      "Raise durationSeconds (up to the role's maximum session duration, at most 12 h; 1 h for a role assumed through roleChain) " +
      "or ask for a shorter validity.",
  );
}
