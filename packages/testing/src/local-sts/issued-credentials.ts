import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { inspect } from "node:util";
import { assumedRoleArn, type RoleArnParts } from "./arn.js";

/** How a set of credentials came to be. `direct` = minted for a test or the local IMDS. */
export type CredentialSource = "AssumeRoleWithWebIdentity" | "AssumeRole" | "direct";

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

function randomFrom(alphabet: string, length: number): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

/** A temporary access key id: `ASIA` + 16 base32 characters, like STS's. */
export function newAccessKeyId(): string {
  return `ASIA${randomFrom(BASE32, 16)}`;
}

/** Role unique id (`AROA` + 17 characters), stable per role ARN as in IAM. */
export function roleUniqueId(roleArn: string): string {
  const digest = createHash("sha256").update(roleArn).digest();
  let out = "";
  for (let i = 0; i < 17; i += 1) out += BASE32[digest[i]! % 32];
  return `AROA${out}`;
}

/**
 * One set of credentials the local STS has issued. The secret parts never show in
 * `JSON.stringify` or `util.inspect`.
 */
export class IssuedCredentials {
  /** `ASIA...` access key id. */
  readonly accessKeyId: string;
  /** 40-character secret. */
  readonly secretAccessKey: string;
  /** Session token the client must send as `X-Amz-Security-Token`. */
  readonly sessionToken: string;
  /** When the set expires (compared with `Date.now()`). Mutable through `LocalSts.expireCredentials`. */
  expiration: Date;
  /** When it was issued. */
  readonly issuedAt: Date;
  /** The role these credentials act as. */
  readonly roleArn: string;
  /** 12-digit account of the role. */
  readonly accountId: string;
  /** `RoleSessionName` of the session. */
  readonly sessionName: string;
  /** `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
  readonly assumedRoleArn: string;
  /** `AROA...:SESSION`. */
  readonly assumedRoleId: string;
  /** The call that issued them. */
  readonly source: CredentialSource;

  constructor(init: {
    role: RoleArnParts;
    roleArn: string;
    sessionName: string;
    lifetimeSeconds: number;
    source: CredentialSource;
    nowMs: number;
  }) {
    this.accessKeyId = newAccessKeyId();
    this.secretAccessKey = randomFrom(SECRET_ALPHABET, 40);
    this.sessionToken = randomBytes(360).toString("base64");
    this.issuedAt = new Date(init.nowMs);
    this.expiration = new Date(init.nowMs + init.lifetimeSeconds * 1000);
    this.roleArn = init.roleArn;
    this.accountId = init.role.accountId;
    this.sessionName = init.sessionName;
    this.assumedRoleArn = assumedRoleArn(init.role, init.sessionName);
    this.assumedRoleId = `${roleUniqueId(init.roleArn)}:${init.sessionName}`;
    this.source = init.source;
  }

  /** True when `Date.now()` (or `nowMs`) is at or past the expiration. */
  isExpired(nowMs: number = Date.now()): boolean {
    return nowMs >= this.expiration.getTime();
  }

  /** Constant-time comparison with a presented session token. */
  sessionTokenMatches(presented: string): boolean {
    const a = Buffer.from(presented);
    const b = Buffer.from(this.sessionToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** The non-secret view. */
  toJSON(): Record<string, unknown> {
    return {
      accessKeyId: this.accessKeyId,
      secretAccessKey: "[redacted]",
      sessionToken: "[redacted]",
      expiration: this.expiration.toISOString(),
      roleArn: this.roleArn,
      sessionName: this.sessionName,
      source: this.source,
    };
  }

  [inspect.custom](): string {
    return `IssuedCredentials ${inspect(this.toJSON())}`;
  }
}
