// The init types of `fromWebIdentity` and `fromWebIdentityChain`, and the AWS SDK options they
// share: types only, below the providers and `known-options.ts`, which all import them.
import type { Pluggable } from "@smithy/types";
import type { CredentialCacheOptions } from "../engine/cache-types.js";
import type { ContainerCredentialsInit } from "../sources/container/container-config.js";
import type { InstanceMetadataInit } from "../sources/imds/imds-source.js";
import type { WebIdentitySourceInit } from "../sources/web-identity/web-identity-source.js";
import type { ParentClientConfig } from "../sts/caller-client-config.js";
import type { RoleAssumerWithWebIdentity } from "../sts/role-assumer-client.js";
import type { ChainPrecedence } from "./sdk-order-chain.js";
import type { SharingOptions } from "../sharing/sharing-options.js";

/** A web identity token given by value, or a function returning the current one. */
export type WebIdentityTokenInput = string | (() => Promise<string> | string);

/** The options of the AWS SDK's `fromTokenFile` / `fromWebToken` that `fromWebIdentity` takes with the SDK's meaning. */
export interface SdkCompatibleOptions {
  /**
   * The token itself instead of `webIdentityTokenFile` (as the SDK's `fromWebToken`), or an
   * (async) function returning it, called before every STS call. Not with `webIdentityTokenFile`.
   */
  webIdentityToken?: WebIdentityTokenInput;
  /**
   * Called instead of STS with the `AssumeRoleWithWebIdentity` input, as in the SDK. It still runs
   * under this provider's token reading, retries and refresh engine. Not with `stsClient`,
   * `clientConfig`, `clientPlugins`, `parentClientConfig` or `roleChain` (they would be ignored).
   */
  roleAssumerWithWebIdentity?: RoleAssumerWithWebIdentity;
  /** Middleware plugins added to the STS client this provider builds (as the SDK's `clientPlugins`). */
  clientPlugins?: Pluggable<any, any>[];
  /**
   * Config of a "parent" client, as in the SDK: its `region`, `requestHandler` and `profile` count
   * as the calling client's, and win over the config a client passes with its calls.
   */
  parentClientConfig?: ParentClientConfig;
}

/**
 * Options of `fromWebIdentity`: the web-identity settings (each falls back to the environment
 * like the AWS SDK) and the refresh engine's options (`advisoryWindowMs`, `proactive`, `now`,
 * `logger`, `onEvent`, ...). All optional.
 */
export interface FromWebIdentityInit extends WebIdentitySourceInit, CredentialCacheOptions, SdkCompatibleOptions, SharingOptions {}

/** The sources a chain may fall back to after web identity. */
export type FallbackSourceName = "container" | "imds";

/** Options of `fromWebIdentityChain`: everything `fromWebIdentity` takes, plus the fallbacks'. */
export interface FromWebIdentityChainInit extends FromWebIdentityInit {
  /**
   * Sources tried after web identity, in this order. Default `["container", "imds"]`; `[]` means
   * web identity only; `["container"]` never touches IMDS.
   */
  fallbacks?: readonly FallbackSourceName[];
  /** Container credentials settings (ECS, EKS Pod Identity). Default: from the environment. */
  container?: ContainerCredentialsInit;
  /** IMDS settings (timeout, attempts, deadline). Default: from the environment. */
  imds?: InstanceMetadataInit;
  /**
   * `"sdk"` (default): environment keys, then the shared-config profile, then IRSA, as the AWS
   * SDK's `fromNodeProviderChain`, so adopting this chain never changes the identity.
   * `"irsa-first"`: IRSA before static keys and profiles. See `sdk-order-chain.ts`.
   */
  precedence?: ChainPrecedence;
}

