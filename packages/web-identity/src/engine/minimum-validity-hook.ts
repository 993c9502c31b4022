// How `withMinimumValidity` reaches the engine behind a provider built on it: a non-enumerable
// property under a Symbol.for key, so providers from another copy of this package are found too.

import type { AwsCredentialIdentity } from "@smithy/types";

/** The property key on providers built on the refresh engine. */
export const MINIMUM_VALIDITY_HOOK = Symbol.for("irsa-credentials.minimum-validity.v1");

export interface MinimumValidityHook {
  /** A call that needs the set to stay valid `horizonMs` more. */
  get(identityProperties: Record<string, unknown> | undefined, horizonMs: number): Promise<AwsCredentialIdentity>;
  /** Adds a consumer's horizon to the engine's schedule; undefined for engines of older copies. */
  addHorizon: ((horizonMs: number) => () => void) | undefined;
  /** The longest life the configuration can give a set, when known at construction. */
  maxLifetimeMs: number | undefined;
}

/** The hook of `provider`, when it is built on the refresh engine. */
export function minimumValidityHookOf(provider: unknown): MinimumValidityHook | undefined {
  if (typeof provider !== "function") return undefined;
  const hook = (provider as unknown as Record<symbol, unknown>)[MINIMUM_VALIDITY_HOOK];
  return typeof hook === "object" && hook !== null ? (hook as MinimumValidityHook) : undefined;
}
