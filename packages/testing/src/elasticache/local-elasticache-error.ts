/** Stable codes of {@link LocalElastiCacheError}. */
export type LocalElastiCacheErrorCode =
  /** No executable `redis-server` at the configured path. */
  | "REDIS_SERVER_NOT_FOUND"
  /** `redis-server` exited or did not answer before the start deadline. */
  | "REDIS_SERVER_START_FAILED"
  /** An option of `startLocalElastiCache` is out of range. */
  | "INVALID_OPTION";

/**
 * What the local ElastiCache emulator raises; `code` is stable, the message says what to fix.
 *
 * @example
 * ```ts
 * try {
 *   await startLocalElastiCache({ checkToken });
 * } catch (error) {
 *   if (error instanceof LocalElastiCacheError && error.code === "REDIS_SERVER_NOT_FOUND") skip();
 * }
 * ```
 */
export class LocalElastiCacheError extends Error {
  override readonly name = "LocalElastiCacheError";
  constructor(
    /** Stable code to branch on. */
    readonly code: LocalElastiCacheErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message);
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", { value: options.cause, enumerable: false, configurable: true, writable: true });
    }
  }
}
