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
