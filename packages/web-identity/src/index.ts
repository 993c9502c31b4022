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
