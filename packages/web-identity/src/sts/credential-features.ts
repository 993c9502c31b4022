import { setCredentialFeature } from "@aws-sdk/core/client";
import type { AwsCredentialIdentity } from "@smithy/types";

/**
 * Tags a web-identity set the way the SDK's `fromTokenFile` and its STS role assumer do
 * (`$source`), so a client's user agent shows the same `m/...` letters: `k` (assumed with web
 * identity), `T` (account id resolved), `h` (token file and role from the environment).
 */
export function tagWebIdentityCredentials(credentials: AwsCredentialIdentity, fromEnvironment: boolean): AwsCredentialIdentity {
  if (credentials.accountId !== undefined) setCredentialFeature(credentials, "RESOLVED_ACCOUNT_ID", "T");
  setCredentialFeature(credentials, "CREDENTIALS_STS_ASSUME_ROLE_WEB_ID", "k");
  if (fromEnvironment) setCredentialFeature(credentials, "CREDENTIALS_ENV_VARS_STS_WEB_ID_TOKEN", "h");
  return credentials;
}

/** A web-identity source whose sets are tagged; `fromEnvironment` is asked per set. */
export function taggedSource<S extends () => Promise<AwsCredentialIdentity>>(source: S, fromEnvironment: () => boolean): () => Promise<AwsCredentialIdentity> {
  return async () => tagWebIdentityCredentials(await source(), fromEnvironment());
}
