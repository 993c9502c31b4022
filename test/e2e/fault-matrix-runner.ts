// Runs one row of the fault matrix end to end: a real `fromWebIdentity` provider against the local
// STS over real HTTP, its cached set placed into a state by the engine's clock, and a real v3
// STSClient as the caller (it signs GetCallerIdentity with whatever the provider hands out, so the
// local STS's log tells which key the caller got).

import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type CredentialCacheEvent, type FromWebIdentityInit } from "@irsa/web-identity";
import type { AwsCredentialIdentity } from "@smithy/types";
import { vi } from "vitest";
import type { CacheState, CallerGets, RefreshOutcome, SingleFaultOutcome, StsFault } from "./fault-matrix-table.js";
import type { OutputCapture } from "./redaction-capture.js";

/** The seeded set lives 15 minutes: advisory window 5 min, mandatory window 60 s (the engine's tiers). */
export const SEED_DURATION_SECONDS = 900;
/** Where each state puts the engine's clock, relative to the seeded set's expiration. */
export const STATE_OFFSET_MS: Record<Exclude<CacheState, "nothing cached">, number> = {
  "advisory window": -180_000,
  "mandatory window": -30_000,
  expired: 30_000,
};
/** A fault that lasts the whole refresh is queued for more calls than a refresh and its next call make. */
const PERSISTENT_FAULT_CALLS = 10;
/** Attempt timeout for the hang rows; the fake timers advance past it, no wall time is spent. */
export const HANG_ATTEMPT_TIMEOUT_MS = 100;

const ACTION = "AssumeRoleWithWebIdentity" as const;

export interface RunContext {
  readonly world: IrsaWorld;
  readonly capture: OutputCapture;
  /** Everything the run opens, closed by the caller's afterEach. */
  readonly opened: Array<{ close(): void } | { destroy(): void }>;
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Waits for `promise`. For a hanging fault, fake timers are installed and each hung STS call is
 * ended by advancing them past the attempt timeout, once the local STS has seen the call.
 */
async function settle<T>(promise: Promise<T>, context: RunContext, hangs: boolean): Promise<Settled<T>> {
  let done = false;
  const result = promise.then(
    (value): Settled<T> => ({ ok: true, value }),
    (error: unknown): Settled<T> => ({ ok: false, error }),
  );
  void result.then(() => {
    done = true;
  });
  if (hangs) {
    const hung = () => context.world.sts.requests.filter((r) => r.fault === "hang").length;
    let ended = hung();
    while (!done) {
      await vi.waitFor(
        () => {
          if (!done && hung() <= ended) throw new Error("waiting for the next hung STS call");
        },
        { timeout: 10_000, interval: 2 },
      );
      if (done) break;
      ended = hung();
      await vi.advanceTimersByTimeAsync(HANG_ATTEMPT_TIMEOUT_MS);
    }
  }
  return result;
}

function assumeCalls(world: IrsaWorld): number {
  return world.sts.calls(ACTION);
}

function describeFailure(event: Extract<CredentialCacheEvent, { type: "refresh-failed" }>): string {
  return `fails: ${event.errorName}, ${event.recoverable ? "recoverable" : "non-recoverable"}`;
}

function describeError(error: unknown): string {
  const fields = error as { name?: string; code?: string; recoverable?: boolean };
  const code = fields.code !== undefined ? ` ${fields.code}` : "";
  return `${fields.name ?? typeof error}${code}, ${fields.recoverable === false ? "non-recoverable" : "recoverable"}`;
}

interface Observation {
  readonly persistent: boolean;
  readonly caller: CallerGets;
  readonly refresh: string;
  readonly stsCalls: number;
  readonly backoff: boolean;
  readonly nextCall?: RefreshOutcome["nextCall"];
  /** The error the caller got, when it got one. */
  readonly callerError?: unknown;
}

/** Runs `fault` in `state`, persistent (every call fails) or once (one call fails). */
async function run(context: RunContext, fault: StsFault, state: CacheState, persistent: boolean): Promise<Observation> {
  const { world, capture } = context;
  const hangs = fault.hangs === true;
  if (hangs) vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  try {
    world.sts.faults.clear();
    let clock = Date.now();
    const events: CredentialCacheEvent[] = [];
    let onRefreshEnd: (() => void) | undefined;
    const init: FromWebIdentityInit = {
      roleArn: world.roleArn,
      webIdentityTokenFile: world.tokenFile.path,
      region: world.region,
      clientConfig: { endpoint: world.sts.endpoint },
      proactive: false,
      now: () => clock,
      random: () => 0, // backoff 300 s, error cache 1 s, refresh instant at the start of the advisory window
      retry: { sleep: async () => {}, ...(hangs && { attemptTimeoutMs: HANG_ATTEMPT_TIMEOUT_MS }) },
      logger: capture.logger,
      onEvent: (event) => {
        capture.onEvent(event);
        events.push(event);
        if (event.type === "refresh-succeeded" || event.type === "refresh-failed") onRefreshEnd?.();
      },
    };
    const provider = fromWebIdentity(init);
    context.opened.push(provider);

    let seeded: AwsCredentialIdentity | undefined;
    if (state !== "nothing cached") {
      // The configuration is read on every refresh: the seeded set is short (15 min) and the
      // refreshed one lasts an hour, so a new set is valid on the moved clock even in "expired".
      init.durationSeconds = SEED_DURATION_SECONDS;
      seeded = await provider();
      capture.object("seeded credentials", seeded);
      delete init.durationSeconds;
      clock = seeded.expiration!.getTime() + STATE_OFFSET_MS[state];
    }

    const callsBefore = assumeCalls(world);
    const eventsBefore = events.length;
    fault.inject(world.sts.faults, persistent ? PERSISTENT_FAULT_CALLS : 1);
    const refreshEnded = new Promise<void>((resolve) => {
      onRefreshEnd = resolve;
    });

    // The caller: a real v3 client, signing GetCallerIdentity with what the provider hands out.
    const client = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials: provider, maxAttempts: 1 });
    context.opened.push(client);
    const answer = await settle(client.send(new GetCallerIdentityCommand({})), context, hangs);
    await settle(refreshEnded, context, hangs);
    const stsCalls = assumeCalls(world) - callsBefore;
    const refreshEvent = events.slice(eventsBefore).find((e) => e.type === "refresh-succeeded" || e.type === "refresh-failed");
    const refresh =
      refreshEvent === undefined ? "none" : refreshEvent.type === "refresh-succeeded" ? "new set" : describeFailure(refreshEvent);
    const backoff = events.slice(eventsBefore).some((e) => e.type === "backoff");
    capture.object("provider", provider);
    capture.object("stats", provider.stats);

