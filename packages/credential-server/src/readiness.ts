import type { CachedCredentialProvider, Logger } from "@irsa/web-identity";
import { DEFAULT_READINESS_RETRY_INITIAL_MS, DEFAULT_READINESS_RETRY_MAX_MS } from "./defaults.js";

/** Schedules `callback` after `delayMs` and returns a cancel function. */
export type ScheduleTimer = (callback: () => void, delayMs: number) => () => void;

/** Options of the start-up fetch loop. */
export interface ReadinessInit {
  provider: CachedCredentialProvider;
  logger: Required<Logger>;
  /** Clock, epoch milliseconds. */
  now: () => number;
  /** Uniform random source in [0, 1), for the retry jitter. */
  random: () => number;
  /** First retry delay; doubled after each failure up to `retryMaxMs`. */
  retryInitialMs: number;
  retryMaxMs: number;
  /** Timer seam for tests; the default timer is unref()ed so it never holds a process open. */
  schedule?: ScheduleTimer;
}

const defaultSchedule: ScheduleTimer = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * Makes the server ready: fetches the first credentials at start-up, and retries with jittered
 * exponential backoff until a fetch succeeds (the first fetch should not wait for the first
 * client). After that the provider's own engine keeps the set fresh; readiness just reads it.
 */
export class Readiness {
  readonly #init: Required<ReadinessInit>;
  #cancelRetry: (() => void) | undefined;
  #fetching = false;
  #stopped = false;
  #failures = 0;
  #resolveFirst!: () => void;
  /** Settles when credentials were fetched for the first time. */
  readonly firstCredentials: Promise<void>;

  constructor(init: ReadinessInit) {
    this.#init = { schedule: defaultSchedule, ...init };
    this.firstCredentials = new Promise((resolve) => (this.#resolveFirst = resolve));
  }

  /** Ready means a cached set that has not expired. */
  isReady(): boolean {
    const credentials = this.#init.provider.peek().credentials;
    if (credentials === undefined) return false;
    return credentials.expiration === undefined || credentials.expiration.getTime() > this.#init.now();
  }

  /**
   * A probe found the server not ready (say the set expired while the source was down): start a
   * fetch if the loop is idle. While a retry is scheduled the backoff stands, so a probe period
   * never sets the pace of calls to the source.
   */
  nudge(): void {
    if (this.#cancelRetry === undefined) this.kick();
  }

  /** Starts a fetch now unless one of ours is running or the loop is stopped. */
  kick(): void {
    if (this.#fetching || this.#stopped) return;
    this.#cancelRetry?.();
    this.#cancelRetry = undefined;
    this.#fetching = true;
    this.#init.provider().then(
      () => {
        this.#fetching = false;
        this.#failures = 0;
        this.#resolveFirst();
      },
      (error: unknown) => {
        this.#fetching = false;
        this.#failures += 1;
        if (this.#stopped) return;
        const delayMs = this.#nextDelay();
        this.#init.logger.warn("credentials fetch failed; retrying", error instanceof Error ? error : {}, {
          attempt: this.#failures,
          retryInMs: delayMs,
        });
        this.#cancelRetry = this.#init.schedule(() => {
          this.#cancelRetry = undefined;
          this.kick();
        }, delayMs);
      },
    );
  }

  /** Delay before the next try: doubling from the initial delay, capped, with full jitter on its upper half. */
  #nextDelay(): number {
    const { retryInitialMs, retryMaxMs, random } = this.#init;
    const ceiling = Math.min(retryMaxMs, retryInitialMs * 2 ** Math.min(this.#failures - 1, 30));
    return Math.round(ceiling / 2 + (random() * ceiling) / 2);
  }

  stop(): void {
    this.#stopped = true;
    this.#cancelRetry?.();
    this.#cancelRetry = undefined;
  }
}

export const READINESS_DEFAULTS = {
  retryInitialMs: DEFAULT_READINESS_RETRY_INITIAL_MS,
  retryMaxMs: DEFAULT_READINESS_RETRY_MAX_MS,
} as const;
