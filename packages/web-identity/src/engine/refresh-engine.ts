// The refresh engine: carries out `decide` (decide.ts) around one credential source. It owns
// the single flight (async-mutex, the one mechanism), the deadline of each refresh, the
// proactive timer (holding only a WeakRef to the engine, so a dropped engine is collected), the
// counters, and the fan-out of events to every observer sharing it.
//
// The fast path (FRESH) is one clock read and one comparison, returning a promise made once per set.

import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { Mutex } from "async-mutex";
import type { ResolvedCacheOptions } from "./cache-options.js";
import type { CredentialCacheEvent, CredentialCacheStats, RefreshReason } from "./cache-types.js";
import { environmentFingerprint } from "./configuration-key.js";
import { answerAfterRefresh, decide, type CachedSet, type Decision, type EngineState, type Hold, type Outcome, type Trigger } from "./decide.js";
import { logLineFor } from "./engine-log.js";
import { holdAfterFailure } from "./failure-holds.js";
import { errorMessage, errorName, settled } from "./identity-check.js";
import { ProactiveTimer } from "./proactive-timer.js";
import { RefreshTimeoutError, withDeadline } from "./refresh-timeout.js";
import { drawRefreshAt, windowsForSet } from "./refresh-windows.js";
import { EngineObservers, type EngineObserver } from "./engine-observers.js";
import { publishEngineEvent } from "./diagnostics-channels.js";
import { isRecoverable } from "../shared/errors.js";
import { refreshAtHintOf } from "../sharing/refresh-hint.js";
import { redactedCredentials } from "../shared/redact.js";

export class RefreshEngine {
  // --- state (what `decide` reads) ---------------------------------------------------------
  private cached: CachedSet | undefined;
  private invalidated = false;
  private hold: Hold | undefined;
  private abandoned = false;
  /** The fast path serves `served` while the clock is below `servedUntil`. */
  private servedUntil = Number.NEGATIVE_INFINITY;
  private served: Promise<AwsCredentialIdentity> | undefined;
  /** The only single-flight guard: a refresh runs while it is locked. */
  private readonly mutex = new Mutex();
  /** How the last refresh ended, read by the callers who waited for it. */
  private lastOutcome: Outcome | undefined;
  private inputsAtFailure: string | undefined;
  private readonly timer = new ProactiveTimer(this);
  private closed = false;
  private readonly observers = new EngineObservers();
  // --- counters (stats) --------------------------------------------------------------------
  private sourceCalls = 0;
  private failures = 0;
  private blockedCalls = 0;
  private lastRefreshAt: number | undefined;

  constructor(
    private readonly source: AwsCredentialIdentityProvider,
    private readonly options: ResolvedCacheOptions,
    /** Releases what the source opened (its STS client); called on close and after a late refresh. */
    private readonly release: () => void = () => {},
  ) {}

  // --- calls ---------------------------------------------------------------------------------

  get(identityProperties?: Record<string, unknown>): Promise<AwsCredentialIdentity> {
    const forced = identityProperties?.forceRefresh === true;
    if (!forced && this.options.now() < this.servedUntil) return this.served!;
    return this.answer(forced ? "forced" : "call");
  }

  refresh(): Promise<AwsCredentialIdentity> {
    return this.answer("forced");
  }

  private state(): EngineState {
    return { cached: this.cached, invalidated: this.invalidated, hold: this.hold, flying: this.mutex.isLocked(), abandoned: this.abandoned };
  }

  private async answer(trigger: Trigger): Promise<AwsCredentialIdentity> {
    const now = this.options.now();
    if (this.hold?.rule === "error-cache" && now < this.hold.until) {
      if (trigger === "forced") this.resetFailures();
      else if (this.inputsAtFailure !== environmentFingerprint(process.env)) this.resetFailures();
    }
    const decision = decide(this.state(), now, trigger);
    if (decision.action !== "wait") return this.settle(decision);
    this.blockedCalls++;
    const outcome = await this.flight(decision.reason, false);
    return this.settle(answerAfterRefresh(outcome, this.cached, this.options.now()));
  }

