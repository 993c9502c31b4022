// The refresh engine: one state machine around any credential source.
//
// Each call finds the engine in one phase, decided by the clock and the cached set:
//
//            fetch ok            refreshAt reached        expiration - mandatory     expiration
//   EMPTY -------------> FRESH -----------------> ADVISORY ---------------------> MANDATORY -------> EXPIRED
//    | ^                 ^   ^                      |                              |                 |
//    +-+ fetch failed:   |   +-- background ok -----+                              |                 |
//        raise,          +------------------------ shared blocking refresh ok -----+-----------------+
//        no backoff
//
//   MANDATORY, EXPIRED and INVALIDATED (a service rejected the cached key): callers wait for one
//   shared refresh. A recoverable failure serves the cached set (static stability) and starts a
//   BACKOFF during which nobody calls the source; a non-recoverable one is raised to the waiting
//   callers and cached briefly (ERROR CACHE). A forced refresh (refresh(), forceRefresh) waits
//   like MANDATORY from any phase.
//
// The fast path (FRESH) is one clock read and one comparison, returning a promise made once per
// set. Everything else lives in the methods below, in the order a set goes through them.

import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { Mutex } from "async-mutex";
import { resolveCacheOptions, type ResolvedCacheOptions } from "./cache-options.js";
import type {
  CachedCredentialProvider,
  CredentialCacheEvent,
  CredentialCacheOptions,
  CredentialCacheStats,
  RefreshReason,
} from "./cache-types.js";
import { IrsaCredentialsError, isRecoverable } from "../shared/errors.js";
import { redactSecrets, redactedCredentials } from "../shared/redact.js";
import { drawDurationMs, drawRefreshAt, windowsForSet } from "./refresh-windows.js";
import { publishEngineEvent } from "./diagnostics-channels.js";

/** setTimeout cannot wait longer (about 24.8 days); a longer wait re-arms when it fires. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

/** Where the engine stands for a call made now. */
type Phase = "empty" | "fresh" | "advisory" | "mandatory" | "expired" | "invalidated";

/** One credential set as the engine holds it, with the instants computed when it arrived. */
interface CachedSet {
  /** The redacted copy handed to callers. */
  readonly identity: AwsCredentialIdentity;
  /** Epoch ms; Infinity for a set without expiration. */
  readonly expiration: number;
  /** The drawn refresh instant: the advisory phase starts here. */
  readonly refreshAt: number;
  /** Where the mandatory window starts. */
  readonly mandatoryAt: number;
}

/** How one call to the source ended. Never rejected: a background refresh cannot go unhandled. */
type Outcome =
  | { readonly ok: true; readonly identity: AwsCredentialIdentity }
  | { readonly ok: false; readonly error: unknown; readonly recoverable: boolean };

/**
 * Wraps `source` in the refresh engine. The result is usable as `credentials` in any AWS SDK v3
 * client and adds `refresh()`, `invalidate(accessKeyId)`, `close()`, `stats` and `peek()`.
 * Throws a `ConfigurationError` for an invalid option.
 *
 * @example
 * ```ts
 * import { fromIni } from "@aws-sdk/credential-providers";
 * const credentials = withCredentialCache(fromIni({ profile: "ci" }));
 * const s3 = new S3Client({ credentials });
 * ```
 */
export function withCredentialCache(
  source: AwsCredentialIdentityProvider,
  options?: CredentialCacheOptions,
): CachedCredentialProvider {
  return cachedProvider(source, options);
}

/**
 * What a provider built on the engine adds to it (`fromWebIdentity`, the chain): resources of its
 * source that `close()` releases too, and facts of its source shown in `stats`.
 */
export interface CachedProviderExtension<Facts extends object> {
  close?(): void;
  facts?(): Facts;
}

/** `withCredentialCache` with an extension: the provider is the engine's own, no extra call layer. */
export function cachedProvider<Facts extends object = object>(
  source: AwsCredentialIdentityProvider,
  options: CredentialCacheOptions | undefined,
  extension: CachedProviderExtension<Facts> = {},
): CachedCredentialProvider & { readonly stats: CredentialCacheStats & Facts } {
  if (typeof source !== "function") {
    throw new TypeError("withCredentialCache(source) needs a credential provider function as its source.");
  }
  const engine = new RefreshEngine(source, resolveCacheOptions(options));
  const provider = ((identityProperties?: Record<string, unknown>) => engine.get(identityProperties)) as CachedCredentialProvider & {
    readonly stats: CredentialCacheStats & Facts;
  };
  Object.defineProperties(provider, {
    refresh: { value: () => engine.refresh(), enumerable: true },
    invalidate: { value: (accessKeyId: string) => engine.invalidate(accessKeyId), enumerable: true },
    close: {
      value: () => {
        engine.close();
        extension.close?.();
      },
      enumerable: true,
    },
    peek: { value: () => engine.peek(), enumerable: true },
    stats: { get: () => ({ ...engine.stats(), ...extension.facts?.() }), enumerable: true },
  });
  return provider;
}

