import {
  fromWebIdentity,
  type FromWebIdentityInit,
  type WebIdentityCredentialProvider,
  type WebIdentityProviderStats,
} from "@irsa/web-identity";
import AWS from "./aws.js";
import { ProviderCredentials } from "./provider-credentials.js";
import { fromV2StsConfig, refuseV2StsConfigInInit, type V2StsClientConfig } from "./v2-sts-config.js";

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
 * `clientConfig` is v2's STS client config, as `TokenFileWebIdentityCredentials(clientConfig)`
 * takes it (`endpoint`, `region`, `httpOptions`, `maxRetries`, `params`, ...): each setting is
 * mapped to its v3 equivalent or refused with a `ConfigurationError` naming it. Given in the first
 * argument instead (as v2's first argument), it is refused with the call to write. With no region
 * anywhere else, `AWS.config.region` counts as the calling client's, as v2's STS client inherits it.
 *
 * Nothing is read at construction: configuration errors in the environment reach the first `get` callback.
 *
 * @example
 * AWS.config.credentials = new WebIdentityCredentials({}, { endpoint: "https://vpce-123.sts.us-west-2.vpce.amazonaws.com" });
 */
export class WebIdentityCredentials extends ProviderCredentials<WebIdentityCredentialProvider> {
  constructor(init: WebIdentityCredentialsInit = {}, clientConfig?: V2StsClientConfig) {
    refuseV2StsConfigInInit(init);
    const mapped = fromV2StsConfig(clientConfig, init);
    if (v2WouldCallGlobalEndpoint(clientConfig)) {
      init.logger?.info?.(
        "@irsa/aws-sdk-v2: v2's TokenFileWebIdentityCredentials would call the global STS endpoint (sts.amazonaws.com) here; " +
          'this adapter calls the region\'s, as v3 does. Give `stsRegionalEndpoints: "regional"` to say so, or an `endpoint`.',
      );
    }
    const globalRegion = typeof AWS.config.region === "string" && AWS.config.region !== "" ? AWS.config.region : undefined;
    super(fromWebIdentity(globalRegion !== undefined && mapped.parentClientConfig === undefined && mapped.stsClient === undefined && mapped.roleAssumerWithWebIdentity === undefined
      ? { ...mapped, parentClientConfig: { region: globalRegion } }
      : mapped));
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

/** v2's default (`stsRegionalEndpoints: "legacy"`) sends STS calls to the global endpoint unless told otherwise. */
function v2WouldCallGlobalEndpoint(config: V2StsClientConfig | undefined): boolean {
  if (config?.endpoint !== undefined || config?.stsRegionalEndpoints !== undefined) return false;
  const fromEnv = (name: string) => (process.env[name] ?? "").trim();
  return fromEnv("AWS_STS_REGIONAL_ENDPOINTS") !== "regional" && fromEnv("AWS_ENDPOINT_URL_STS") === "" && fromEnv("AWS_ENDPOINT_URL") === "";
}
