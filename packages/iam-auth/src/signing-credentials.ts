// One minimum-validity wrapper per (provider, horizon): repeated signings with the same horizon
// reuse it, so the engine keeps one registered horizon in its schedule and nothing leaks. The
// WeakMap lets a provider nobody references be collected with its wrappers.
import { ConfigurationError, withMinimumValidity, type MinimumValidityProvider } from "@irsa/web-identity";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { IamAuthConfigurationError } from "./errors.js";

const wrappersByProvider = new WeakMap<AwsCredentialIdentityProvider, Map<number, MinimumValidityProvider>>();

/**
 * The provider over `credentials` whose every set lives at least `horizonMs` more when handed
 * over, shared by every caller asking the same of the same provider. A horizon the provider can
 * never meet is an {@link IamAuthConfigurationError} (code `HorizonUnmeetable`) that says which
 * option asked for it and carries the engine's advice (`durationSeconds`, the role's maximum).
 */
export function signingCredentials(
  credentials: AwsCredentialIdentityProvider,
  horizonMs: number,
  askedBy: { fn: string; option: string; what: string },
): MinimumValidityProvider {
  let wrappers = wrappersByProvider.get(credentials);
  const known = wrappers?.get(horizonMs);
  if (known !== undefined) return known;
  let wrapper: MinimumValidityProvider;
  try {
    wrapper = withMinimumValidity(credentials, horizonMs);
  } catch (error) {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new IamAuthConfigurationError(`${askedBy.fn}: ${askedBy.what} cannot be backed by these credentials. ${error.message}`, {
      code: "HorizonUnmeetable",
      option: askedBy.option,
      cause: error,
    });
  }
  if (wrappers === undefined) {
    wrappers = new Map();
    wrappersByProvider.set(credentials, wrappers);
  }
  wrappers.set(horizonMs, wrapper);
  return wrapper;
}
