// @irsa/iam-auth: the public exports only. Each consumer signs from the shared @irsa/web-identity
// engine with a minimum validity, so what it signs lives as long as it claims.
export { IamAuthConfigurationError, PeerDependencyError } from "./errors.js";
export type { IamAuthConfigurationCode } from "./errors.js";
export type { PeerLoader, PeerPackage } from "./peer-loader.js";
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
