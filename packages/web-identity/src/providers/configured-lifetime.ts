// The longest life a provider's configuration can give a set, known at construction: what a
// consumer's minimum validity is checked against (withMinimumValidity). STS's default session is
// 1 hour; a role assumed through roleChain lives at most 1 hour whatever it asks.

import { MAX_CHAINED_DURATION_SECONDS } from "../sts/role-chain.js";

/** STS's session length when `DurationSeconds` is not sent. */
export const STS_DEFAULT_DURATION_SECONDS = 3_600;

interface LifetimeInputs {
  readonly durationSeconds?: unknown;
  readonly roleChain?: readonly { readonly durationSeconds?: unknown }[] | unknown;
}

/** Milliseconds, or undefined when the init does not say (a malformed value is refused later, where it is read). */
export function configuredLifetimeMs(init: LifetimeInputs): number | undefined {
  if (Array.isArray(init.roleChain) && init.roleChain.length > 0) {
    const last = init.roleChain[init.roleChain.length - 1] as { durationSeconds?: unknown } | undefined;
    const seconds = secondsOf(last?.durationSeconds) ?? STS_DEFAULT_DURATION_SECONDS;
    return Math.min(seconds, MAX_CHAINED_DURATION_SECONDS) * 1000;
  }
  if (init.durationSeconds === undefined) return STS_DEFAULT_DURATION_SECONDS * 1000;
  const seconds = secondsOf(init.durationSeconds);
  return seconds === undefined ? undefined : seconds * 1000;
}

function secondsOf(value: unknown): number | undefined {
  const seconds = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 ? seconds : undefined;
}
