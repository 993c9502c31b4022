// The refresh engine's decision: a pure function of the engine's state, the clock and what
// asked (a caller, refresh(), the proactive timer). No I/O, no timers, no mutation: the engine
// around it (refresh-engine.ts) carries the decision out.
//
//            fetch ok            refreshAt reached        expiration - mandatory     expiration
//   EMPTY -------------> FRESH -----------------> ADVISORY ---------------------> MANDATORY -------> EXPIRED
//                          ^                        | serve + one refresh behind    | callers wait      | callers wait
//                          +------------------------+-------------------------------+-------------------+
//
// A failed refresh leaves a HOLD (failure-holds.ts) until which no source call starts:
//   backoff     recoverable, set still valid: the set is served until it ends; retries (after the
//               hold, always before the set must be renewed) run behind the callers, who never wait;
//   recovery    recoverable, set expired or nothing cached: callers get the last error at once;
//   error-cache non-recoverable: callers who would wait get the error at once.
// refresh() clears an error cache but keeps a recoverable hold. A timed-out source call still
// pending ("abandoned") blocks every new call to the source until it settles.

import type { AwsCredentialIdentity } from "@smithy/types";
import type { RefreshReason } from "./cache-types.js";
import { FORCED_REFRESH_MIN_INTERVAL_MS, shortSetError } from "./minimum-validity.js";

/** One credential set as the engine holds it, with the instants computed when it arrived. */
export interface CachedSet {
  /** The redacted copy handed to callers. */
  readonly identity: AwsCredentialIdentity;
  /** Epoch ms; Infinity for a set without expiration. */
  readonly expiration: number;
  /** When it arrived, on the engine's clock. */
  readonly arrivedAt: number;
  /** The drawn refresh instant: the advisory phase starts here. */
  readonly refreshAt: number;
  /** Where the mandatory window starts. */
  readonly mandatoryAt: number;
  /**
   * The instant by which a new set should have arrived in the background: the mandatory window,
   * or earlier when a consumer needs a minimum validity. A failure's retry lands before it.
   */
  readonly renewBy: number;
}

/** Which rule a failure put the engine under (see failure-holds.ts). */
export type HoldRule = "backoff" | "recovery" | "error-cache";

/** What the last failed refresh left: no source call before `until`. */
export interface Hold {
  readonly rule: HoldRule;
  readonly until: number;
  readonly error: unknown;
  /** How many failures in a row led to this hold under the same rule (0 for the first). */
  readonly streak: number;
  /** The failure's name and code, to tell a repeated failure from a new one. */
  readonly signature: string;
}

/** Everything the decision looks at. */
export interface EngineState {
  readonly cached: CachedSet | undefined;
  readonly invalidated: boolean;
  /** The last failure's hold, kept after `until` (its error answers while nothing else can). */
  readonly hold: Hold | undefined;
  /** A refresh is running: callers who need one join it. */
  readonly flying: boolean;
  /** A source call that outlived its deadline has not settled: no new call may start. */
  readonly abandoned: boolean;
}

/** `caller-forced`: a caller's `forceRefresh`, which a set that arrived within the last minute answers. */
export type Trigger = "call" | "forced" | "caller-forced" | "timer";

/** `short`: valid, but not for as long as this caller's minimum validity needs. */
export type Phase = "empty" | "fresh" | "advisory" | "mandatory" | "expired" | "invalidated" | "short";

export type Decision =
  | { readonly action: "serve"; readonly identity: AwsCredentialIdentity }
  | { readonly action: "serve-and-refresh"; readonly identity: AwsCredentialIdentity; readonly reason: RefreshReason }
  /** Join the running refresh, or start one with this reason. */
  | { readonly action: "wait"; readonly reason: RefreshReason }
  | { readonly action: "raise"; readonly error: unknown }
  /** Timer only: nothing to do now; look again at `wakeAt` (if any). */
  | { readonly action: "idle"; readonly wakeAt?: number };

/** Where a call made at `now`, needing the set for `horizonMs` more, finds the cached set. */
export function phaseAt(state: Pick<EngineState, "cached" | "invalidated">, now: number, horizonMs = 0): Phase {
  const cached = state.cached;
  if (cached === undefined) return "empty";
  if (now >= cached.expiration) return "expired";
  if (now + horizonMs > cached.expiration) return "short";
  if (state.invalidated) return "invalidated";
  if (now >= cached.mandatoryAt) return "mandatory";
  if (now >= cached.refreshAt) return "advisory";
  return "fresh";
}

