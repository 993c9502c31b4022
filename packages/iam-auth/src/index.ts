// @irsa/iam-auth: the public exports only. Each consumer signs from the shared @irsa/web-identity
// engine with a minimum validity, so what it signs lives as long as it claims.
export {};

// ElastiCache / MemoryDB, MSK and OpenSearch connections (issue 22).
export { IamAuthOptionError, PeerClientMissingError } from "./connections/errors.js";
export type { IamAuthOptionErrorCode } from "./connections/errors.js";
export type { PeerLoader } from "./connections/load-peer.js";
export { SIGNING_MARGIN_MS } from "./connections/signing-credentials.js";
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
