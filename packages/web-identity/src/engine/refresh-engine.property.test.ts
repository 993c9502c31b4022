// Property tests of the refresh engine: random sequences of time steps, source outcomes (fresh,
// recoverable error, non-recoverable error, stale set, slow answers), calls, forced refreshes and
// invalidations, against the invariants of the engine's contract.
import type { AwsCredentialIdentity } from "@smithy/types";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CachedCredentialProvider, CredentialCacheEvent } from "./cache-types.js";
import { DEFAULT_JITTER } from "./cache-options.js";
import { markNonRecoverable } from "../shared/errors.js";
import { withCredentialCache } from "./refresh-engine.js";
import { HOUR, MINUTE, ScriptedSource, credentialSet, seededRandom, settle, track } from "./refresh-engine.test-support.js";

const T0 = Date.UTC(2030, 0, 1);
const MANDATORY = MINUTE;

type Outcome =
  | { kind: "fresh"; lifetimeMs: number }
  | { kind: "recoverable" }
  | { kind: "non-recoverable" }
  | { kind: "stale"; agoMs: number };

/** An instant of the engine's own schedule, for time steps that land next to it. */
type Landmark = "nextRefreshAt" | "mandatoryAt" | "expiration" | "backoffUntil";

type Command =
  | { kind: "advance"; ms: number }
  | { kind: "advance-to"; landmark: Landmark; offsetMs: number }
  | { kind: "call" }
  | { kind: "force" }
  | { kind: "invalidate-current" }
  | { kind: "invalidate-stale" }
  | { kind: "answer"; outcome: Outcome };

const freshOutcome = fc.record({
  kind: fc.constant("fresh" as const),
  lifetimeMs: fc.constantFrom(15 * MINUTE, HOUR, 2 * HOUR, 12 * HOUR),
});
const anyOutcome: fc.Arbitrary<Outcome> = fc.oneof(
  { weight: 2, arbitrary: freshOutcome },
  { weight: 2, arbitrary: fc.constant({ kind: "recoverable" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "non-recoverable" as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("stale" as const), agoMs: fc.integer({ min: 0, max: HOUR }) }) },
);
const advance = fc.oneof(
  fc.integer({ min: 0, max: 2_000 }),
  fc.integer({ min: 0, max: 10 * MINUTE }),
  fc.integer({ min: 0, max: 3 * HOUR }),
);

function commands(outcome: fc.Arbitrary<Outcome>, withInvalidation: boolean): fc.Arbitrary<Command[]> {
  const command: fc.Arbitrary<Command> = fc.oneof(
    { weight: 1, arbitrary: advance.map((ms) => ({ kind: "advance" as const, ms })) },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant("advance-to" as const),
        landmark: fc.constantFrom<Landmark>("nextRefreshAt", "mandatoryAt", "expiration", "backoffUntil"),
        offsetMs: fc.integer({ min: -2_000, max: 2_000 }),
      }),
    },
    { weight: 5, arbitrary: fc.constant({ kind: "call" as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: "force" as const }) },
    { weight: withInvalidation ? 1 : 0, arbitrary: fc.constant({ kind: "invalidate-current" as const }) },
    { weight: 1, arbitrary: fc.constant({ kind: "invalidate-stale" as const }) },
    { weight: 4, arbitrary: outcome.map((o) => ({ kind: "answer" as const, outcome: o })) },
  );
  // Most runs start from a cached set, where the windows, backoffs and invalidations live.
  const primed: Command[] = [{ kind: "call" }, { kind: "answer", outcome: { kind: "fresh", lifetimeMs: HOUR } }];
  return fc
    .tuple(fc.boolean(), fc.array(command, { minLength: 1, maxLength: 60 }))
    .map(([startPrimed, rest]) => (startPrimed ? [...primed, ...rest] : rest));
}

let engines: CachedCredentialProvider[] = [];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
  vi.setSystemTime(T0);
});

afterEach(() => {
  for (const engine of engines) engine.close();
  engines = [];
  vi.useRealTimers();
});

interface Run {
  source: ScriptedSource;
  provider: CachedCredentialProvider;
  events: CredentialCacheEvent[];
  /** Source calls and engine events, in the order they happened. */
  timeline: Array<{ kind: "source-call"; at: number } | { kind: "event"; event: CredentialCacheEvent }>;
  /** Every call made by the run, with what it resolved to and when. */
  calls: Array<{ tracked: ReturnType<typeof track<AwsCredentialIdentity>>; resolvedAt?: number; expiration?: number }>;
}

