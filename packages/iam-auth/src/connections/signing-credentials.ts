// The credentials a helper signs with: the caller's provider (default fromWebIdentity(), one
// shared engine per configuration per process), wrapped so every set handed over lives at least
// as long as what is signed with it, plus a margin.
import { fromWebIdentity, withMinimumValidity, type MinimumValidityProvider } from "@irsa/web-identity";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { IamAuthConfigurationError } from "../errors.js";

/** Extra life a set must have beyond the token it signs: clock differences and a slow login. */
export const SIGNING_MARGIN_MS = 5 * 60_000;

/** `withMinimumValidity(credentials ?? fromWebIdentity(), tokenLifetimeMs + SIGNING_MARGIN_MS)`. */
export function signingCredentials(helper: string, credentials: unknown, tokenLifetimeMs: number): MinimumValidityProvider {
  if (credentials !== undefined && typeof credentials !== "function") {
    throw new IamAuthConfigurationError(`${helper}: credentials must be a credential provider function (e.g. fromWebIdentity()).`, { code: "InvalidOption", option: "credentials" });
  }
  const provider = (credentials as AwsCredentialIdentityProvider | undefined) ?? fromWebIdentity();
  return withMinimumValidity(provider, tokenLifetimeMs + SIGNING_MARGIN_MS);
}
