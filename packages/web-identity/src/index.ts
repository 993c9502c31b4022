export { withCredentialCache } from "./engine/cached-provider.js";
export { withMinimumValidity } from "./engine/with-minimum-validity.js";
export type { MinimumValidityProvider } from "./engine/with-minimum-validity.js";
export {
  FORCED_REFRESH_MIN_INTERVAL_MS,
  MAX_MINIMUM_VALIDITY_MS,
  MINIMUM_VALIDITY_HEADROOM_MS,
  MINIMUM_VALIDITY_PROPERTY,
  MinimumValidityError,
} from "./engine/minimum-validity.js";
export { RefreshTimeoutError } from "./engine/refresh-timeout.js";
export { ENGINE_KEY_VARIABLES } from "./engine/configuration-key.js";
export { DIAGNOSTICS_CHANNELS } from "./engine/diagnostics-channels.js";
export type { DiagnosticsChannelName } from "./engine/diagnostics-channels.js";
export type {
  CachedCredentialProvider,
  CredentialCacheEvent,
  CredentialCacheOptions,
  CredentialCacheStats,
  RefreshReason,
} from "./engine/cache-types.js";
export {
  ConfigurationError,
  IrsaCredentialsError,
  NotConfiguredError,
  isRecoverable,
  markNonRecoverable,
} from "./shared/errors.js";
export type { ClassifiedError } from "./shared/errors.js";
export type { Logger } from "./shared/logger.js";
export { SILENT_LOGGER, guardedLogger } from "./shared/logger.js";
export {
  DEFAULT_ERROR_CACHE_MS,
  DEFAULT_FAILURE_BACKOFF_MS,
  DEFAULT_JITTER,
  DEFAULT_MANDATORY_WINDOW_MS,
  DEFAULT_PROACTIVE,
  DEFAULT_RECOVERY_BACKOFF_MS,
  DEFAULT_ERROR_CACHE_MAX_MS,
  DEFAULT_REFRESH_TIMEOUT_MS,
} from "./engine/cache-options.js";
export {
  LONG_ADVISORY_WINDOW_MS,
  MEDIUM_ADVISORY_WINDOW_MS,
  SHORT_ADVISORY_WINDOW_MS,
  tieredAdvisoryWindowMs,
} from "./engine/refresh-windows.js";
export { REDACTED, redactSecrets, redactedCredentials } from "./shared/redact.js";
export { fromWebIdentity } from "./providers/from-web-identity.js";
export type { WebIdentityCredentialProvider, WebIdentityProviderStats } from "./providers/from-web-identity.js";
export type { FallbackSourceName, FromWebIdentityChainInit, FromWebIdentityInit, SdkCompatibleOptions, WebIdentityTokenInput } from "./providers/provider-inits.js";
export { SHARE_DIR_VARIABLE } from "./sharing/sharing-options.js";
export type { SharingOptions } from "./sharing/sharing-options.js";
export type { SharingStats } from "./sharing/group-member.js";
export { SharedRefreshError } from "./sharing/sharing-error.js";
export { fromWebIdentityToken } from "./providers/from-web-identity-token.js";
export type { FromWebIdentityTokenInit } from "./providers/from-web-identity-token.js";
export type { ParentClientConfig, RoleAssumerWithWebIdentity } from "./providers/sdk-options.js";
export type { StsRetryOptions, WebIdentitySourceInit } from "./sources/web-identity/web-identity-source.js";
export {
  DEFAULT_STS_ATTEMPT_TIMEOUT_MS,
  DEFAULT_STS_MAX_ATTEMPTS,
  DEFAULT_STS_RETRY_BASE_DELAY_MS,
  DEFAULT_STS_RETRY_MAX_DELAY_MS,
} from "./sources/web-identity/web-identity-source.js";
export type { RegionSource } from "./sources/web-identity/config.js";
export { FALLBACK_REGION, MAX_DURATION_SECONDS, MIN_DURATION_SECONDS } from "./sources/web-identity/config.js";
export { MAX_TOKEN_FILE_BYTES } from "./sources/web-identity/token-file.js";
export { StsRequestError, TokenFileError } from "./shared/errors.js";
export type { StsFailureDetails, TokenClaims, TokenFileProblem } from "./shared/errors.js";
export { fromWebIdentityChain, DEFAULT_FALLBACKS } from "./providers/chain.js";
export type { ChainPrecedence } from "./providers/sdk-order-chain.js";
export type {
  WebIdentityChainProvider,
  WebIdentityChainProviderStats,
} from "./providers/chain.js";
export type { ContainerCredentialsInit } from "./sources/container/container-config.js";
export { DEFAULT_CONTAINER_MAX_ATTEMPTS, DEFAULT_CONTAINER_TIMEOUT_MS } from "./sources/container/container-config.js";
export type { InstanceMetadataInit } from "./sources/imds/imds-source.js";
export { DEFAULT_IMDS_NUM_ATTEMPTS, DEFAULT_IMDS_TIMEOUT_MS } from "./sources/imds/imds-source.js";
export type { RoleChainHop } from "./sts/role-chain.js";
export { MAX_CHAINED_DURATION_SECONDS } from "./sts/role-chain.js";
export { CredentialChainError, CredentialSourceError, RoleChainError } from "./shared/errors.js";
export type { ChainSourceName, ChainSourceReport, RoleChainFailureDetails } from "./shared/errors.js";
export {
  autoInvalidationPlugin,
  withAutoInvalidation,
  DEFAULT_AUTO_INVALIDATION_COOLDOWN_MS,
  DEFAULT_REJECTED_CREDENTIALS_CODES,
} from "./plugins/invalidate-on-rejection.js";
export type { AutoInvalidationInit, ClientWithMiddlewareStack, InvalidatableCredentialProvider } from "./plugins/invalidate-on-rejection.js";