/** The decision for `trigger` at `now`, for a caller needing the set for `horizonMs` more. */
export function decide(state: EngineState, now: number, trigger: Trigger, horizonMs = 0): Decision {
  if (trigger === "caller-forced") {
    const recent = state.cached !== undefined && now - state.cached.arrivedAt < FORCED_REFRESH_MIN_INTERVAL_MS;
    trigger = recent ? "call" : "forced";
  }
  const phase = phaseAt(state, now, horizonMs);
  const hold = state.hold !== undefined && now < state.hold.until ? state.hold : undefined;
  const cached = state.cached;
  const valid = cached !== undefined && phase !== "expired" && phase !== "short";

  if (trigger === "forced") {
    // refresh() clears an error cache (the engine does, before deciding) but keeps a recoverable
    // hold: a caller looping on refresh() must not hammer a source that is down.
    if (hold !== undefined) return fallback(state, valid);
    if (state.flying || !state.abandoned) return { action: "wait", reason: "forced" };
    return fallback(state, valid);
  }

  if (trigger === "timer") {
    if (cached === undefined) return { action: "idle" };
    if (phase === "fresh") return { action: "idle", wakeAt: cached.refreshAt };
    if (hold !== undefined) return { action: "idle", wakeAt: hold.until };
    if (state.flying || state.abandoned) return { action: "idle" };
    // Refreshed behind the callers' backs, an expired set too: traffic may come back any time.
    return { action: "serve-and-refresh", identity: cached.identity, reason: phase === "short" ? "minimum-validity" : phase };
  }

  switch (phase) {
    case "fresh":
      return { action: "serve", identity: cached!.identity };
    case "advisory":
      if (hold !== undefined || state.flying || state.abandoned) return { action: "serve", identity: cached!.identity };
      return { action: "serve-and-refresh", identity: cached!.identity, reason: "advisory" };
    case "mandatory":
    case "invalidated":
      // Static stability: under a recoverable failure a valid set is served to its end.
      if (hold !== undefined) {
        return hold.rule === "error-cache" ? { action: "raise", error: hold.error } : { action: "serve", identity: cached!.identity };
      }
      // After a recoverable failure the set is served to its end and retries run behind the callers.
      if (phase === "mandatory" && state.hold?.rule === "backoff") {
        if (state.flying || state.abandoned) return { action: "serve", identity: cached!.identity };
        return { action: "serve-and-refresh", identity: cached!.identity, reason: phase };
      }
      if (state.flying || !state.abandoned) return { action: "wait", reason: phase };
      return { action: "serve", identity: cached!.identity };
    case "short":
      // A set that arrived within the last minute is what the source hands out: refused, not re-fetched.
      if (now - cached!.arrivedAt < FORCED_REFRESH_MIN_INTERVAL_MS && !state.flying) {
        return { action: "raise", error: shortSetError(cached!.expiration - now, horizonMs, cached!.identity.accessKeyId) };
      }
      if (hold !== undefined) return { action: "raise", error: hold.error };
      if (state.flying || !state.abandoned) return { action: "wait", reason: "minimum-validity" };
      return { action: "raise", error: state.hold?.error };
    case "empty":
    case "expired":
      // An expired set is never served: AWS clients would fail with confusing signature errors.
      if (hold !== undefined) return { action: "raise", error: hold.error };
      if (state.flying || !state.abandoned) return { action: "wait", reason: phase };
      return fallback(state, false);
  }
}

/** No source call may start: the valid set if there is one, else the last failure. */
function fallback(state: EngineState, valid: boolean): Decision {
  if (valid) return { action: "serve", identity: state.cached!.identity };
  return { action: "raise", error: state.hold?.error };
}

/** How one refresh ended. */
export type Outcome =
  | { readonly ok: true; readonly identity: AwsCredentialIdentity }
  | { readonly ok: false; readonly error: unknown; readonly recoverable: boolean };

/**
 * What a caller who waited for a refresh gets: the new set (refused if it cannot live as long as
 * the caller's minimum validity); after a recoverable failure the cached set while it is still
 * valid for that long; else the error.
 */
export function answerAfterRefresh(outcome: Outcome, cached: CachedSet | undefined, now: number, horizonMs = 0): Decision {
  if (outcome.ok) {
    const remainingMs = (outcome.identity.expiration?.getTime() ?? Infinity) - now;
    if (remainingMs < horizonMs) return { action: "raise", error: shortSetError(remainingMs, horizonMs, outcome.identity.accessKeyId) };
    return { action: "serve", identity: outcome.identity };
  }
  if (outcome.recoverable && cached !== undefined && now + horizonMs < cached.expiration) return { action: "serve", identity: cached.identity };
  return { action: "raise", error: outcome.error };
}
