import type { ResponseMetadata } from "@smithy/types";
import { CredentialsProviderError } from "./provider-error.js";

/**
 * How a credential source tells the refresh engine what a failure means.
 *
 * - recoverable (the default for any error that says nothing): a transient fault such as a
 *   throttled or unavailable STS. The engine keeps serving the cached set, even an expired one,
 *   and backs off before trying again.
 * - non-recoverable: retrying cannot help until someone changes something (a trust policy, a
 *   variable, a file mount). The engine raises it at once, applies no backoff, and caches the
 *   error briefly so a burst of callers does not hammer the source.
 *
 * A source marks an error non-recoverable by setting `recoverable: false` on it (own property),
 * which every error class below does for you.
 */
export interface ClassifiedError extends Error {
  recoverable?: boolean;
}

/** True unless the error says `recoverable: false`. */
export function isRecoverable(error: unknown): boolean {
  return !(typeof error === "object" && error !== null && (error as ClassifiedError).recoverable === false);
}

/** Marks any error as non-recoverable and returns it. */
export function markNonRecoverable<E extends object>(error: E): E & { recoverable: false } {
  Object.defineProperty(error, "recoverable", { value: false, enumerable: true, configurable: true, writable: true });
  return error as E & { recoverable: false };
}

interface IrsaErrorOptions {
  /** Whether a chain may try the next source. True only when this source is not configured. */
  tryNextLink?: boolean;
  recoverable?: boolean;
  cause?: unknown;
}

/**
 * Base class of every error this library raises. It is a `CredentialsProviderError`, so it
 * chains with the SDK's `chain()` and `createCredentialChain()`.
 */
export class IrsaCredentialsError extends CredentialsProviderError {
  override name = "IrsaCredentialsError";
  recoverable: boolean;
  constructor(message: string, options: IrsaErrorOptions = {}) {
    super(message, { tryNextLink: options.tryNextLink ?? false });
    Object.setPrototypeOf(this, new.target.prototype);
    this.recoverable = options.recoverable ?? true;
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", { value: options.cause, enumerable: false, configurable: true, writable: true });
    }
  }
}

/** Neither the role nor the token file is set: a chain moves on to its next source. */
export class NotConfiguredError extends IrsaCredentialsError {
  override name = "NotConfiguredError";
  constructor(message: string) {
    super(message, { tryNextLink: true, recoverable: false });
  }
}

/** A setting is missing or malformed; the message names the variable or option and the fix. */
export class ConfigurationError extends IrsaCredentialsError {
  override name = "ConfigurationError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, { tryNextLink: false, recoverable: false, cause: options.cause });
  }
}

/** What can be learned from a token without verifying it. Never the token itself. */
export interface TokenClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  /** Expiration, epoch seconds. */
  exp?: number;
}

/** `iss=… sub=… aud=… exp=…` for messages; a claim the token lacks shows as `(none)`. */
export function describeClaims(claims: TokenClaims | undefined): string {
  if (claims === undefined) return "token claims unknown";
  const aud = Array.isArray(claims.aud) ? claims.aud.join(",") : claims.aud;
  const exp = claims.exp === undefined ? undefined : new Date(claims.exp * 1000).toISOString();
  return `iss=${claims.iss ?? "(none)"} sub=${claims.sub ?? "(none)"} aud=${aud ?? "(none)"} exp=${exp ?? "(none)"}`;
}

/** Why a token file could not be used. */
export type TokenFileProblem =
  | "not-found"
  | "access-denied"
  | "is-directory"
  | "not-regular-file"
  | "token-as-path"
  | "empty"
  | "too-large"
  | "malformed"
  | "being-written"
  | "expired"
  | "read-failed";

/**
 * The web identity token file could not be read or does not hold a usable token. The message
 * names the path and what to check; it never holds the token.
 */
export class TokenFileError extends IrsaCredentialsError {
  override name = "TokenFileError";
  readonly path: string;
  readonly problem: TokenFileProblem;
  readonly claims?: TokenClaims;
  constructor(
    message: string,
    details: { path: string; problem: TokenFileProblem; recoverable: boolean; claims?: TokenClaims; cause?: unknown },
  ) {
    super(message, { tryNextLink: false, recoverable: details.recoverable, cause: details.cause });
    this.path = details.path;
    this.problem = details.problem;
    if (details.claims !== undefined) this.claims = details.claims;
  }
}

/** Facts about a failed STS call, for the error and the logs. */
export interface StsFailureDetails {
  roleArn: string;
  /** STS error code, modeled names normalised (`InvalidIdentityTokenException` -> `InvalidIdentityToken`). */
  code: string;
  httpStatus?: number;
  requestId?: string;
  claims?: TokenClaims;
  /** STS calls made in this fetch. */
  attempts: number;
  recoverable: boolean;
  cause?: unknown;
  /** The SDK exception's `$metadata`, as the SDK's own providers surface it. */
  $metadata?: ResponseMetadata;
}