class RefreshEngine {
  // --- state -------------------------------------------------------------------------------
  private cached: CachedSet | undefined;
  /** The fast path serves `served` while the clock is below `servedUntil`. */
  private servedUntil = Number.NEGATIVE_INFINITY;
  private served: Promise<AwsCredentialIdentity> | undefined;
  private invalidated = false;
  private backoffUntil: number | undefined;
  private errorCache: { readonly error: unknown; readonly until: number } | undefined;
  /** The one refresh running, which every waiting caller joins. */
  private inFlight: Promise<Outcome> | undefined;
  /** Guarantees a single source call at a time, whatever path asked for it. */
  private readonly mutex = new Mutex();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  // --- counters (stats) --------------------------------------------------------------------
  private sourceCalls = 0;
  private failures = 0;
  private blockedCalls = 0;
  private lastRefreshAt: number | undefined;

  constructor(
    private readonly source: AwsCredentialIdentityProvider,
    private readonly options: ResolvedCacheOptions,
  ) {}

  // --- a call: fast path, then the phase dispatch ------------------------------------------

  get(identityProperties?: Record<string, unknown>): Promise<AwsCredentialIdentity> {
    if (this.options.now() < this.servedUntil && identityProperties?.forceRefresh !== true) {
      return this.served!;
    }
    if (identityProperties?.forceRefresh === true) return this.waitForRefresh("forced");
    return this.dispatch();
  }

  refresh(): Promise<AwsCredentialIdentity> {
    return this.waitForRefresh("forced");
  }

  private dispatch(): Promise<AwsCredentialIdentity> {
    const phase = this.phaseAt(this.options.now());
    switch (phase) {
      case "fresh":
        return this.served!;
      case "advisory":
        this.refreshInBackground("advisory");
        return this.served!;
      case "empty":
      case "mandatory":
      case "expired":
      case "invalidated":
        return this.waitForRefresh(phase);
    }
  }

  private phaseAt(now: number): Phase {
    const cached = this.cached;
    if (cached === undefined) return "empty";
    if (this.invalidated) return "invalidated";
    if (now >= cached.expiration) return "expired";
    if (now >= cached.mandatoryAt) return "mandatory";
    if (now >= cached.refreshAt) return "advisory";
    return "fresh";
  }

  // --- ADVISORY: serve cached, refresh behind the callers' backs ---------------------------

  private refreshInBackground(reason: RefreshReason): void {
    const now = this.options.now();
    if (this.inFlight !== undefined || this.inBackoff(now) || this.inErrorCache(now)) return;
    void this.singleFlight(reason, true);
  }

  // --- EMPTY, MANDATORY, EXPIRED, INVALIDATED, forced: callers wait for one refresh ---------

  private async waitForRefresh(reason: RefreshReason): Promise<AwsCredentialIdentity> {
    const now = this.options.now();
    if (this.inErrorCache(now)) throw this.errorCache!.error;
    // Static stability: during a backoff the cached set is served, whatever its age.
    if (this.cached !== undefined && this.inBackoff(now)) return this.cached.identity;
    this.blockedCalls++;
    const outcome = await this.singleFlight(reason, false);
    if (outcome.ok) return outcome.identity;
    if (outcome.recoverable && this.cached !== undefined) return this.cached.identity;
    throw outcome.error;
  }

  // --- the single flight: one source call, shared by everyone who needs it -----------------

  private singleFlight(reason: RefreshReason, background: boolean): Promise<Outcome> {
    if (this.inFlight !== undefined) return this.inFlight;
    // runExclusive starts the call after a tick, so `inFlight` is set before the call clears it.
    const flight = this.mutex.runExclusive(() => this.callSource(reason, background));
    this.inFlight = flight;
    return flight;
  }

  private async callSource(reason: RefreshReason, background: boolean): Promise<Outcome> {
    const startedAt = this.options.now();
    this.sourceCalls++;
    this.emit({ type: "refresh-started", reason, at: startedAt, background });
    this.log("debug", `refreshing credentials (${reason}${background ? ", in the background" : ""})`);
    let outcome: Outcome;
    try {
      const forced = reason === "forced" || reason === "invalidated";
      // The flight is shared, so no caller's properties are forwarded; only the need for a new set.
      const identity = await this.source(forced ? { forceRefresh: true } : undefined);
      outcome = this.onSuccess(checkedIdentity(identity, this.options.now()), reason, startedAt);
    } catch (error) {
      outcome = this.onFailure(error, reason, startedAt, background);
    }
    // The flight ends in the same tick as the state it produced.
    this.inFlight = undefined;
    return outcome;
  }

