import type { OidcIssuer } from "../oidc-issuer.js";
import { parseRoleArn, requireRoleArn } from "./arn.js";
import { LocalStsHostile } from "./hostile.js";
import { IssuedCredentials, type CredentialSource } from "./issued-credentials.js";
import type { LocalStsInit } from "./local-sts-types.js";
import { DEFAULT_MAX_SESSION_DURATION_SECONDS, type LocalRole, type TrustedIssuer } from "./trust.js";

function toTrustedIssuer(issuer: OidcIssuer | TrustedIssuer): TrustedIssuer {
  // An OidcIssuer's JWKS is read at verification time so key rotations are seen.
  if ("mintToken" in issuer) {
    return {
      get url() {
        return issuer.url;
      },
      get jwks() {
        return issuer.jwks;
      },
    };
  }
  return issuer;
}

/** What every action handler of the local STS reads and writes: roles, issuers, issued sets, the clock. */
export class LocalStsState {
  readonly roles = new Map<string, LocalRole>();
  readonly issued = new Map<string, IssuedCredentials>();
  readonly hostile = new LocalStsHostile();
  readonly #issuers: TrustedIssuer[] = [];
  readonly #lifetimeOverride: number | undefined;

  constructor(init: LocalStsInit) {
    if (init.credentialLifetimeSeconds !== undefined && !(init.credentialLifetimeSeconds > 0)) {
      throw new RangeError("credentialLifetimeSeconds must be a positive number of seconds");
    }
    this.#lifetimeOverride = init.credentialLifetimeSeconds;
    for (const role of init.roles ?? []) this.addRole(role);
    for (const issuer of init.issuers ?? []) this.addIssuer(issuer);
  }

  /** The server's clock (skewed when `hostile.skewClock` says so). */
  now(): number {
    return this.hostile.now();
  }

  addRole(role: LocalRole): void {
    const parts = parseRoleArn(role.roleArn);
    if (!parts) throw new TypeError(`roleArn must look like arn:aws:iam::123456789012:role/NAME, got ${role.roleArn}`);
    const max = role.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS;
    if (!Number.isInteger(max) || max < 3600 || max > 43_200) {
      throw new RangeError(`maxSessionDurationSeconds must be an integer in 3600-43200, got ${String(max)}`);
    }
    this.roles.set(role.roleArn, role);
  }

  addIssuer(issuer: OidcIssuer | TrustedIssuer): void {
    this.#issuers.push(toTrustedIssuer(issuer));
  }

  /** Trusted issuers by URL, built per verification (an issuer's URL is read late). */
  issuerByUrl(): ReadonlyMap<string, TrustedIssuer> {
    return new Map(this.#issuers.map((issuer) => [issuer.url, issuer]));
  }

  /** The issued lifetime: the hostile or test-only override when set, else the requested duration. */
  lifetimeFor(durationSeconds: number): number {
    return this.hostile.expiresInSeconds ?? this.#lifetimeOverride ?? durationSeconds;
  }

  /** Mints and remembers a set on the server's clock. */
  issue(roleArn: string, sessionName: string, lifetimeSeconds: number, source: CredentialSource): IssuedCredentials {
    const credentials = new IssuedCredentials({
      role: requireRoleArn(roleArn),
      roleArn,
      sessionName,
      lifetimeSeconds,
      source,
      nowMs: this.now(),
    });
    this.issued.set(credentials.accessKeyId, credentials);
    return credentials;
  }
}
