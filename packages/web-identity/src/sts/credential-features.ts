import type { AwsCredentialIdentity } from "@smithy/types";

type FeatureModule = typeof import("@aws-sdk/core/client");
let featureModule: Promise<FeatureModule> | undefined;

/** The SDK's tagging helper, loaded on the first set: importing it costs about 40 ms at startup. */
function loadFeatureModule(): Promise<FeatureModule> {
  return (featureModule ??= import("@aws-sdk/core/client"));
}

/** Where a web-identity set came from, for its tags. */
export interface WebIdentityOrigin {
  /** Token file and role from AWS_WEB_IDENTITY_TOKEN_FILE / AWS_ROLE_ARN (`h`). */
  fromEnvironment: boolean;
  /** From a web-identity profile of the shared config files (`q`, as the SDK's fromIni). */
  fromProfile?: boolean;
  /** False when a caller's `roleAssumerWithWebIdentity` made it: `k` and `T` are the SDK's STS client's. */
  assumedBySts?: boolean;
}

/**
 * Tags a web-identity set the way the SDK's `fromTokenFile`, `fromIni` and its STS role assumer
 * do (`$source`), so a client's user agent shows the same `m/...` letters: `k` (assumed with web
 * identity), `T` (account id resolved), `h` (token file and role from the environment), `q`
 * (from a profile).
 */
export async function tagWebIdentityCredentials(credentials: AwsCredentialIdentity, origin: WebIdentityOrigin): Promise<AwsCredentialIdentity> {
  const { setCredentialFeature } = await loadFeatureModule();
  if (origin.assumedBySts !== false) {
    if (credentials.accountId !== undefined) setCredentialFeature(credentials, "RESOLVED_ACCOUNT_ID", "T");
    setCredentialFeature(credentials, "CREDENTIALS_STS_ASSUME_ROLE_WEB_ID", "k");
  }
  if (origin.fromEnvironment) setCredentialFeature(credentials, "CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN", "h");
  if (origin.fromProfile === true) setCredentialFeature(credentials, "CREDENTIALS_PROFILE_STS_WEB_ID_TOKEN", "q");
  return credentials;
}

/** A web-identity source whose sets are tagged; `origin` is asked per set. */
export function taggedSource<S extends () => Promise<AwsCredentialIdentity>>(source: S, origin: () => WebIdentityOrigin): () => Promise<AwsCredentialIdentity> {
  return async () => tagWebIdentityCredentials(await source(), origin());
}
