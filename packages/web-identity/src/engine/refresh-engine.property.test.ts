// Property tests of the refresh engine: random sequences of time steps, source outcomes (fresh,
// recoverable error, non-recoverable error, stale set, a call that never settles), calls,
// forced refreshes and invalidations. The runs are drawn once from fixed seeds and shared: each
// invariant of the engine's contract is its own named test over all of them.
import type { AwsCredentialIdentity } from "@smithy/types";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ScriptedSource, credentialSet, seededRandom, settle, track } from "@irsa/testing";
import type { CachedCredentialProvider, CredentialCacheEvent, CredentialCacheOptions } from "./cache-types.js";
import { DEFAULT_JITTER } from "./cache-options.js";
import { markNonRecoverable } from "../shared/errors.js";
import { withCredentialCache } from "./cached-provider.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const T0 = Date.UTC(2030, 0, 1);
const MANDATORY = MINUTE;
const RUNS = 300;

type Outcome =
  | { kind: "fresh"; lifetimeMs: number }
  | { kind: "recoverable" }
  | { kind: "non-recoverable" }
  | { kind: "stale"; agoMs: number }
  | { kind: "hang" };

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
  { weight: 1, arbitrary: fc.constant({ kind: "hang" as const }) },
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
  /** Source calls, engine events and resets (refresh(), invalidate), in the order they happened. */
  timeline: Array<
    | { kind: "source-call"; at: number }
    | { kind: "event"; event: CredentialCacheEvent; expiration?: number }
    | { kind: "reset"; at: number }
  >;
  /** Every call made by the run, with what it resolved to and when. */
  calls: Array<{ tracked: ReturnType<typeof track<AwsCredentialIdentity>>; madeAt: number; resolvedAt?: number; expiration?: number }>;
  /** Calls that waited while a set outside its mandatory window was cached. */
  waitedWhileValid: number;
}

/** Plays the commands against a fresh engine (proactive timer on). */
async function play(script: Command[], seed: number, options: CredentialCacheOptions = {}): Promise<Run> {
  vi.setSystemTime(T0);
  const source = new ScriptedSource();
  const timeline: Run["timeline"] = [];
  const events: CredentialCacheEvent[] = [];
  let counter = 0;
  const rng = seededRandom(seed);
  const provider: CachedCredentialProvider = withCredentialCache(
    async (properties) => {
      timeline.push({ kind: "source-call", at: Date.now() });
      return (await source.provider(properties)) as AwsCredentialIdentity;
    },
    {
      random: rng,
      onEvent: (event) => {
        events.push(event);
        timeline.push({ kind: "event", event, expiration: provider.stats.expiration });
      },
      ...options,
    },
  );
  const run: Run = { source, provider, events, timeline, calls: [], waitedWhileValid: 0 };
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
    if (forced) timeline.push({ kind: "reset", at: now });
    const entry: Run["calls"][number] = { tracked: track(forced ? provider.refresh() : provider()), madeAt: now };
    entry.tracked.promise.then(
      (set) => {
        entry.resolvedAt = Date.now();
        entry.expiration = set.expiration?.getTime();
      },
      () => {},
    );
    run.calls.push(entry);
    await settle();
    if (!forced && outsideMandatory && !entry.tracked.done) run.waitedWhileValid++;
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
          timeline.push({ kind: "reset", at: Date.now() });
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
    // Let every pending call finish: the source answers fresh from now on, and the deadline
    // of any refresh still waiting passes.
    while (source.waiting > 0) {
      answer(source, { kind: "fresh", lifetimeMs: HOUR }, ++counter);
      await settle();
    }
    await vi.advanceTimersByTimeAsync(10_000);
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
    case "hang":
      return source.hang();
  }
}


/** The runs, drawn once from fixed seeds and played lazily (inside the first test's fake timers). */
function sharedRuns(outcome: fc.Arbitrary<Outcome>, seed: number, options: CredentialCacheOptions = {}): () => Promise<Run[]> {
  let runs: Promise<Run[]> | undefined;
  return () =>
    (runs ??= (async () => {
      const scripts = fc.sample(fc.tuple(commands(outcome, true), fc.integer()), { seed, numRuns: RUNS });
      const played: Run[] = [];
      for (const [script, engineSeed] of scripts) played.push(await play(script, engineSeed, options));
      return played;
    })());
}

const anyRuns = sharedRuns(anyOutcome, 20_261_201);
// Answers may come late (hours): the deadline is moved out of the way (20 days) for this family.
const healthyRuns = sharedRuns(freshOutcome, 20_261_202, { refreshTimeoutMs: 20 * 24 * HOUR });