    let caller: CallerGets;
    if (answer.ok) {
      const signedBy = world.sts.requests.filter((r) => r.action === "GetCallerIdentity").at(-1)?.accessKeyId;
      if (signedBy !== undefined && signedBy === seeded?.accessKeyId) {
        caller = state === "expired" ? "cached credentials, expired" : "cached credentials";
      } else if (signedBy !== undefined && world.sts.issuedCredentials.has(signedBy)) {
        caller = "new credentials";
      } else {
        throw new Error(`the caller signed with an unknown key ${String(signedBy)}`);
      }
    } else {
      capture.error(answer.error);
      caller = `error: ${describeError(answer.error)}`;
    }
    if (!persistent) return { persistent, caller, refresh, stsCalls, backoff };

    const callsBeforeNext = assumeCalls(world);
    const next = await settle(provider(), context, hangs);
    if (!next.ok) capture.error(next.error);
    else capture.object("next credentials", next.value);
    let nextCall: RefreshOutcome["nextCall"];
    if (assumeCalls(world) > callsBeforeNext) nextCall = "calls STS again";
    else if (next.ok) nextCall = "cached, no STS call";
    else if (!answer.ok && next.error === answer.error) nextCall = "same error, no STS call";
    else throw new Error(`the next call failed without calling STS with another error: ${describeError(next.error)}`);
    return { persistent, caller, refresh, stsCalls, backoff, nextCall, ...(!answer.ok && { callerError: answer.error }) };
  } finally {
    world.sts.faults.clear();
    if (hangs) vi.useRealTimers();
  }
}

/** The persistent outcome of a row, as the table pins it. */
export async function observePersistent(context: RunContext, fault: StsFault, state: CacheState): Promise<RefreshOutcome & { callerError?: unknown }> {
  const { caller, refresh, stsCalls, backoff, nextCall, callerError } = await run(context, fault, state, true);
  return { caller, refresh, stsCalls, backoff, nextCall: nextCall!, ...(callerError !== undefined && { callerError }) };
}

/** The single-fault outcome of a row. */
export async function observeOnce(context: RunContext, fault: StsFault, state: CacheState): Promise<SingleFaultOutcome> {
  const { caller, refresh, stsCalls } = await run(context, fault, state, false);
  return { caller, refresh, stsCalls };
}
