import { requireRoleArn } from "./local-sts/arn.js";
import { IssuedCredentials } from "./local-sts/issued-credentials.js";
import type { LocalSts } from "./local-sts/local-sts.js";

/** Lifetime of credentials served by the local IMDS and container endpoint by default. */
export const DEFAULT_SERVED_CREDENTIALS_LIFETIME_SECONDS = 3600;

/** A new set is minted once less than this much lifetime remains (or half the lifetime, if shorter). */
export const SERVED_CREDENTIALS_REFRESH_BEFORE_MS = 5 * 60_000;

/** Options shared by the servers that hand out credentials. */
export interface ServedCredentialsInit {
  /**
   * Local STS that issues the credentials, so signed calls with them verify there (e.g.
   * GetCallerIdentity). Without it, the sets are minted locally and no STS knows them.
   */
  sts?: LocalSts;
  /** Role the credentials act as. */
  roleArn: string;
  /** Session name of the role session (IMDS uses the instance id). */
  sessionName: string;
  /** Lifetime of each set in seconds. Default 3600. */
  lifetimeSeconds?: number;
}

/**
 * The credentials a metadata-style server hands out: minted on demand, re-minted shortly before
 * they expire (by `Date.now()`), as EC2 and EKS Pod Identity do.
 */
export class ServedCredentials {
  readonly #init: ServedCredentialsInit;
  readonly #lifetimeSeconds: number;
  #current: IssuedCredentials | undefined;
  #minted = 0;

  constructor(init: ServedCredentialsInit) {
    requireRoleArnOrThrow(init.roleArn);
    this.#init = init;
    this.#lifetimeSeconds = init.lifetimeSeconds ?? DEFAULT_SERVED_CREDENTIALS_LIFETIME_SECONDS;
    if (!(this.#lifetimeSeconds > 0)) throw new RangeError("lifetimeSeconds must be a positive number of seconds");
  }

  /** How many sets have been minted. */
  get minted(): number {
    return this.#minted;
  }

  /** The set to serve now, minting a new one when none is left with enough lifetime. */
  current(): IssuedCredentials {
    const refreshBeforeMs = Math.min(SERVED_CREDENTIALS_REFRESH_BEFORE_MS, (this.#lifetimeSeconds * 1000) / 2);
    if (!this.#current || this.#current.isExpired(Date.now() + refreshBeforeMs)) this.rotate();
    return this.#current!;
  }

  /** Mints a new set now. */
  rotate(): IssuedCredentials {
    const { sts, roleArn, sessionName } = this.#init;
    this.#current = sts
      ? sts.issueCredentials({ roleArn, sessionName, lifetimeSeconds: this.#lifetimeSeconds })
      : new IssuedCredentials({
          role: requireRoleArn(roleArn),
          roleArn,
          sessionName,
          lifetimeSeconds: this.#lifetimeSeconds,
          source: "direct",
          nowMs: Date.now(),
        });
    this.#minted += 1;
    return this.#current;
  }
}

function requireRoleArnOrThrow(roleArn: string): void {
  try {
    requireRoleArn(roleArn);
  } catch {
    throw new TypeError(`roleArn must look like arn:aws:iam::123456789012:role/NAME, got ${roleArn}`);
  }
}

/** ISO 8601 without milliseconds, as EC2 and ECS write timestamps. */
export function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}
