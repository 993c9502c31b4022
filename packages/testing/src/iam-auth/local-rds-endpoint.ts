// What the RDS-like database endpoints (Postgres, MySQL) have in common: how they are told which
// tokens to accept, and what they show of their logins.

import type { LoginEndpointView } from "./login-log.js";
import type { IssuedCredentialsSource } from "./verify-presigned-request.js";

/** Options shared by {@link startLocalRdsPostgres} and {@link startLocalRdsMysql}. */
export interface LocalRdsEndpointInit {
  /** The local STS whose issued sets sign valid tokens. */
  sts: IssuedCredentialsSource;
  /** The database's clock, epoch ms. Default: `Date.now`, read at each check. */
  now?: () => number;
  /** Host name the tokens must be signed for (what the client's signer was given). Default `"127.0.0.1"`. */
  hostname?: string;
  /** Signing region the tokens must name; any when absent. */
  region?: string;
  /** Database users granted IAM login (`rds_iam`); any other user is refused (`wrong-user`). Default: every user. */
  users?: readonly string[];
}

/** A running RDS-like database endpoint. */
export interface LocalRdsEndpoint extends LoginEndpointView {
  /** Always `"127.0.0.1"`: where clients connect. */
  readonly host: string;
  /** The port chosen by the kernel; tokens are signed for `hostname:port`. */
  readonly port: number;
  /** The host name tokens must be signed for. */
  readonly hostname: string;
  /** Stops listening and closes every connection. Idempotent. */
  close(): Promise<void>;
}