  private settle(decision: Decision): AwsCredentialIdentity {
    switch (decision.action) {
      case "serve":
        return decision.identity;
      case "serve-and-refresh":
        void this.flight(decision.reason, true);
        return decision.identity;
      case "raise":
        throw decision.error;
      default:
        throw new Error(`unexpected decision ${decision.action}`);
    }
  }

  // --- the single flight ---------------------------------------------------------------------

  /** Joins the running refresh, or starts one; resolves with how it ended. Never rejects. */
  private async flight(reason: RefreshReason, background: boolean): Promise<Outcome> {
    // acquire() takes the lock in this tick and the source is called in this tick too; run()
    // releases the lock in the tick the outcome lands.
    if (!this.mutex.isLocked()) {
      void this.mutex.acquire();
      void this.run(reason, background);
    }
    await this.mutex.waitForUnlock();
    return this.lastOutcome!;
  }

  private async run(reason: RefreshReason, background: boolean): Promise<void> {
    const startedAt = this.options.now();
    const events: CredentialCacheEvent[] = [];
    try {
      this.sourceCalls++;
      this.emit({ type: "refresh-started", reason, at: startedAt, background }, background);
      const forced = reason === "forced" || reason === "invalidated";
      // The flight is shared, so no caller's properties are forwarded; only the need for a new set.
      const call = settled(() => this.source(forced ? { forceRefresh: true } : undefined), this.options.now);
      const timeoutMs = this.options.refreshTimeoutMs;
      const outcome = await withDeadline<Outcome | undefined>(call, timeoutMs, () => undefined);
      if (outcome === undefined) {
        // At most one abandoned call: nothing new starts until it settles; a late set is kept.
        this.abandoned = true;
        void call.then((late) => this.lateAnswer(late, reason, startedAt));
        events.push({ type: "refresh-timed-out", reason, at: this.options.now(), timeoutMs });
        this.failed(new RefreshTimeoutError(timeoutMs, reason), reason, startedAt, events);
      } else if (outcome.ok) {
        this.succeeded(outcome.identity, reason, startedAt, events);
      } else {
        this.failed(outcome.error, reason, startedAt, events);
      }
    } finally {
      // The flight ends in the same tick as the state it produced; observers hear of it after.
      this.mutex.release();
    }
    for (const event of events) this.emit(event, background);
    // refresh() after close(): what this refresh opened is released again.
    if (this.closed && !this.abandoned) this.release();
  }

  private lateAnswer(late: Outcome, reason: RefreshReason, startedAt: number): void {
    this.abandoned = false;
    const events: CredentialCacheEvent[] = [];
    if (late.ok && !this.closed && !this.mutex.isLocked()) this.succeeded(late.identity, reason, startedAt, events);
    for (const event of events) this.emit(event, true);
    if (this.closed) this.release();
  }

  // --- transitions ---------------------------------------------------------------------------

  /** Any phase -> FRESH with the new set; its windows and refresh instant drawn now. */
  private succeeded(identity: AwsCredentialIdentity, reason: RefreshReason, startedAt: number, events: CredentialCacheEvent[]): void {
    const at = this.options.now();
    const expiration = identity.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    let refreshAt = Number.POSITIVE_INFINITY;
    let mandatoryAt = Number.POSITIVE_INFINITY;
    if (Number.isFinite(expiration)) {
      const { advisoryWindowMs, mandatoryWindowMs, jitter, random } = this.options;
      const windows = windowsForSet({ lifetimeMs: expiration - at, advisoryWindowMs, mandatoryWindowMs });
      mandatoryAt = expiration - windows.mandatoryMs;
      // Whole milliseconds, like the clock: stats and timers then land exactly on the instant.
      // A shared group's follower takes its leader's instant (sharing/refresh-hint.ts).
      refreshAt = refreshAtHintOf(identity, at, mandatoryAt) ?? Math.ceil(drawRefreshAt(expiration, windows, jitter, random));
    }
    const safe = redactedCredentials(identity);
    this.cached = { identity: safe, expiration, refreshAt, mandatoryAt };
    this.served = Promise.resolve(safe);
    this.servedUntil = refreshAt;
    this.invalidated = false;
    this.hold = undefined;
    this.lastRefreshAt = at;
    this.lastOutcome = { ok: true, identity: safe };
    this.armTimer(refreshAt);
    const finite = Number.isFinite(expiration);
    events.push({
      type: "refresh-succeeded",
      reason,
      at,
      durationMs: at - startedAt,
      accessKeyId: safe.accessKeyId,
      expiration: finite ? expiration : undefined,
      nextRefreshAt: finite ? refreshAt : undefined,
    });
  }