/** Source calls made while a hold was in force, skipping holds that a reset legitimately ended. */
function callsDuringHolds(run: Run, rules: ReadonlyArray<"backoff" | "recovery" | "error-cached">): number {
  let until = Number.NEGATIVE_INFINITY;
  let resettable = false;
  let violations = 0;
  for (const entry of run.timeline) {
    if (entry.kind === "reset") {
      if (resettable) until = Number.NEGATIVE_INFINITY;
    } else if (entry.kind === "source-call") {
      if (entry.at < until) violations++;
    } else if (entry.event.type === "refresh-succeeded") {
      until = Number.NEGATIVE_INFINITY;
    } else if (entry.event.type === "backoff" && rules.includes(entry.event.rule)) {
      until = entry.event.until;
      resettable = false;
    } else if (entry.event.type === "error-cached" && rules.includes("error-cached")) {
      until = entry.event.until;
      resettable = true;
    }
  }
  return violations;
}

const invariants: Array<[string, (run: Run) => void]> = [
  ["at most one source call in flight, the abandoned one included", (run) => expect(run.source.maxInFlight).toBeLessThanOrEqual(1)],
  ["stats.sourceCalls counts every source call", (run) => expect(run.provider.stats.sourceCalls).toBe(run.source.calls)],
  ["no source call during a backoff or a recovery backoff", (run) => expect(callsDuringHolds(run, ["backoff", "recovery"])).toBe(0)],
  ["no source call during an error cache, unless refresh() or invalidate cleared it", (run) => expect(callsDuringHolds(run, ["error-cached"])).toBe(0)],
  [
    "a backoff lasts at most 600 s, never past the cached set's expiration; under 300 s only to retry before the set must be renewed, and never under half a second",
    (run) => {
      for (const entry of run.timeline) {
        if (entry.kind !== "event" || entry.event.type !== "backoff" || entry.event.rule !== "backoff") continue;
        const duration = entry.event.until - entry.event.at;
        expect(duration).toBeLessThanOrEqual(600_000);
        expect(entry.event.until).toBeLessThanOrEqual(entry.expiration!);
        if (entry.event.until < entry.expiration!) expect(duration).toBeGreaterThanOrEqual(500);
        // With long to live, the 2026 rule: 300-600 s.
        if (entry.expiration! - entry.event.at > 2 * 600_000 + 60_000 * 2) expect(duration).toBeGreaterThanOrEqual(300_000);
      }
    },
  ],
  [
    "a recovery backoff lasts 0.5-30 s",
    (run) => {
      for (const entry of run.timeline) {
        if (entry.kind !== "event" || entry.event.type !== "backoff" || entry.event.rule !== "recovery") continue;
        expect(entry.event.until - entry.event.at).toBeGreaterThanOrEqual(500);
        expect(entry.event.until - entry.event.at).toBeLessThanOrEqual(30_000);
      }
    },
  ],
  ["no caller waits while a set outside the mandatory window is cached", (run) => expect(run.waitedWhileValid).toBe(0)],
  ["no caller ever gets an expired set", (run) => {
    for (const call of run.calls) if (call.expiration !== undefined) expect(call.expiration).toBeGreaterThan(call.resolvedAt!);
  }],
  ["every call settles, a never-settling source included", (run) => {
    for (const call of run.calls) expect(call.tracked.done).toBe(true);
  }],
];

describe("refresh engine invariants over shared seeded runs", () => {
  it.each(invariants)("%s", async (_name, check) => {
    for (const run of await anyRuns()) check(run);
  });

  it("the runs exercise every rule: backoff, recovery, error cache, timeout", async () => {
    const types = new Set((await anyRuns()).flatMap((run) => run.events.map((event) => (event.type === "backoff" ? `backoff:${event.rule}` : event.type))));
    for (const type of ["backoff:backoff", "backoff:recovery", "error-cached", "refresh-timed-out", "invalidated"]) expect(types).toContain(type);
  });

  it("with a healthy source (fresh sets, answered late or soon), no caller ever gets a set inside its mandatory window", async () => {
    for (const run of await healthyRuns()) {
      for (const call of run.calls) {
        await expect(call.tracked.promise).resolves.toBeDefined();
        expect(call.expiration! - call.resolvedAt!).toBeGreaterThan(MANDATORY);
      }
      expect(run.provider.stats.failures).toBe(0);
    }
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
