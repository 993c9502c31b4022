import {
  fromWebIdentity,
  type FromWebIdentityInit,
  type WebIdentityCredentialProvider,
  type WebIdentityProviderStats,
} from "@irsa/web-identity";
import { ProviderCredentials } from "./provider-credentials.js";

/**
 * Options of `new WebIdentityCredentials(init)`: exactly those of `fromWebIdentity` (each
 * web-identity setting falls back to the environment like the AWS SDK; the refresh engine's
 * options such as `advisoryWindowMs`, `proactive`, `now` and `onEvent` sit beside them).
 */
export type WebIdentityCredentialsInit = FromWebIdentityInit;

/**
 * IRSA credentials for aws-sdk v2: an `AWS.Credentials` over `fromWebIdentity(init)`. Use it as
 * `AWS.config.credentials`, as a client's `credentials`, or inside an
 * `AWS.CredentialProviderChain`. Give `credentials.provider` to AWS SDK v3 clients and they
 * share the same cache and the same STS call per refresh.
 *
 * Nothing is read at construction: configuration errors reach the first `get` callback.
 *
 * @example
 * AWS.config.credentials = new WebIdentityCredentials();
 */
export class WebIdentityCredentials extends ProviderCredentials<WebIdentityCredentialProvider> {
  constructor(init: WebIdentityCredentialsInit = {}) {
    super(fromWebIdentity(init));
  }

  /** The engine's counters (STS calls, failures, next refresh time); never a secret. */
  get stats(): WebIdentityProviderStats {
    return this.provider.stats;
  }

  /** Stops the proactive refresh timer. The credentials still answer afterwards. */
  close(): void {
    this.provider.close();
  }
}
