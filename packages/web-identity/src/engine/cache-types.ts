import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { Logger } from "../shared/logger.js";

/**
 * Options of the refresh engine (`withCredentialCache`). The option names are a contract: the
 * docs, the benchmarks and the fleet simulation use them.
 */
export interface CredentialCacheOptions {
  /**
   * Time before expiration from which a call returns the cached set at once and starts one
   * background refresh. Default: tiered by the lifetime of each set as received
   * (<= 20 min: 5 min; < 90 min: 15 min; otherwise 60 min).
   */
  advisoryWindowMs?: number;
  /** Time before expiration from which callers wait for a refresh. Default 60 s. */
  mandatoryWindowMs?: number;
  /**
   * Spread of the refresh instant, as a fraction of (advisory - mandatory). The instant is drawn
   * once per set, uniformly in [expiration - advisory, that + jitter x (advisory - mandatory)].
   * Default 0.7: with 1-hour sets every refresh lands before a v3 client's own 5-minute window,
   * and a fleet's refresh peak is about 6x below unjittered refreshes (see the fleet simulation).
   */
  jitter?: number;
  /**
   * Backoff after a recoverable failure while the cached set is still valid, drawn uniformly in
   * [min, max], and never past the set's expiration. The set is served meanwhile.
   * Default [300 s, 600 s].
   */
  failureBackoffMs?: readonly [number, number];
  /**
   * Backoff after a recoverable failure with the set expired or nothing cached: [first, cap].
   * It doubles while failures repeat, at most `cap`, each drawn in [half, full]; callers get the
   * last error at once meanwhile (an expired set is never served). Default [1 s, 30 s]: a pod
   * holds valid credentials again within 30 s of its source answering again.
   */
  recoveryBackoffMs?: readonly [number, number];
  /**
   * How long a non-recoverable error is served from cache at first, drawn uniformly in
   * [min, max]. It doubles while the same failure repeats, up to `errorCacheMaxMs`; refresh(),
   * `invalidate`, a changed `AWS_*` variable or a source's own reset (a rotated token) clear it.
   * Default [1 s, 5 s]; `0` turns it off.
   */
  errorCacheMs?: readonly [number, number] | 0;
  /** Longest time a repeated non-recoverable error is cached. Default 300 s. */
  errorCacheMaxMs?: number;
  /**
   * Deadline of one refresh (one source call, its retries included). Past it every waiting
   * caller gets a recoverable `RefreshTimeoutError` (code `RefreshTimeout`) and the refresh is
   * released; no new source call starts until the late one settles. Default 10 s (above a full
   * STS fetch with its 3 attempts of 2 s and their delays), so a caller never waits longer.
   */
  refreshTimeoutMs?: number;
  /**
   * Share one engine with every provider of the same configuration in this process (see the
   * README, "Same configuration"). Default true; `false` gives this provider its own engine.
   */
  shared?: boolean;
  /** Fire the background refresh from an unref()ed timer even with no traffic. Default true. */
  proactive?: boolean;
  /** Clock, in epoch milliseconds. Default `Date.now`. */
  now?: () => number;
  /** Uniform random source in [0, 1). Default `Math.random`. */
  random?: () => number;
  /** SDK-style logger. Default: silent. */
  logger?: Logger;
  /** Receives every engine event (never a secret). */
  /**
   * Receives every engine event (never a secret). It may throw or return a rejected promise:
   * both are caught and ignored.
   */
  onEvent?: (event: CredentialCacheEvent) => unknown;
}

/** Why the engine went to its source. */
export type RefreshReason =
  | "empty" // nothing cached
  | "advisory" // background refresh inside the advisory window (or proactive timer)
  | "mandatory" // blocking refresh inside the mandatory window
  | "expired" // blocking refresh of an expired set
  | "invalidated" // a service rejected the cached key
  | "minimum-validity" // blocking refresh: the cached set cannot live as long as a caller's minimum validity
  | "forced"; // refresh() or forceRefresh

/** Events reported through `onEvent`. None carries a secret. */
export type CredentialCacheEvent =
  | { type: "refresh-started"; reason: RefreshReason; at: number; background: boolean }
  | {
      type: "refresh-succeeded";
      reason: RefreshReason;
      at: number;
      durationMs: number;
      accessKeyId: string;
      expiration?: number;
      nextRefreshAt?: number;
    }
  | {
      type: "refresh-failed";
      reason: RefreshReason;
      at: number;
      durationMs: number;
      recoverable: boolean;
      errorName: string;
      message: string;
    }
  | { type: "refresh-timed-out"; reason: RefreshReason; at: number; timeoutMs: number }
  | {
      type: "backoff";
      at: number;
      /** No source call before this instant. */
      until: number;
      /** Which rule: backoff (the valid set is served), recovery (nothing valid: the last error is raised). */
      rule: "backoff" | "recovery";
    }
  /** A non-recoverable error is answered from cache until `until` (no source call before). */
  | { type: "error-cached"; at: number; until: number; errorName: string }
  | { type: "invalidated"; at: number; accessKeyId: string }
  /** The source measured the local clock's offset from its server's (server − local, ms). */
  | { type: "clock-skew"; at: number; skewMs: number; endpoint?: string };

/** Read-only counters and times of one engine. Epoch milliseconds; never a secret. */
export interface CredentialCacheStats {
  /** Calls made to the source (STS calls, for the web-identity provider). */
  readonly sourceCalls: number;
  readonly failures: number;
  readonly lastRefreshAt?: number;
  readonly nextRefreshAt?: number;
  readonly expiration?: number;
  readonly backoffUntil?: number;
  /** Calls that had to wait for the source. */
  readonly blockedCalls: number;
  readonly accessKeyId?: string;
}

/** A provider usable as `credentials` in any v3 client, with the engine's controls. */
export interface CachedCredentialProvider extends AwsCredentialIdentityProvider {
  /** A blocking refresh, single flight with any refresh already running. */
  refresh(): Promise<AwsCredentialIdentity>;
  /**
   * A service rejected `accessKeyId`: if it is the cached key, the next call refreshes (blocking;
   * on failure the cached set is still served). A stale key is ignored.
   */
  invalidate(accessKeyId: string): void;
  /**
   * Releases this provider's share of the engine: when the last provider sharing it closes, the
   * proactive timer is cleared and the source's resources (the STS client's sockets) released.
   * The provider still answers calls afterwards (and releases again what those open).
   */
  close(): void;
  readonly stats: CredentialCacheStats;
  /**
   * What the engine holds now, without side effects: the cached set (if any) and whether the
   * next call would wait for the source (nothing cached, mandatory window, expired,
   * invalidated). Adapters such as the AWS SDK v2 one use it.
   */
  peek(): { credentials?: AwsCredentialIdentity; wouldBlock: boolean };
}
