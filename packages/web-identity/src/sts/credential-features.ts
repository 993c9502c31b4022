import type { AwsCredentialIdentity } from "@smithy/types";

type FeatureModule = typeof import("@aws-sdk/core/client");
let featureModule: Promise<FeatureModule> | undefined;

/** The SDK's tagging helper, loaded on the first set: importing it costs about 40 ms at startup. */
function loadFeatureModule(): Promise<FeatureModule> {
  return (featureModule ??= import("@aws-sdk/core/client"));
}

/**
 * Tags a web-identity set the way the SDK's `fromTokenFile` and its STS role assumer do
 * (`$source`), so a client's user agent shows the same `m/...` letters: `k` (assumed with web
 * identity), `T` (account id resolved), `h` (token file and role from the environment).
 */
export async function tagWebIdentityCredentials(credentials: AwsCredentialIdentity, fromEnvironment: boolean): Promise<AwsCredentialIdentity> {
  const { setCredentialFeature } = await loadFeatureModule();
  if (credentials.accountId !== undefined) setCredentialFeature(credentials, "RESOLVED_ACCOUNT_ID", "T");
  setCredentialFeature(credentials, "CREDENTIALS_STS_ASSUME_ROLE_WEB_ID", "k");
  if (fromEnvironment) setCredentialFeature(credentials, "CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN", "h");
  return credentials;
}

/** A web-identity source whose sets are tagged; `fromEnvironment` is asked per set. */
export function taggedSource<S extends () => Promise<AwsCredentialIdentity>>(source: S, fromEnvironment: () => boolean): () => Promise<AwsCredentialIdentity> {
  return async () => tagWebIdentityCredentials(await source(), fromEnvironment());
}
