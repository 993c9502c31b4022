// @irsa/iam-auth: the public exports only. Each consumer signs from the shared @irsa/web-identity
// engine with a minimum validity, so what it signs lives as long as it claims.
export { IamAuthConfigurationError, PeerDependencyError } from "./errors.js";
export type { IamAuthConfigurationCode } from "./errors.js";
export type { PeerLoader } from "./peer-loader.js";
export {
  getSignedUrl,
  DEFAULT_PRESIGNED_EXPIRES_IN_SECONDS,
  MAX_PRESIGNED_EXPIRES_IN_SECONDS,
  PRESIGN_MARGIN_MS,
} from "./get-signed-url.js";
export type { GetSignedUrlOptions, PresignableClient } from "./get-signed-url.js";
export { presignRequest } from "./presign-request.js";
export type { PresignRequestOptions } from "./presign-request.js";
export {
  createRdsAuthTokenProvider,
  RDS_AUTH_TOKEN_LIFETIME_MS,
  RDS_SIGNING_MARGIN_MS,
  DEFAULT_MINIMUM_TOKEN_LIFE_MS,
} from "./rds-auth-token-provider.js";
export type { RdsAuthTokenProvider, RdsAuthTokenProviderInit, RdsAuthTokenStats } from "./rds-auth-token-provider.js";
export type { RdsTokenSource } from "./token-source.js";
export { createPgPassword } from "./pg-password.js";
export { createPostgresPassword } from "./postgres-password.js";
export { createMysql2AuthPlugins } from "./mysql2-auth-plugins.js";
export type { Mysql2AuthPlugin, Mysql2AuthPlugins } from "./mysql2-auth-plugins.js";
export { authTokenExpiresAt } from "./auth-token-expiry.js";

// ElastiCache / MemoryDB, MSK and OpenSearch connections (issue 22).
export { SIGNING_MARGIN_MS } from "./signing-credentials.js";
export {
  createElastiCacheTokenGenerator,
  DEFAULT_TOKEN_REUSE_MARGIN_MS,
  ELASTICACHE_TOKEN_EXPIRES_SECONDS,
} from "./elasticache/elasticache-token.js";
export type { ElastiCacheTokenGenerator, ElastiCacheTokenInit } from "./elasticache/elasticache-token.js";
export type { ElastiCacheConnectionAuthInit } from "./elasticache/connection-auth-init.js";
export {
  DEFAULT_CHECK_INTERVAL_MS,
  DEFAULT_REAUTHENTICATE_INTERVAL_MS,
  MAX_REAUTHENTICATE_INTERVAL_MS,
} from "./elasticache/reauthentication-schedule.js";
export { createRedisCredentialsProvider } from "./elasticache/redis-credentials-provider.js";
export type { RedisBasicAuth, RedisCredentialsListener, RedisIamCredentialsProvider } from "./elasticache/redis-credentials-provider.js";
export { createIoredisIamAuth } from "./elasticache/ioredis-iam-auth.js";
export type { IoredisClusterLike, IoredisConnectionLike, IoredisIamAuth } from "./elasticache/ioredis-iam-auth.js";
export { createMskOAuthBearerProvider, MSK_SIGNER_PACKAGE, MSK_TOKEN_EXPIRES_SECONDS } from "./msk/msk-oauth-bearer-provider.js";
export type { MskOAuthBearerInit, MskOAuthBearerProvider, MskOAuthBearerToken } from "./msk/msk-oauth-bearer-provider.js";
export { createOpenSearchCredentials, createOpenSearchSigner, OPENSEARCH_CLIENT_PACKAGE } from "./opensearch/opensearch-credentials.js";
export type { OpenSearchCredentialsInit, OpenSearchSignerInit } from "./opensearch/opensearch-credentials.js";
