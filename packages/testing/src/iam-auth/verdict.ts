/**
 * Why an IAM auth token or presigned request was refused. Stable codes, for tests to assert on:
 * - `malformed`: not a SigV4 query-signed request (a parameter missing, repeated or unreadable);
 * - `unknown-key`: the access key id was not issued by the local STS;
 * - `bad-session-token`: `X-Amz-Security-Token` missing or not the set's session token;
 * - `bad-signature`: the signature does not match the one recomputed with the set's secret;
 * - `not-yet-valid`: `X-Amz-Date` is more than the allowed skew in the future;
 * - `token-expired`: `X-Amz-Date` + `X-Amz-Expires` has passed;
 * - `credentials-expired`: the credential set that signed it has expired (whatever the token's own expiry says);
 * - `wrong-service`, `wrong-region`, `wrong-host`, `wrong-action`, `wrong-user`, `wrong-param`:
 *   signed for something other than what the service expects.
 */
export type IamAuthRefusalReason =
  | "malformed"
  | "unknown-key"
  | "bad-session-token"
  | "bad-signature"
  | "not-yet-valid"
  | "token-expired"
  | "credentials-expired"
  | "wrong-service"
  | "wrong-region"
  | "wrong-host"
  | "wrong-action"
  | "wrong-user"
  | "wrong-param";

/** A refused token. Holds no secret: `detail` names what was wrong, never a token or key. */
export interface IamAuthRefusal {
  /** Always false. */
  readonly ok: false;
  /** Stable reason code. */
  readonly reason: IamAuthRefusalReason;
  /** Human-readable detail without secrets. */
  readonly detail: string;
  /** The access key id named by the token, when it could be read. */
  readonly accessKeyId?: string;
}

/** An accepted token: who signed it and until when it is good. No secret. */
export interface IamAuthAcceptance {
  /** Always true. */
  readonly ok: true;
  /** The access key id that signed it (issued by the local STS). */
  readonly accessKeyId: string;
  /** Role of the signing set. */
  readonly roleArn: string;
  /** `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION` of the signing set. */
  readonly assumedRoleArn: string;
  /** Signing service of the credential scope. */
  readonly service: string;
  /** Signing region of the credential scope. */
  readonly region: string;
  /** The `X-Amz-Date` of the signature. */
  readonly signedAt: Date;
  /** `X-Amz-Date` + `X-Amz-Expires`: when the token's own validity ends. */
  readonly tokenExpiresAt: Date;
  /** When the signing set expires. */
  readonly credentialsExpireAt: Date;
  /** The earlier of the two: the token really dies then. */
  readonly validUntil: Date;
  /** The signed query parameters other than the `X-Amz-*` ones (Action, DBUser, User, ...). */
  readonly params: Readonly<Record<string, string>>;
}

/** The answer of a token check. */
export type IamAuthVerdict = IamAuthAcceptance | IamAuthRefusal;

/** Builds a refusal. */
export function refuse(reason: IamAuthRefusalReason, detail: string, accessKeyId?: string): IamAuthRefusal {
  return accessKeyId === undefined ? { ok: false, reason, detail } : { ok: false, reason, detail, accessKeyId };
}
