import type { IamAuthVerdict } from "./verdict.js";
import { verifyPresignedRequest, type IssuedCredentialsSource } from "./verify-presigned-request.js";

/** Value of `ResourceType` in a token for an ElastiCache serverless cache. */
export const SERVERLESS_CACHE_RESOURCE_TYPE = "ServerlessCache";

/** What an ElastiCache or MemoryDB endpoint checks an IAM auth token against. */
export interface VerifyElastiCacheAuthTokenOptions {
  /** The local STS whose issued sets sign valid tokens. */
  sts: IssuedCredentialsSource;
  /** Replication group, serverless cache or MemoryDB cluster name, lower-case as AWS requires. */
  cacheName: string;
  /** The user id logging in: the token's `User`. */
  user: string;
  /** `elasticache` (default) or `memorydb`. */
  service?: "elasticache" | "memorydb";
  /** True for an ElastiCache serverless cache: the token must carry `ResourceType=ServerlessCache`. Default false. */
  serverless?: boolean;
  /** Signing region required; any when absent. */
  region?: string;
  /** The cache's clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Checks an ElastiCache / MemoryDB IAM auth token (`cachename/?Action=connect&User=userid&X-Amz-...`,
 * plus `ResourceType=ServerlessCache` for a serverless cache) like the service: the host is the
 * lower-case cache name, action `connect`, `User` = the login user, within the token's expiry and
 * the signing set's expiration.
 *
 * @example
 * ```ts
 * const verdict = await verifyElastiCacheAuthToken(token, { sts, cacheName: "my-cache", user: "app-user", serverless: true });
 * ```
 */
export function verifyElastiCacheAuthToken(token: string, options: VerifyElastiCacheAuthTokenOptions): Promise<IamAuthVerdict> {
  return verifyPresignedRequest(
    token,
    {
      service: options.service ?? "elasticache",
      host: options.cacheName,
      action: "connect",
      user: { param: "User", value: options.user },
      params: { ResourceType: options.serverless === true ? SERVERLESS_CACHE_RESOURCE_TYPE : null },
      ...(options.region !== undefined ? { region: options.region } : {}),
    },
    { sts: options.sts, ...(options.now ? { now: options.now } : {}) },
  );
}
