export { withCredentialCache } from "./refresh-engine.js";
export type {
  CachedCredentialProvider,
  CredentialCacheEvent,
  CredentialCacheOptions,
  CredentialCacheStats,
  RefreshReason,
} from "./cache-types.js";
export {
  ConfigurationError,
  IrsaCredentialsError,
  NotConfiguredError,
  isRecoverable,
  markNonRecoverable,
} from "./errors.js";
export type { ClassifiedError } from "./errors.js";
export type { Logger } from "./logger.js";
export { SILENT_LOGGER } from "./logger.js";
export {
  DEFAULT_ERROR_CACHE_MS,
  DEFAULT_FAILURE_BACKOFF_MS,
  DEFAULT_JITTER,
  DEFAULT_MANDATORY_WINDOW_MS,
  DEFAULT_PROACTIVE,
} from "./cache-options.js";
export {
  LONG_ADVISORY_WINDOW_MS,
  MEDIUM_ADVISORY_WINDOW_MS,
  SHORT_ADVISORY_WINDOW_MS,
  tieredAdvisoryWindowMs,
} from "./refresh-windows.js";
export { REDACTED, redactSecrets, redactedCredentials } from "./redact.js";
export { fromWebIdentity } from "./from-web-identity.js";
export type { FromWebIdentityInit, WebIdentityCredentialProvider, WebIdentityProviderStats } from "./from-web-identity.js";
export type { StsRetryOptions, WebIdentitySourceInit } from "./web-identity-source.js";
export {
  DEFAULT_STS_ATTEMPT_TIMEOUT_MS,
  DEFAULT_STS_MAX_ATTEMPTS,
  DEFAULT_STS_RETRY_BASE_DELAY_MS,
  DEFAULT_STS_RETRY_MAX_DELAY_MS,
} from "./web-identity-source.js";
export type { RegionSource } from "./config.js";
export { FALLBACK_REGION, MAX_DURATION_SECONDS, MIN_DURATION_SECONDS } from "./config.js";
export { MAX_TOKEN_FILE_BYTES } from "./token-file.js";
export { StsRequestError, TokenFileError } from "./errors.js";
export type { StsFailureDetails, TokenClaims, TokenFileProblem } from "./errors.js";
export { fromWebIdentityChain, DEFAULT_FALLBACKS } from "./chain.js";
export type {
  FallbackSourceName,
  FromWebIdentityChainInit,
  WebIdentityChainProvider,
  WebIdentityChainProviderStats,
} from "./chain.js";
export type { ContainerCredentialsInit } from "./container-config.js";
export { DEFAULT_CONTAINER_MAX_ATTEMPTS, DEFAULT_CONTAINER_TIMEOUT_MS } from "./container-config.js";
export type { InstanceMetadataInit } from "./imds-source.js";
export { DEFAULT_IMDS_NUM_ATTEMPTS, DEFAULT_IMDS_TIMEOUT_MS } from "./imds-source.js";
export type { RoleChainHop } from "./role-chain.js";
export { MAX_CHAINED_DURATION_SECONDS } from "./role-chain.js";
export { CredentialChainError, CredentialSourceError, RoleChainError } from "./errors.js";
export type { ChainSourceName, ChainSourceReport, RoleChainFailureDetails } from "./errors.js";
export {
  autoInvalidationPlugin,
  withAutoInvalidation,
  DEFAULT_AUTO_INVALIDATION_COOLDOWN_MS,
  DEFAULT_REJECTED_CREDENTIALS_CODES,
} from "./invalidate-on-rejection.js";
export type { AutoInvalidationInit, ClientWithMiddlewareStack, InvalidatableCredentialProvider } from "./invalidate-on-rejection.js";
