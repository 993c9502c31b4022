// The refresh engine: carries out `decide` (decide.ts) around one credential source. It owns the
// single flight (async-mutex, the one mechanism), each refresh's deadline, the proactive timer
// (holding only a WeakRef to the engine, so a dropped engine is collected), the counters, and the
// fan-out of events to every observer sharing it. The fast path (FRESH) is one clock read and two
// comparisons (refresh instant, the caller's minimum validity), returning a promise made once per set.

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
import { Horizons } from "./horizons.js";
import { newCounters, statsOf } from "./engine-stats.js";
import { minimumValidityOf } from "./minimum-validity.js";
import { scheduleSet } from "./set-schedule.js";
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
  /** The fast path serves `served` while the clock is below `servedUntil` and the call's horizon ends before the cached set's expiration. */
  private served: Promise<AwsCredentialIdentity> | undefined;
  private servedUntil = Number.NEGATIVE_INFINITY;
  /** The minimum validities of the live consumers: the largest shapes each set's schedule. */
  private readonly horizons = new Horizons(() => this.cached !== undefined && this.place(this.cached));
  /** The only single-flight guard: a refresh runs while it is locked. */
  private readonly mutex = new Mutex();
  /** How the last refresh ended, read by the callers who waited for it. */
  private lastOutcome: Outcome | undefined;
  private inputsAtFailure: string | undefined;
  private readonly timer = new ProactiveTimer(this);
  private closed = false;
  private readonly observers = new EngineObservers();
  private readonly counters = newCounters();

  constructor(
    private readonly source: AwsCredentialIdentityProvider,
    private readonly options: ResolvedCacheOptions,
    /** Releases what the source opened (its STS client); called on close and after a late refresh. */
    private readonly release: () => void = () => {},
  ) {}

  /** A call; `horizonMs`: how long the set must still be valid (default: the identity property). */
  get(identityProperties?: Record<string, unknown>, horizonMs = minimumValidityOf(identityProperties)): Promise<AwsCredentialIdentity> {
    const forced = identityProperties?.forceRefresh === true;
    if (!forced) {
      const now = this.options.now();
      // servedUntil is finite only once place() has set `cached`, so the set is there.
      if (now < this.servedUntil && now + horizonMs <= this.cached!.expiration) return this.served!;
    }
    return this.answer(forced ? "caller-forced" : "call", horizonMs);
  }

  refresh(): Promise<AwsCredentialIdentity> {
    return this.answer("forced");
  }

  private state(): EngineState {
    return { cached: this.cached, invalidated: this.invalidated, hold: this.hold, flying: this.mutex.isLocked(), abandoned: this.abandoned };
  }

  private async answer(trigger: Trigger, horizonMs = 0): Promise<AwsCredentialIdentity> {
    const now = this.options.now();
    if (this.hold?.rule === "error-cache" && now < this.hold.until) {
      if (trigger === "forced") this.resetFailures();
      else if (this.inputsAtFailure !== environmentFingerprint(process.env)) this.resetFailures();
    }
    const decision = decide(this.state(), now, trigger, horizonMs);
    if (decision.action !== "wait") return this.settle(decision);
    this.counters.blockedCalls++;
    const outcome = await this.flight(decision.reason, false);
    return this.settle(answerAfterRefresh(outcome, this.cached, this.options.now(), horizonMs));
  }

  private settle(decision: Decision): AwsCredentialIdentity {
    if (decision.action === "raise") throw decision.error;
    if (decision.action === "serve-and-refresh") void this.flight(decision.reason, true);
    if (decision.action === "serve" || decision.action === "serve-and-refresh") return decision.identity;
    throw new Error(`unexpected decision ${decision.action}`);
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
      this.counters.sourceCalls++;
      this.emit({ type: "refresh-started", reason, at: startedAt, background }, background);
      const forced = reason === "forced" || reason === "invalidated" || reason === "minimum-validity";
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

  /** Any phase -> FRESH with the new set; its windows and refresh instant drawn now. */
  private succeeded(identity: AwsCredentialIdentity, reason: RefreshReason, startedAt: number, events: CredentialCacheEvent[]): void {
    const at = this.options.now();
    const expiration = identity.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    const safe = redactedCredentials(identity);
    this.served = Promise.resolve(safe);
    this.invalidated = false;
    this.hold = undefined;
    // A shared group's follower takes its leader's refresh instant (sharing/refresh-hint.ts).
    const refreshAt = this.place({ identity: safe, expiration, arrivedAt: at }, identity);
    this.counters.lastRefreshAt = at;
    this.lastOutcome = { ok: true, identity: safe };
    const finite = Number.isFinite(expiration);
    const [expiresAt, nextRefreshAt] = finite ? [expiration, refreshAt] : [undefined, undefined];
    events.push({ type: "refresh-succeeded", reason, at, durationMs: at - startedAt, accessKeyId: safe.accessKeyId, expiration: expiresAt, nextRefreshAt });
  }

  /** A failure leaves a hold (failure-holds.ts): the rule bounding the next source calls. */
  private failed(error: unknown, reason: RefreshReason, startedAt: number, events: CredentialCacheEvent[]): void {
    const at = this.options.now();
    const recoverable = isRecoverable(error);
    this.counters.failures++;
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

  /** Adds a consumer's minimum validity to the schedule; returns the function that removes it. */
  addHorizon = (horizonMs: number): (() => void) => this.horizons.add(horizonMs);

  /** Holds `set` with its instants drawn for the consumers' largest horizon; returns its refresh instant. */
  private place(set: Pick<CachedSet, "identity" | "expiration" | "arrivedAt">, received?: AwsCredentialIdentity): number {
    const schedule = scheduleSet(set.expiration, set.arrivedAt, this.horizons.max, this.options);
    const hinted = received === undefined ? undefined : refreshAtHintOf(received, set.arrivedAt, schedule.renewBy);
    this.cached = { ...set, ...schedule, ...(hinted !== undefined && { refreshAt: hinted }) };
    const refreshAt = this.cached.refreshAt;
    if (!this.invalidated) this.servedUntil = refreshAt;
    this.armTimer(this.hold !== undefined && this.hold.until > refreshAt ? this.hold.until : refreshAt);
    return refreshAt;
  }

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
    return statsOf(this.counters, this.cached, this.hold, this.options.now());
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
