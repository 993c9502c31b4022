import { fromWebIdentity, type CachedCredentialProvider, type FromWebIdentityInit } from "@irsa/web-identity";

/**
 * The provider behind both commands: web identity with the refresh engine.
 * TODO(chain): switch to `fromWebIdentityChain` (web identity, then container credentials, then
 * IMDS) once `@irsa/web-identity` exports it; the options are the same.
 */
export function buildProvider(init: FromWebIdentityInit): CachedCredentialProvider {
  return fromWebIdentity(init);
}
