// A follower's set carries the refresh instant its group's leader drew, so every member of a
// group refreshes at the leader's instant instead of each at its own (which would make a
// follower ask again and again for the same set). The engine honours the hint when it is a
// usable instant for that set; the property is non-enumerable and left out of the served copy.

import type { AwsCredentialIdentity } from "@smithy/types";

const REFRESH_AT_HINT = Symbol.for("irsa-credentials.refresh-at-hint.v1");

/** `identity` with a refresh instant (epoch ms) the engine should use instead of drawing one. */
export function withRefreshAtHint<T extends AwsCredentialIdentity>(identity: T, refreshAt: number | undefined): T {
  if (refreshAt !== undefined) Object.defineProperty(identity, REFRESH_AT_HINT, { value: refreshAt, enumerable: false, configurable: true });
  return identity;
}

/**
 * The hinted refresh instant of `identity`, if it lies in `(now, latest]`; undefined otherwise
 * (a past instant would make the engine refresh at once, a later one would pass the mandatory window).
 */
export function refreshAtHintOf(identity: AwsCredentialIdentity, now: number, latest: number): number | undefined {
  const hint = (identity as { [REFRESH_AT_HINT]?: unknown })[REFRESH_AT_HINT];
  if (typeof hint !== "number" || !Number.isFinite(hint) || hint <= now || hint > latest) return undefined;
  return Math.ceil(hint);
}
