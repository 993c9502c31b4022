import { IrsaCredentialsError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { classifyStsError, type StsErrorClassification } from "./sts-errors.js";

/** STS calls per fetch, all causes together. */
export const DEFAULT_STS_MAX_ATTEMPTS = 3;
/** Each STS call is aborted after this long. With 3 attempts the whole fetch stays under ~7 s. */
export const DEFAULT_STS_ATTEMPT_TIMEOUT_MS = 2_000;
/** Backoff before retry n is drawn in [base x 2^n / 2, base x 2^n), capped: 100-200 ms, then 200-400 ms. */
export const DEFAULT_STS_RETRY_BASE_DELAY_MS = 100;
/** Cap of one backoff delay between STS retries (`retry.maxDelayMs`). */
export const DEFAULT_STS_RETRY_MAX_DELAY_MS = 1_000;

/** How one fetch retries STS. The refresh engine's backoff applies between fetches. */
export interface StsRetryOptions {
  /** STS calls per fetch, including the immediate retry after a token rotation. Default 3. */
  maxAttempts?: number;
  /** Each STS call is aborted after this many milliseconds. Default 2000. */
  attemptTimeoutMs?: number;
  /** Base of the jittered exponential backoff between retries. Default 100 ms. */
  baseDelayMs?: number;
  /** Cap of one backoff delay. Default 1000 ms. */
  maxDelayMs?: number;
  /**
   * Waits between retries and between token file reads. Default: a `setTimeout` promise. Tests
   * and simulations inject their own so no wall time passes.
   */
  sleep?: (ms: number) => Promise<void>;
}

/** `StsRetryOptions` with the defaults applied: shared by `AssumeRoleWithWebIdentity` and every `AssumeRole` hop. */
export interface StsAttemptPolicy {
  readonly maxAttempts: number;
  readonly attemptTimeoutMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** The jittered wait before retry number `retry` (1-based). */
  backoff(retry: number): number;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function resolveStsAttemptPolicy(retry: StsRetryOptions = {}, random: () => number = Math.random): StsAttemptPolicy {
  const baseDelayMs = retry.baseDelayMs ?? DEFAULT_STS_RETRY_BASE_DELAY_MS;
  const maxDelayMs = retry.maxDelayMs ?? DEFAULT_STS_RETRY_MAX_DELAY_MS;
  return {
    maxAttempts: Math.max(1, retry.maxAttempts ?? DEFAULT_STS_MAX_ATTEMPTS),
    attemptTimeoutMs: retry.attemptTimeoutMs ?? DEFAULT_STS_ATTEMPT_TIMEOUT_MS,
    sleep: retry.sleep ?? defaultSleep,
    backoff(n: number): number {
      const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** n);
      return ceiling / 2 + random() * (ceiling / 2);
    },
  };
}

/** What one STS operation plugs into the shared attempt loop. */
export interface StsAttempts<T> {
  /** One STS call (attempt is 1-based). */
  send(attempt: number): Promise<T>;
  /**
   * A failure the loop does not retry by itself (e.g. a rejected token): return true to try again
   * at once. Only asked while attempts remain.
   */
  retryNow?(failure: StsErrorClassification, attempt: number): Promise<boolean>;
  /** Runs after the backoff wait, before the next attempt (e.g. re-read the token). */
  beforeRetry?(): Promise<void>;
  /** The error to raise when the loop gives up. */
  fail(failure: StsErrorClassification, error: unknown, attempts: number): Error;
  /** For the debug line of a retry. */
  logger?: Logger;
  /** What the debug line calls this operation, e.g. `AssumeRole arn:…`. */
  label: string;
}

/**
 * The retry loop of every STS call this package makes: classify the failure (`sts-errors`), retry
 * transient ones with jittered backoff within `maxAttempts`, give up at once otherwise. An error
 * this package raised itself (e.g. a response without credentials) passes through unchanged.
 */
export async function runStsAttempts<T>(policy: StsAttemptPolicy, operation: StsAttempts<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation.send(attempt);
    } catch (error) {
      if (error instanceof IrsaCredentialsError) throw error;
      const failure = classifyStsError(error);
      const lastAttempt = attempt >= policy.maxAttempts;
      if (!lastAttempt && operation.retryNow !== undefined && (await operation.retryNow(failure, attempt))) continue;
      if (failure.action === "retry" && !lastAttempt) {
        const delay = policy.backoff(attempt);
        operation.logger?.debug?.(
          `@irsa/web-identity: ${operation.label} failed (${failure.code}); retrying in ${Math.round(delay)} ms`,
        );
        await policy.sleep(delay);
        await operation.beforeRetry?.();
        continue;
      }
      throw operation.fail(failure, error, attempt);
    }
  }
}
