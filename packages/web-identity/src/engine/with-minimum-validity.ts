// withMinimumValidity: a provider whose every set is still valid for at least a given time when
// it is handed over. Over a provider built on the refresh engine, the horizon joins the engine's
// schedule, so the set is renewed in the background before it falls below the horizon and no
// caller waits for the source because of it. Over any other provider, the set is checked and,
// when too short, asked for again once with `forceRefresh`.

import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { ConfigurationError } from "../shared/errors.js";
import { minimumValidityHookOf } from "./minimum-validity-hook.js";
import { MAX_MINIMUM_VALIDITY_MS, MINIMUM_VALIDITY_HEADROOM_MS, describeMs, shortSetError } from "./minimum-validity.js";

/** A provider whose sets live at least `minimumValidityMs` more when handed over. */
export interface MinimumValidityProvider extends AwsCredentialIdentityProvider {
  /** The minimum validity, ms. */
  readonly minimumValidityMs: number;
  /**
   * Gives the horizon back: the wrapped provider's engine stops renewing early for it. The
   * wrapped provider stays open; calls still work (and check the validity) afterwards.
   */
  close(): void;
}

const horizonsOfCollected = new FinalizationRegistry<() => void>((remove) => remove());

/**
 * Wraps `provider` so that every credential set it hands over is still valid for at least
 * `minimumValidityMs`: what a consumer signs with it (an S3 presigned URL, an RDS or ElastiCache
 * IAM token) then lives as long as it claims. Throws a `ConfigurationError` when the validity can
 * never be met (more than 12 h, or more than the provider's sets live minus 5 min, naming
 * `durationSeconds`); a set the source hands out too short is a `MinimumValidityError`.
 *
 * @example
 * ```ts
 * const credentials = fromWebIdentity();
 * const forUrls = withMinimumValidity(credentials, 30 * 60_000); // 30-minute presigned URLs
 * ```
 */
export function withMinimumValidity(provider: AwsCredentialIdentityProvider, minimumValidityMs: number): MinimumValidityProvider {
  if (typeof provider !== "function") {
    throw new ConfigurationError("withMinimumValidity(provider, minimumValidityMs) needs a credential provider function as its first argument.");
  }
  const hook = minimumValidityHookOf(provider);
  checkMinimumValidity(minimumValidityMs, hook?.maxLifetimeMs);
  const wrapped: (identityProperties?: Record<string, unknown>) => Promise<AwsCredentialIdentity> =
    hook?.addHorizon !== undefined
      ? (identityProperties) => hook.get(identityProperties, minimumValidityMs)
      : (identityProperties) => checkedCall(provider, identityProperties, minimumValidityMs);
  const remove = hook?.addHorizon?.(minimumValidityMs);
  let closed = false;
  Object.defineProperties(wrapped, {
    minimumValidityMs: { value: minimumValidityMs, enumerable: true },
    close: {
      value: () => {
        if (closed) return;
        closed = true;
        horizonsOfCollected.unregister(wrapped);
        remove?.();
      },
      enumerable: true,
    },
  });
  if (remove !== undefined) horizonsOfCollected.register(wrapped, remove, wrapped);
  return wrapped as MinimumValidityProvider;
}

/** Refuses a minimum validity that no set of this configuration can meet. */
export function checkMinimumValidity(minimumValidityMs: unknown, maxLifetimeMs: number | undefined): void {
  if (typeof minimumValidityMs !== "number" || !Number.isFinite(minimumValidityMs) || minimumValidityMs <= 0) {
    throw new ConfigurationError(`minimumValidityMs must be a number of milliseconds above 0 (got ${String(minimumValidityMs)}).`);
  }
  if (minimumValidityMs > MAX_MINIMUM_VALIDITY_MS) {
    throw new ConfigurationError(
      `A minimum validity of ${describeMs(minimumValidityMs)} can never be met: STS issues sets that live at most 12 h ` +
        "(durationSeconds at most 43200, and the role's maximum session duration at most 12 h). Ask for at most 12 h minus 5 min.",
    );
  }
  if (maxLifetimeMs !== undefined && minimumValidityMs > maxLifetimeMs - MINIMUM_VALIDITY_HEADROOM_MS) {
    const neededSeconds = Math.ceil((minimumValidityMs + MINIMUM_VALIDITY_HEADROOM_MS) / 1000);
    throw new ConfigurationError(
      `A minimum validity of ${describeMs(minimumValidityMs)} cannot be met by sets that live ${describeMs(maxLifetimeMs)} ` +
        `(durationSeconds ${Math.round(maxLifetimeMs / 1000)}): a set must serve its consumers at least 5 min after it arrives. ` +
        `Raise durationSeconds to at least ${neededSeconds} (the role's maximum session duration in IAM must allow it; ` +
        `a role assumed through roleChain lives at most 1 h), or ask for at most ${describeMs(Math.max(0, maxLifetimeMs - MINIMUM_VALIDITY_HEADROOM_MS))}.`,
    );
  }
}

/** Any other provider: the set is checked; when too short it is asked for again once with `forceRefresh`. */
async function checkedCall(
  provider: AwsCredentialIdentityProvider,
  identityProperties: Record<string, unknown> | undefined,
  minimumValidityMs: number,
): Promise<AwsCredentialIdentity> {
  const remaining = (set: AwsCredentialIdentity) => (set.expiration?.getTime() ?? Infinity) - Date.now();
  let set = await provider(identityProperties);
  if (remaining(set) >= minimumValidityMs) return set;
  set = await provider({ ...identityProperties, forceRefresh: true });
  if (remaining(set) >= minimumValidityMs) return set;
  throw shortSetError(remaining(set), minimumValidityMs, set.accessKeyId);
}
