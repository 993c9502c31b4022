// The deadline of one refresh: a source that does not settle in time ends the refresh for
// everyone waiting, without waiting for the source.

import { IrsaCredentialsError } from "../shared/errors.js";
import type { RefreshReason } from "./cache-types.js";

/** A refresh outlived `refreshTimeoutMs`. Recoverable: the engine backs off and tries again. */
export class RefreshTimeoutError extends IrsaCredentialsError {
  override name = "RefreshTimeoutError";
  /** Stable, for programs: `"RefreshTimeout"`. */
  readonly code = "RefreshTimeout";
  readonly timeoutMs: number;
  constructor(timeoutMs: number, reason: RefreshReason) {
    super(
      `The credential source did not answer within refreshTimeoutMs (${timeoutMs} ms) for a refresh (${reason}). ` +
        "A hung token file (FIFO, wedged volume) or a container-credentials endpoint that never answers does this; " +
        "the engine retries after a backoff and starts no new source call while this one is pending.",
      { recoverable: true },
    );
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Settles with `call`'s result or, after `timeoutMs`, with `onTimeout()`, whichever is first.
 * The timer is unref()ed and cleared as soon as the call settles.
 */
export function withDeadline<T>(call: Promise<T>, timeoutMs: number, onTimeout: () => T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(onTimeout()), timeoutMs);
    timer.unref?.();
    call.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => clearTimeout(timer), // `call` never rejects (an Outcome); kept for safety
    );
  });
}