  /** A failure leaves a hold (failure-holds.ts): the rule bounding the next source calls. */
  private failed(error: unknown, reason: RefreshReason, startedAt: number, events: CredentialCacheEvent[]): void {
    const at = this.options.now();
    const recoverable = isRecoverable(error);
    this.failures++;
    this.lastOutcome = { ok: false, error, recoverable };
    events.push({ type: "refresh-failed", reason, at, durationMs: at - startedAt, recoverable, errorName: errorName(error), message: errorMessage(error) });
    const hold = holdAfterFailure(this.hold, { error, recoverable }, this.cached, at, this.options);
    this.hold = hold;
    if (hold === undefined) return;
    this.inputsAtFailure = environmentFingerprint(process.env);
    if (hold.rule === "error-cache") events.push({ type: "error-cached", at, until: hold.until, errorName: errorName(error) });
    else events.push({ type: "backoff", at, until: hold.until, rule: hold.rule });
    this.armTimer(hold.until);
  }

  /** Anything that could change a non-recoverable answer ends its error cache. */
  resetFailures(): void {
    if (this.hold?.rule === "error-cache") this.hold = undefined;
  }

  // --- the proactive timer: the refresh instant arrives even with no traffic ------------------

  private armTimer(at: number): void {
    if (this.options.proactive && !this.closed) this.timer.arm(at, this.options.now());
    else this.timer.clear();
  }

  /** Called by the timer (through a WeakRef); it may fire early or late: `decide` reads the clock. */
  onTimer(): void {
    if (this.closed) return;
    const decision = decide(this.state(), this.options.now(), "timer");
    if (decision.action === "serve-and-refresh") void this.flight(decision.reason, true);
    else if (decision.action === "idle" && decision.wakeAt !== undefined) this.armTimer(decision.wakeAt);
  }

  // --- controls --------------------------------------------------------------------------------

  invalidate(accessKeyId: string): void {
    const cached = this.cached;
    if (cached === undefined || cached.identity.accessKeyId !== accessKeyId || this.invalidated) return;
    this.invalidated = true;
    this.servedUntil = Number.NEGATIVE_INFINITY;
    this.resetFailures();
    this.emit({ type: "invalidated", at: this.options.now(), accessKeyId }, false);
  }

  close(): void {
    this.closed = true;
    this.timer.clear();
    // A refresh under way keeps what it uses (its STS client and socket) until it ends, and run()
    // or lateAnswer() releases it then: closing, or dropping the last provider, never aborts a call.
    if (!this.mutex.isLocked() && !this.abandoned) this.release();
  }

  stats(): CredentialCacheStats {
    const cached = this.cached;
    const now = this.options.now();
    const hold = this.hold;
    const backoffUntil = hold !== undefined && hold.rule !== "error-cache" && now < hold.until ? hold.until : undefined;
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
    const decision = decide(this.state(), this.options.now(), "call");
    return { credentials: this.cached?.identity, wouldBlock: decision.action === "wait" || decision.action === "raise" };
  }

  // --- observers: each provider's logger and onEvent; none can break a refresh ----------------

  /** Adds a provider's observers; returns the function that removes them. */
  observe(observer: EngineObserver): () => void {
    return this.observers.add(observer);
  }

  emit(event: CredentialCacheEvent, background: boolean): void {
    publishEngineEvent(event);
    this.observers.publish(event, logLineFor(event, { background, cached: this.cached }));
  }
}
