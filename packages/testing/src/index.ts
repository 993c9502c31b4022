/**
 * `@irsa/testing`: a local IRSA world for tests and demos. Real servers on 127.0.0.1 with random
 * ports: an OIDC issuer, a kubelet-style rotating token file, an STS emulator that verifies
 * tokens and SigV4 signatures, an IMDSv2 emulator, a container-credentials endpoint, and an
 * ElastiCache-like front with IAM-style authentication over a real redis-server.
 *
 * @packageDocumentation
 */
export {
  createOidcIssuer,
  serviceAccountSubject,
  DEFAULT_NAMESPACE,
  DEFAULT_SERVICE_ACCOUNT,
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_TTL_SECONDS,
  TOKEN_SIGNING_ALGORITHM,
} from "./oidc-issuer.js";
export type { KubernetesClaim, MintTokenOptions, OidcIssuer, OidcIssuerInit } from "./oidc-issuer.js";
export type { JsonWebKeySet, Jwk } from "./jwks-types.js";
export {
  KubeletTokenFile,
  DATA_DIR_LINK,
  DATA_DIR_TMP_LINK,
  KUBELET_REFRESH_FRACTION,
  TOKEN_FILE_NAME,
} from "./kubelet-token-file.js";
export type { KubeletTokenFileInit } from "./kubelet-token-file.js";
export { startLocalSts, DEFAULT_LOCAL_STS_REGION } from "./local-sts/local-sts.js";
export type {
  IssueCredentialsOptions,
  LocalSts,
  LocalStsActionStats,
  LocalStsInit,
  LocalStsRequest,
  StsAction,
} from "./local-sts/local-sts.js";
export { LocalStsHostile, DEFAULT_OVERSIZED_BYTES, MAX_OVERSIZED_BYTES } from "./local-sts/hostile.js";
export type { HostileBody, SlowDripOptions } from "./local-sts/hostile.js";
export { IssuedCredentials } from "./local-sts/issued-credentials.js";
export type { CredentialSource } from "./local-sts/issued-credentials.js";
export { StsError, STS_ERROR_STATUS } from "./local-sts/sts-error.js";
export type { StsErrorType } from "./local-sts/sts-error.js";
export { DEFAULT_MAX_SESSION_DURATION_SECONDS, matchesPattern } from "./local-sts/trust.js";
export type { LocalRole, TrustedIssuer, WebIdentityTrust } from "./local-sts/trust.js";
export {
  MAX_DURATION_SECONDS,
  MIN_DURATION_SECONDS,
  ROLE_CHAINING_MAX_SECONDS,
  STS_API_VERSION,
} from "./local-sts/request-params.js";
export { STS_XML_NAMESPACE } from "./local-sts/sts-xml.js";
export { FaultInjector, DEFAULT_HANG_MAX_MS, MAX_FAULT_DELAY_MS } from "./fault-injector.js";
export type { FailureFault, InjectedFault } from "./fault-injector.js";
export { startIrsaWorld, DEFAULT_WORLD_ROLE_ARN } from "./irsa-world.js";
export type { IrsaWorld, IrsaWorldEnv, IrsaWorldInit } from "./irsa-world.js";
export { startLocalImds, DEFAULT_IMDS_ROLE_ARN, DEFAULT_INSTANCE_ID, MAX_IMDS_TOKEN_TTL_SECONDS } from "./local-imds.js";
export type { ImdsAction, LocalImds, LocalImdsInit, LocalImdsRequest } from "./local-imds.js";
export { startLocalContainerEndpoint, DEFAULT_CONTAINER_ROLE_ARN } from "./local-container-endpoint.js";
export type {
  ContainerEndpointAction,
  LocalContainerEndpoint,
  LocalContainerEndpointInit,
  LocalContainerEndpointRequest,
} from "./local-container-endpoint.js";
export { DEFAULT_SERVED_CREDENTIALS_LIFETIME_SECONDS } from "./served-credentials.js";
export { seededRandom } from "./seeded-random.js";
export { ScriptedSource, credentialSet, recordingLogger, settle, track } from "./scripted-source.js";
export type { ScriptedCredentials } from "./scripted-source.js";
export { verifyPresignedRequest } from "./iam-auth/verify-presigned-request.js";
export type {
  IssuedCredentialsSource,
  PresignedRequestExpectation,
  VerifyPresignedRequestOptions,
} from "./iam-auth/verify-presigned-request.js";
export type { IamAuthAcceptance, IamAuthRefusal, IamAuthRefusalReason, IamAuthVerdict } from "./iam-auth/verdict.js";
export { MAX_PRESIGNED_EXPIRES_SECONDS } from "./iam-auth/presigned-request.js";
export { verifyRdsAuthToken, RDS_SIGNING_SERVICE } from "./iam-auth/rds-auth-token.js";
export type { VerifyRdsAuthTokenOptions } from "./iam-auth/rds-auth-token.js";
export { verifyElastiCacheAuthToken, SERVERLESS_CACHE_RESOURCE_TYPE } from "./iam-auth/elasticache-auth-token.js";
export type { VerifyElastiCacheAuthTokenOptions } from "./iam-auth/elasticache-auth-token.js";
export { verifyMskAuthToken, MSK_CONNECT_ACTION, MSK_SIGNING_SERVICE } from "./iam-auth/msk-auth-token.js";
export type { VerifyMskAuthTokenOptions } from "./iam-auth/msk-auth-token.js";
export { startLocalRdsPostgres, DEFAULT_RDS_TOKEN_HOSTNAME } from "./iam-auth/local-rds-postgres.js";
export type { LocalRdsPostgres, LocalRdsPostgresInit } from "./iam-auth/local-rds-postgres.js";
export type { PostgresEngine } from "./iam-auth/shared-pglite-engine.js";
export type { LoginRecord, LoginStats } from "./iam-auth/login-log.js";
export { startLocalRdsMysql, LOCAL_MYSQL_SERVER_VERSION } from "./iam-auth/local-rds-mysql.js";
export type { LocalRdsMysql, LocalRdsMysqlInit } from "./iam-auth/local-rds-mysql.js";
export type { LocalRdsEndpoint, LocalRdsEndpointInit } from "./iam-auth/local-rds-endpoint.js";
export type { LoginEndpointView } from "./iam-auth/login-log.js";
export { verifySignedRequest } from "./iam-auth/verify-signed-request.js";
export type { VerifySignedRequestOptions } from "./iam-auth/verify-signed-request.js";
export { startLocalOpenSearch, OPENSEARCH_SIGNING_SERVICES } from "./iam-auth/local-opensearch.js";
export type { LocalOpenSearch, LocalOpenSearchInit, LocalOpenSearchRequest } from "./iam-auth/local-opensearch.js";
export { LOCAL_OPENSEARCH_VERSION } from "./iam-auth/opensearch-documents.js";
export type { ReceivedRequest } from "./local-sts/sigv4-verifier.js";
export { startLocalMskBroker, MSK_SASL_MECHANISM } from "./iam-auth/local-msk-broker.js";
export type { LocalMskBroker, LocalMskBrokerInit } from "./iam-auth/local-msk-broker.js";
export {
  startLocalElastiCache,
  DEFAULT_AGE_CHECK_INTERVAL_MS,
  DEFAULT_MAX_AUTH_AGE_MS,
  MAX_RECORDED_REFUSALS,
} from "./elasticache/local-elasticache.js";
export type {
  LocalElastiCache,
  LocalElastiCacheInit,
  LocalElastiCacheRefusal,
  LocalElastiCacheStats,
} from "./elasticache/local-elasticache.js";
export type { LocalElastiCacheConnection } from "./elasticache/front-connection.js";
export { acceptPasswords, DEFAULT_TOKEN_CHECK_TIMEOUT_MS } from "./elasticache/token-check.js";
export type { TokenCheck, TokenCheckContext, TokenCheckResult } from "./elasticache/token-check.js";
export { LocalElastiCacheError } from "./elasticache/local-elasticache-error.js";
export type { LocalElastiCacheErrorCode } from "./elasticache/local-elasticache-error.js";
export {
  DEFAULT_REDIS_SERVER_PATH,
  DEFAULT_REDIS_START_TIMEOUT_MS,
  REDIS_SERVER_PATH_ENV,
} from "./elasticache/redis-server-process.js";
export {
  NOAUTH_MESSAGE,
  NOAUTH_HELLO_MESSAGE,
  WRONGPASS_MESSAGE,
} from "./elasticache/auth-commands.js";