  // --- transitions -------------------------------------------------------------------------

  /** Any phase -> FRESH with the new set; its windows and refresh instant drawn now. */
  private onSuccess(identity: AwsCredentialIdentity, reason: RefreshReason, startedAt: number): Outcome {
    const at = this.options.now();
    const expiration = identity.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    let refreshAt = Number.POSITIVE_INFINITY;
    let mandatoryAt = Number.POSITIVE_INFINITY;
    if (Number.isFinite(expiration)) {
      const windows = windowsForSet({
        lifetimeMs: expiration - at,
        advisoryWindowMs: this.options.advisoryWindowMs,
        mandatoryWindowMs: this.options.mandatoryWindowMs,
      });
      // Whole milliseconds, like the clock: stats and timers then land exactly on the instant.
      refreshAt = Math.ceil(drawRefreshAt(expiration, windows, this.options.jitter, this.options.random));
      mandatoryAt = expiration - windows.mandatoryMs;
    }
    const safe = redactedCredentials(identity);
    this.cached = { identity: safe, expiration, refreshAt, mandatoryAt };
    this.served = Promise.resolve(safe);
    this.servedUntil = refreshAt;
    this.invalidated = false;
    this.backoffUntil = undefined;
    this.errorCache = undefined;
    this.lastRefreshAt = at;
    this.armTimer(refreshAt);
    const nextRefreshAt = Number.isFinite(refreshAt) ? refreshAt : undefined;
    this.emit({
      type: "refresh-succeeded",
      reason,
      at,
      durationMs: at - startedAt,
      accessKeyId: safe.accessKeyId,
      expiration: Number.isFinite(expiration) ? expiration : undefined,
      nextRefreshAt,
    });
    this.log(
      "debug",
      `credentials refreshed (${reason}): ${safe.accessKeyId}, ` +
        (nextRefreshAt === undefined
          ? "no expiration"
          : `expires ${iso(expiration)}, next refresh ${iso(nextRefreshAt)}`),
    );
    return { ok: true, identity: safe };
  }

  /**
   * Recoverable with a cached set -> BACKOFF (the set keeps being served). Recoverable with
   * nothing cached -> EMPTY again, no backoff. Non-recoverable -> ERROR CACHE; the set, if any,
   * stays cached for the callers that do not wait.
   */
  private onFailure(error: unknown, reason: RefreshReason, startedAt: number, background: boolean): Outcome {
    const at = this.options.now();
    const recoverable = isRecoverable(error);
    this.failures++;
    this.errorCache = undefined;
    this.emit({
      type: "refresh-failed",
      reason,
      at,
      durationMs: at - startedAt,
      recoverable,
      errorName: errorName(error),
      message: errorMessage(error),
    });
    const cause = `${errorName(error)}: ${errorMessage(error)}`;
    if (recoverable && this.cached !== undefined) {
      const until = at + Math.ceil(drawDurationMs(this.options.failureBackoffMs, this.options.random));
      this.backoffUntil = until;
      this.emit({ type: "backoff", at, until });
      this.log(
        "warn",
        `credential refresh failed (${reason}), serving the cached credentials ${this.cached.identity.accessKeyId} ` +
          `(${describeExpiry(this.cached.expiration, at)}) and retrying after ${iso(until)}: ${cause}`,
      );
      this.armTimer(until);
    } else if (recoverable) {
      this.log("debug", `credential fetch failed (${reason}), nothing cached, raising: ${cause}`);
    } else {
      const range = this.options.errorCacheMs;
      if (range !== undefined) {
        this.errorCache = { error, until: at + Math.ceil(drawDurationMs(range, this.options.random)) };
      }
      this.log(
        background ? "error" : "debug",
        `credential refresh failed (${reason}) with a non-recoverable error${
          background && this.cached !== undefined
            ? `; serving the cached credentials ${this.cached.identity.accessKeyId} while they stay outside the mandatory window`
            : ""
        }: ${cause}`,
      );
    }
    return { ok: false, error, recoverable };
  }

  private inBackoff(now: number): boolean {
    return this.backoffUntil !== undefined && now < this.backoffUntil;
  }

  private inErrorCache(now: number): boolean {
    return this.errorCache !== undefined && now < this.errorCache.until;
  }

  // --- the proactive timer: the refresh instant arrives even with no traffic ----------------

  private armTimer(at: number): void {
    this.clearTimer();
    if (!this.options.proactive || this.closed || !Number.isFinite(at)) return;
    // Whole milliseconds, rounded up: a clock reads whole milliseconds, so a fractional delay
    // would fire just before the instant and re-arm with a zero delay, over and over.
    const delay = Math.min(Math.max(Math.ceil(at - this.options.now()), 0), MAX_TIMER_DELAY_MS);
    // The global setTimeout, looked up now, so fake timers installed by tests apply.
    const timer = setTimeout(() => this.onTimer(), delay);
    timer.unref?.();
    this.timer = timer;
  }

