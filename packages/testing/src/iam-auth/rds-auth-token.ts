import type { IamAuthVerdict } from "./verdict.js";
import { verifyPresignedRequest, type IssuedCredentialsSource } from "./verify-presigned-request.js";

/** Signing service of RDS / Aurora IAM database authentication. */
export const RDS_SIGNING_SERVICE = "rds-db";

/** What an RDS endpoint checks an IAM auth token against. */
export interface VerifyRdsAuthTokenOptions {
  /** The local STS whose issued sets sign valid tokens. */
  sts: IssuedCredentialsSource;
  /** Host name the token must be signed for (the endpoint's DNS name as the client dialed it). */
  hostname: string;
  /** Port the token must be signed for. */
  port: number;
  /** The database user logging in: the token's `DBUser`. */
  user: string;
  /** Signing region required; any when absent. */
  region?: string;
  /** The database's clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Checks an RDS IAM auth token (`host:port/?Action=connect&DBUser=user&X-Amz-...`, as made by
 * `@aws-sdk/rds-signer`'s `Signer.getAuthToken()`) like RDS: service `rds-db`, action `connect`,
 * `DBUser` = the login user, host:port = the endpoint, within the token's expiry and the signing
 * set's expiration.
 *
 * @example
 * ```ts
 * const token = await new Signer({ hostname: "db.local", port: 5432, username: "app", region: "us-east-1", credentials }).getAuthToken();
 * const verdict = await verifyRdsAuthToken(token, { sts, hostname: "db.local", port: 5432, user: "app" });
 * if (!verdict.ok) console.log(verdict.reason); // e.g. "credentials-expired"
 * ```
 */
export function verifyRdsAuthToken(token: string, options: VerifyRdsAuthTokenOptions): Promise<IamAuthVerdict> {
  return verifyPresignedRequest(
    token,
    {
      service: RDS_SIGNING_SERVICE,
      host: `${options.hostname}:${options.port}`,
      action: "connect",
      user: { param: "DBUser", value: options.user },
      ...(options.region !== undefined ? { region: options.region } : {}),
    },
    { sts: options.sts, ...(options.now ? { now: options.now } : {}) },
  );
}