/**
 * `AssumeRoleWithWebIdentity` failed. The message names the role, the token's decoded
 * `iss`/`sub`/`aud`/`exp`, the STS request id and what to check; it never holds the token.
 */
export class StsRequestError extends IrsaCredentialsError {
  override name = "StsRequestError";
  readonly roleArn: string;
  readonly code: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  readonly claims?: TokenClaims;
  readonly attempts: number;
  /** As on the SDK's exceptions: HTTP status, request id, attempts. `cause` is the SDK's exception itself. */
  readonly $metadata?: ResponseMetadata;
  constructor(message: string, details: StsFailureDetails) {
    super(message, { tryNextLink: false, recoverable: details.recoverable, cause: details.cause });
    this.roleArn = details.roleArn;
    this.code = details.code;
    this.attempts = details.attempts;
    if (details.$metadata !== undefined) this.$metadata = details.$metadata;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.requestId !== undefined) this.requestId = details.requestId;
    if (details.claims !== undefined) this.claims = details.claims;
  }
}

/** Facts about a failed `AssumeRole` hop of a `roleChain`. */
export interface RoleChainFailureDetails {
  /** Index of the hop in `roleChain` (0 = the first role assumed after the base credentials). */
  hopIndex: number;
  /** The role that hop tried to assume. */
  roleArn: string;
  /** STS error code, modeled names normalised. */
  code: string;
  httpStatus?: number;
  requestId?: string;
  /** STS calls made for this hop in this fetch. */
  attempts: number;
  recoverable: boolean;
  cause?: unknown;
  /** The SDK exception's `$metadata`, when STS answered. */
  $metadata?: ResponseMetadata;
}

/**
 * An `sts:AssumeRole` hop of a `roleChain` failed. The message names the hop (its index and role
 * ARN), who signed it, the STS code and request id and what to check.
 */
export class RoleChainError extends IrsaCredentialsError {
  override name = "RoleChainError";
  readonly hopIndex: number;
  readonly roleArn: string;
  readonly code: string;
  readonly httpStatus?: number;
  readonly requestId?: string;
  readonly attempts: number;
  /** As on the SDK's exceptions: HTTP status, request id, attempts. `cause` is the SDK's exception itself. */
  readonly $metadata?: ResponseMetadata;
  constructor(message: string, details: RoleChainFailureDetails) {
    super(message, { tryNextLink: false, recoverable: details.recoverable, cause: details.cause });
    if (details.$metadata !== undefined) this.$metadata = details.$metadata;
    this.hopIndex = details.hopIndex;
    this.roleArn = details.roleArn;
    this.code = details.code;
    this.attempts = details.attempts;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
    if (details.requestId !== undefined) this.requestId = details.requestId;
  }
}

/** Which source of `fromWebIdentityChain` a report line or an error is about. */
export type ChainSourceName = "webIdentity" | "container" | "imds";

/**
 * A configured fallback source (container credentials or IMDS) could not deliver credentials. The
 * message names the endpoint and what went wrong; never a token or a secret.
 */
export class CredentialSourceError extends IrsaCredentialsError {
  override name = "CredentialSourceError";
  readonly source: ChainSourceName;
  /** HTTP status of the endpoint's answer, when there was one. */
  readonly httpStatus?: number;
  constructor(message: string, details: { source: ChainSourceName; recoverable: boolean; httpStatus?: number; cause?: unknown }) {
    super(message, { tryNextLink: false, recoverable: details.recoverable, cause: details.cause });
    this.source = details.source;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
  }
}

/** One line of a chain's report: what happened to one source. */
export interface ChainSourceReport {
  source: ChainSourceName;
  outcome: "skipped" | "failed";
  /** Why it was skipped or how it failed. Never a value of a variable. */
  reason: string;
}

/**
 * No source of `fromWebIdentityChain` delivered credentials, and none was configured in a way that
 * makes its failure final. The message lists every source with why it was skipped or how it
 * failed, and the names (never the values) of the `AWS_*` variables that were set.
 */
export class CredentialChainError extends IrsaCredentialsError {
  override name = "CredentialChainError";
  readonly sources: readonly ChainSourceReport[];
  /** Names of the `AWS_*` environment variables that were set; never their values. */
  readonly variablesSeen: readonly string[];
  constructor(message: string, details: { sources: ChainSourceReport[]; variablesSeen: string[]; recoverable: boolean; cause?: unknown }) {
    // Nothing here demanded to stop: an outer chain may try its next link.
    super(message, { tryNextLink: true, recoverable: details.recoverable, cause: details.cause });
    this.sources = details.sources;
    this.variablesSeen = details.variablesSeen;
  }
}