  private onTimer(): void {
    this.timer = undefined;
    const cached = this.cached;
    if (cached === undefined || this.closed) return;
    // A timer may fire early (a clamped delay) or late (a frozen process): trust the clock.
    const now = this.options.now();
    const backoffEnd = this.backoffUntil ?? Number.NEGATIVE_INFINITY;
    const dueAt = this.invalidated ? backoffEnd : Math.max(cached.refreshAt, backoffEnd);
    if (now < dueAt) {
      this.armTimer(dueAt);
      return;
    }
    const phase = this.phaseAt(now);
    if (phase !== "fresh" && phase !== "empty") this.refreshInBackground(phase);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  // --- controls ----------------------------------------------------------------------------

  invalidate(accessKeyId: string): void {
    const cached = this.cached;
    if (cached === undefined || cached.identity.accessKeyId !== accessKeyId) {
      this.log("debug", `invalidate(${String(accessKeyId)}) ignored: not the cached key`);
      return;
    }
    if (this.invalidated) return;
    this.invalidated = true;
    this.servedUntil = Number.NEGATIVE_INFINITY;
    const at = this.options.now();
    this.emit({ type: "invalidated", at, accessKeyId });
    this.log("info", `credentials ${accessKeyId} invalidated: the next call refreshes them`);
  }

  close(): void {
    this.closed = true;
    this.clearTimer();
  }

  stats(): CredentialCacheStats {
    const cached = this.cached;
    const now = this.options.now();
    const backoffUntil = this.inBackoff(now) ? this.backoffUntil : undefined;
    const refreshAt = cached !== undefined && Number.isFinite(cached.refreshAt) ? cached.refreshAt : undefined;
    return {
      sourceCalls: this.sourceCalls,
      failures: this.failures,
      blockedCalls: this.blockedCalls,
      lastRefreshAt: this.lastRefreshAt,
      nextRefreshAt: refreshAt === undefined ? undefined : Math.max(refreshAt, backoffUntil ?? refreshAt),
      expiration: cached !== undefined && Number.isFinite(cached.expiration) ? cached.expiration : undefined,
      backoffUntil,
      accessKeyId: cached?.identity.accessKeyId,
    };
  }

  peek(): { credentials?: AwsCredentialIdentity; wouldBlock: boolean } {
    const now = this.options.now();
    const phase = this.phaseAt(now);
    const servesCached = phase === "fresh" || phase === "advisory" || (phase !== "empty" && this.inBackoff(now));
    return { credentials: this.cached?.identity, wouldBlock: !servesCached };
  }

  // --- reporting: events and logs, never a secret ------------------------------------------

  private emit(event: CredentialCacheEvent): void {
    publishEngineEvent(event);
    const onEvent = this.options.onEvent;
    if (onEvent === undefined) return;
    try {
      onEvent(event);
    } catch (error) {
      this.log("warn", `onEvent threw on "${event.type}", ignored: ${errorName(error)}`);
    }
  }

  private log(level: "debug" | "info" | "warn" | "error", message: string): void {
    try {
      this.options.logger[level](`[irsa-credentials] ${message}`);
    } catch {
      // A failing logger must not turn a refresh into a rejection.
    }
  }
}

/** A source result must be a usable, unexpired set; anything else is a failed refresh. */
function checkedIdentity(identity: unknown, now: number): AwsCredentialIdentity {
  const candidate = identity as Partial<AwsCredentialIdentity> | undefined;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.accessKeyId !== "string" ||
    candidate.accessKeyId === "" ||
    typeof candidate.secretAccessKey !== "string" ||
    candidate.secretAccessKey === ""
  ) {
    throw new IrsaCredentialsError("The credential source returned no accessKeyId and secretAccessKey.");
  }
  const expiration = candidate.expiration;
  if (expiration !== undefined) {
    if (!(expiration instanceof Date) || !Number.isFinite(expiration.getTime())) {
      throw new IrsaCredentialsError(
        `The credential source returned credentials ${candidate.accessKeyId} with an invalid expiration.`,
      );
    }
    if (expiration.getTime() <= now) {
      throw new IrsaCredentialsError(
        `The credential source returned credentials ${candidate.accessKeyId} that expired at ` +
          `${expiration.toISOString()} (now ${iso(now)}): check the source and the clock.`,
      );
    }
  }
  return candidate as AwsCredentialIdentity;
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecrets(text);
}

function describeExpiry(expiration: number, now: number): string {
  if (!Number.isFinite(expiration)) return "no expiration";
  return expiration > now ? `valid until ${iso(expiration)}` : `expired at ${iso(expiration)}`;
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
