// What the RDS-like database endpoints (Postgres, MySQL) have in common: how they are told which
// tokens to accept, how they check one, and what they show of their logins.

import { notGranted, type LoginEndpointView, type LoginLog } from "./login-log.js";
import { verifyRdsAuthToken } from "./rds-auth-token.js";
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

/** Where a login arrived: the endpoint's clock, and the host name and port tokens are signed for. */
export interface RdsLoginTarget {
  readonly now: () => number;
  readonly hostname: string;
  readonly port: number;
}

/**
 * Checks `user`'s login token as RDS does (the token, then the user's IAM grant) and records the
 * attempt in `log` (never the token); true when the login is accepted.
 */
export async function checkRdsLogin(init: LocalRdsEndpointInit, log: LoginLog, target: RdsLoginTarget, user: string, token: string): Promise<boolean> {
  const { now, hostname, port } = target;
  const verdict = await verifyRdsAuthToken(token, { sts: init.sts, now, hostname, port, user, ...(init.region !== undefined ? { region: init.region } : {}) });
  const keyId = "accessKeyId" in verdict && verdict.accessKeyId !== undefined ? { accessKeyId: verdict.accessKeyId } : {};
  const refusal = verdict.ok ? notGranted(user, init.users) : { reason: verdict.reason };
  log.add({ time: now(), user, accepted: refusal === undefined, ...refusal, ...keyId });
  return refusal === undefined;
}
