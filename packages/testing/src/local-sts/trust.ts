import type { JsonWebKeySet } from "../jwks-types.js";
import { DEFAULT_TOKEN_AUDIENCE } from "../oidc-issuer.js";

/** Default `MaxSessionDuration` of an IAM role. */
export const DEFAULT_MAX_SESSION_DURATION_SECONDS = 3600;

/** An identity provider the local STS knows: an `OidcIssuer` or just its URL and keys. */
export interface TrustedIssuer {
  /** Issuer URL, compared with the token's `iss`. */
  url: string;
  /**
   * Public keys. When absent the local STS fetches `url/.well-known/openid-configuration` and
   * its `jwks_uri` (only loopback URLs are allowed) and answers `IDPCommunicationError` if that fails.
   */
  jwks?: JsonWebKeySet;
}

/** The web-identity half of a role's trust policy. */
export interface WebIdentityTrust {
  /** Issuer URL (or issuer object) allowed to federate into the role. */
  issuer: string | { url: string };
  /** Allowed `sub` values, exact or with `*` wildcards (`system:serviceaccount:ns:*`). */
  subjects: string[];
  /** Allowed audiences. Default `["sts.amazonaws.com"]`. */
  audiences?: string[];
}

/** A role of the local STS. */
export interface LocalRole {
  /** `arn:aws:iam::ACCOUNT:role/NAME`; the account comes from here. */
  roleArn: string;
  /** Who may call AssumeRoleWithWebIdentity. Absent: no web identity may. */
  trust?: WebIdentityTrust;
  /** Maximum session duration in seconds (3600-43200). Default 3600. */
  maxSessionDurationSeconds?: number;
  /** Role ARNs (`*` wildcards allowed) whose sessions may call AssumeRole into this role. */
  assumableBy?: string[];
  /** When set, AssumeRole must present this ExternalId. */
  externalId?: string;
}

/** Matches `value` against a pattern where `*` stands for any run of characters. */
export function matchesPattern(pattern: string, value: string): boolean {
  if (!pattern.includes("*")) return pattern === value;
  const regex = new RegExp(
    `^${pattern
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
  return regex.test(value);
}

/** The issuer URL a trust names. */
export function trustIssuerUrl(trust: WebIdentityTrust): string {
  return typeof trust.issuer === "string" ? trust.issuer : trust.issuer.url;
}

/** The audiences a trust accepts. */
export function trustAudiences(trust: WebIdentityTrust): string[] {
  return trust.audiences ?? [DEFAULT_TOKEN_AUDIENCE];
}