/** Plays the commands against a fresh engine (proactive timer on), checking per-call invariants. */
async function play(script: Command[], seed: number): Promise<Run> {
  vi.setSystemTime(T0);
  const source = new ScriptedSource();
  const timeline: Run["timeline"] = [];
  const events: CredentialCacheEvent[] = [];
  let counter = 0;
  const rng = seededRandom(seed);
  const provider = withCredentialCache(
    async (properties) => {
      timeline.push({ kind: "source-call", at: Date.now() });
      return source.provider(properties);
    },
    {
      random: rng,
      onEvent: (event) => {
        events.push(event);
        timeline.push({ kind: "event", event });
      },
    },
  );
  const run: Run = { source, provider, events, timeline, calls: [] };
  let invalidatedKey: string | undefined;
  let setsInstalled = provider.stats.lastRefreshAt;

  const makeCall = async (forced: boolean) => {
    const stats = provider.stats;
    const now = Date.now();
    const outsideMandatory =
      stats.accessKeyId !== undefined &&
      stats.expiration !== undefined &&
      now < stats.expiration - MANDATORY &&
      invalidatedKey !== stats.accessKeyId;
    const entry: Run["calls"][number] = { tracked: track(forced ? provider.refresh() : provider()) };
    entry.tracked.promise.then(
      (set) => {
        entry.resolvedAt = Date.now();
        entry.expiration = set.expiration?.getTime();
      },
      () => {},
    );
    run.calls.push(entry);
    await settle();
    // Invariant: a caller never waits while a set outside the mandatory window is cached.
    if (!forced && outsideMandatory) expect(entry.tracked.done).toBe(true);
  };

  const step = async (command: Command): Promise<void> => {
    switch (command.kind) {
      case "advance":
        await vi.advanceTimersByTimeAsync(command.ms);
        break;
      case "advance-to": {
        const target = landmark(provider, command.landmark);
        if (target !== undefined) await vi.advanceTimersByTimeAsync(Math.max(0, target + command.offsetMs - Date.now()));
        break;
      }
      case "call":
        await makeCall(false);
        break;
      case "force":
        await makeCall(true);
        break;
      case "invalidate-current": {
        const key = provider.stats.accessKeyId;
        if (key !== undefined) {
          provider.invalidate(key);
          invalidatedKey = key;
        }
        break;
      }
      case "invalidate-stale":
        provider.invalidate("ASIANEVERISSUED");
        break;
      case "answer":
        if (source.waiting > 0) answer(source, command.outcome, ++counter);
        await settle();
        break;
    }
    if (provider.stats.lastRefreshAt !== setsInstalled) {
      setsInstalled = provider.stats.lastRefreshAt;
      invalidatedKey = undefined;
    }
  };

  try {
    for (const command of script) await step(command);
    // Let every pending call finish: the source answers fresh from now on.
    while (source.waiting > 0) {
      answer(source, { kind: "fresh", lifetimeMs: HOUR }, ++counter);
      await settle();
    }
    await settle();
  } finally {
    provider.close(); // the next run must not see this engine's timer
  }
  return run;
}

function landmark(provider: CachedCredentialProvider, which: Landmark): number | undefined {
  const stats = provider.stats;
  switch (which) {
    case "nextRefreshAt":
      return stats.nextRefreshAt;
    case "mandatoryAt":
      return stats.expiration === undefined ? undefined : stats.expiration - MANDATORY;
    case "expiration":
      return stats.expiration;
    case "backoffUntil":
      return stats.backoffUntil;
  }
}

function answer(source: ScriptedSource, outcome: Outcome, n: number): void {
  const now = Date.now();
  switch (outcome.kind) {
    case "fresh":
      return source.succeed(credentialSet(`K${n}`, now + outcome.lifetimeMs));
    case "stale":
      return source.succeed(credentialSet(`STALE${n}`, now - outcome.agoMs));
    case "recoverable":
      return source.fail(Object.assign(new Error("ServiceUnavailable"), { n }));
    case "non-recoverable":
      return source.fail(markNonRecoverable(new Error("AccessDenied")));
  }
}


describe("refresh engine invariants over random runs", () => {
  it("at most one source call in flight; no source call during a backoff; no caller waits while a set outside the mandatory window is cached; every call settles", async () => {
    await fc.assert(
      fc.asyncProperty(commands(anyOutcome, true), fc.integer(), async (script, seed) => {
        const run = await play(script, seed);
        expect(run.source.maxInFlight).toBeLessThanOrEqual(1);
        expect(run.provider.stats.sourceCalls).toBe(run.source.calls);
        let backoffUntil = Number.NEGATIVE_INFINITY;
        for (const entry of run.timeline) {
          if (entry.kind === "source-call") {
            expect(entry.at).toBeGreaterThanOrEqual(backoffUntil); // no source call during a backoff
          } else if (entry.event.type === "backoff") {
            expect(entry.event.until - entry.event.at).toBeGreaterThanOrEqual(300_000);
            expect(entry.event.until - entry.event.at).toBeLessThanOrEqual(600_000);
            backoffUntil = entry.event.until;
          }
        }
        for (const call of run.calls) expect(call.tracked.done).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("with a healthy source (fresh sets, answered late or soon), no caller ever gets a set inside its mandatory window", async () => {
    await fc.assert(
      fc.asyncProperty(commands(freshOutcome, true), fc.integer(), async (script, seed) => {
        const run = await play(script, seed);
        for (const call of run.calls) {
          await expect(call.tracked.promise).resolves.toBeDefined();
          expect(call.expiration! - call.resolvedAt!).toBeGreaterThan(MANDATORY);
        }
        expect(run.provider.stats.failures).toBe(0);
      }),
      { numRuns: 500 },
    );
  });
});

describe("jitter across a fleet", () => {
  it("spreads the refresh instants of 1,000 engines given one expiry over at least 80% of the jitter span", async () => {
    const expiration = T0 + HOUR;
    const set = credentialSet("FLEET", expiration);
    const instants: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const engine = withCredentialCache(async () => set); // default random, jitter, windows
      engines.push(engine);
      await engine();
      instants.push(engine.stats.nextRefreshAt!);
    }
    const opensAt = expiration - 15 * MINUTE;
    const span = DEFAULT_JITTER * (15 * MINUTE - MINUTE);
    const earliest = Math.min(...instants);
    const latest = Math.max(...instants);
    expect(earliest).toBeGreaterThanOrEqual(opensAt);
    expect(latest).toBeLessThanOrEqual(opensAt + span);
    expect(latest - earliest).toBeGreaterThanOrEqual(0.8 * span);
    // Uniform, not merely wide: each tenth of the span holds a fair share of the fleet.
    const tenths = Array.from({ length: 10 }, () => 0);
    for (const instant of instants) tenths[Math.min(9, Math.floor(((instant - opensAt) / span) * 10))]!++;
    for (const count of tenths) expect(count).toBeGreaterThanOrEqual(50);
  });
});
