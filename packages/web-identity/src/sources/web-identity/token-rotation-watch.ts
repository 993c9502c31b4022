import { unwatchFile, watchFile, type Stats } from "node:fs";

/** How often the token file is looked at while a permanent failure is cached (a stat, off the event loop). */
export const TOKEN_ROTATION_POLL_MS = 2_000;

/**
 * While a permanent failure of the web-identity source is cached (an `InvalidIdentityToken` that
 * survived its re-read, a trust policy that refuses the token...), the token file is its input
 * that can still change: kubelet rotates it. This watch looks at the file (Node's `watchFile`: one
 * stat at a time in the thread pool, so a hung volume blocks nothing and cannot pile up) and calls
 * `onRotated` once when it changes, which ends the error cache: the new token is tried on the next
 * call instead of after up to `errorCacheMaxMs`. Not persistent: it never keeps the process alive.
 */
export class TokenRotationWatch {
  readonly #onRotated: () => void;
  readonly #intervalMs: number;
  #path: string | undefined;
  readonly #listener = (current: Stats, previous: Stats): void => {
    const changed = current.ino !== previous.ino || current.mtimeMs !== previous.mtimeMs || current.size !== previous.size;
    if (!changed) return;
    this.stop();
    this.#onRotated();
  };

  constructor(onRotated: () => void, intervalMs = TOKEN_ROTATION_POLL_MS) {
    this.#onRotated = onRotated;
    this.#intervalMs = intervalMs;
  }

  /** Starts watching `path` (again watching the same path is a no-op; another path replaces it). */
  watch(path: string): void {
    if (this.#path === path) return;
    this.stop();
    this.#path = path;
    watchFile(path, { interval: this.#intervalMs, persistent: false }, this.#listener);
  }

  /** Stops watching (after a success, a rotation seen, or close). Idempotent. */
  stop(): void {
    if (this.#path === undefined) return;
    unwatchFile(this.#path, this.#listener);
    this.#path = undefined;
  }
}
