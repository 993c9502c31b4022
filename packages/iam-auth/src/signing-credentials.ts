// The credentials a helper signs with: the caller's provider wrapped with withMinimumValidity, so
// every set handed over lives at least as long as what is signed with it. Two lifetimes of wrapper:
// shared (stateless functions: reused per provider and horizon, never closed) and owned (a helper
// object that closes it in its close()). Both refuse an unmeetable horizon the same way.
import { ConfigurationError, fromWebIdentity, withMinimumValidity, type MinimumValidityProvider } from "@irsa/web-identity";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { IamAuthConfigurationError } from "./errors.js";

/** Extra life a set must have beyond the 15-minute token an ElastiCache/MemoryDB or MSK helper signs: clock differences and a slow login. */
export const SIGNING_MARGIN_MS = 5 * 60_000;

/** Who asks for a horizon, for the error when it can never be met. */
export interface HorizonAskedBy {
  /** The public function (`getSignedUrl`, `createMskOAuthBearerProvider`). */
  fn: string;
  /** The option the user changes to fix it (`expiresIn`, `credentials`). */
  option: string;
  /** What is signed, in words (`a 15-minute RDS token`). */
  what: string;
}

const sharedByProvider = new WeakMap<AwsCredentialIdentityProvider, Map<number, MinimumValidityProvider>>();

/**
 * The provider over `credentials` whose every set lives at least `horizonMs` more when handed
 * over, shared by every caller asking the same of the same provider and never closed: repeated
 * signings keep one registered horizon in the engine's schedule, and the WeakMap lets a provider
 * nobody references be collected with its wrappers. For stateless signers (getSignedUrl,
 * presignRequest, the RDS token provider).
 */
export function sharedSigningCredentials(credentials: AwsCredentialIdentityProvider, horizonMs: number, askedBy: HorizonAskedBy): MinimumValidityProvider {
  let wrappers = sharedByProvider.get(credentials);
  const known = wrappers?.get(horizonMs);
  if (known !== undefined) return known;
  const wrapper = minimumValidity(credentials, horizonMs, askedBy);
  if (wrappers === undefined) {
    wrappers = new Map();
    sharedByProvider.set(credentials, wrappers);
  }
  wrappers.set(horizonMs, wrapper);
  return wrapper;
}

/**
 * A fresh wrapper over `credentials` (checked: a function, or undefined for `fromWebIdentity()`)
 * whose sets live at least `tokenLifetimeMs + SIGNING_MARGIN_MS` more, owned by the caller: a
 * connection helper closes it in its own `close()`, giving the horizon back to the engine.
 */
export function ownedSigningCredentials(credentials: unknown, tokenLifetimeMs: number, askedBy: Omit<HorizonAskedBy, "option">): MinimumValidityProvider {
  if (credentials !== undefined && typeof credentials !== "function") {
    throw new IamAuthConfigurationError(`${askedBy.fn}: credentials must be a credential provider function (e.g. fromWebIdentity()).`, {
      code: "InvalidOption",
      option: "credentials",
    });
  }
  const provider = (credentials as AwsCredentialIdentityProvider | undefined) ?? fromWebIdentity();
  return minimumValidity(provider, tokenLifetimeMs + SIGNING_MARGIN_MS, { ...askedBy, option: "credentials" });
}

/**
 * `withMinimumValidity(credentials, horizonMs)`; a horizon the provider can never meet is an
 * {@link IamAuthConfigurationError} (code `HorizonUnmeetable`) saying which option asked for it
 * and carrying the engine's advice (`durationSeconds`, the role's maximum).
 */
function minimumValidity(credentials: AwsCredentialIdentityProvider, horizonMs: number, askedBy: HorizonAskedBy): MinimumValidityProvider {
  try {
    return withMinimumValidity(credentials, horizonMs);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new IamAuthConfigurationError(`${askedBy.fn}: ${askedBy.what} cannot be backed by these credentials. ${error.message}`, {
      code: "HorizonUnmeetable",
      option: askedBy.option,
      cause: error,
    });
  }
}
