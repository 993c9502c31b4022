// The fleet: pods starting together, replaced over the day, each with an application making
// requests through a v3 client's credential memo (the real @smithy/core memoizeIdentityProvider,
// on the simulated clock) over either our real refresh engine or a model of the SDK's own
// fromTokenFile (no cache of its own: one STS call per call). Everything runs in simulated time.
import { withCredentialCache } from "@irsa/web-identity";
import { memoizeIdentityProvider } from "@smithy/core";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { seededRandom } from "@irsa/testing";
import { SimulatedSts, type CallKind, type StsFault } from "./simulated-sts.js";
import { SimulatedTime } from "./simulated-time.js";

const SECOND_MS = 1_000;
const HOUR_MS = 3_600_000;
/** The v3 client calls its provider again when the set is this close to expiry (@smithy/core EXPIRATION_MS). */
export const V3_MEMO_WINDOW_MS = 300_000;

export interface FleetConfig {
  readonly pods: number;
  /** Pods start uniformly within this window at time 0. */
  readonly startWindowMs: number;
  readonly durationMs: number;
  readonly credentialLifetimeMs: number;
  /** Share of the pods replaced per hour, at uniformly random instants. */
  readonly replacedPerHour: number;
  readonly stsLatencyMs: readonly [number, number];
  readonly rateLimitPerSecond: number;
  /** Each pod's application makes one request per interval (random phase). */
  readonly requestIntervalMs: number;
  readonly seed: number;
  /** An STS outage during the run (the outage scenarios). */
  readonly fault?: StsFault;
  /** Worker processes or threads per pod, each with its own engine and v3 client. Default 1. */
  readonly workersPerPod?: number;
  /**
   * The workers of a pod share one engine ("Sharing across workers"): only the group's leader
   * calls STS, so a pod is one STS caller whatever its workers. The followers are not simulated:
   * they never call STS (test/e2e/worker-sharing.test.ts counts it with real processes). Default false.
   */
  readonly sharedAcrossWorkers?: boolean;
}

/** The STS callers of one pod: each worker, or one for a pod whose workers share. */
export function stsCallersPerPod(config: FleetConfig): number {
  return config.sharedAcrossWorkers === true ? 1 : (config.workersPerPod ?? 1);
}

/** What an outage did: STS load during it, and how fast the fleet held valid credentials after it. */
export interface OutageFigures {
  readonly peakCallsPerSecond: number;
  readonly p99CallsPerSecond: number;
  /** STS calls during the fault, per pod alive then. */
  readonly callsPerPod: number;
  /** The worst pod's largest number of STS calls in one minute, past its first 5 minutes of failures. */
  readonly maxCallsPerPodMinuteAfter5Min: number;
  /** Time after the fault's end until 99% of the pods alive then held valid credentials (ms). */
  readonly recoveryP99Ms: number;
  readonly recoveryMaxMs: number;
}

/** The fleet: 10,000 pods over 24 hours. */
export const FULL_FLEET: FleetConfig = {
  pods: 10_000,
  startWindowMs: 60_000,
  durationMs: 24 * HOUR_MS,
  credentialLifetimeMs: HOUR_MS,
  replacedPerHour: 0.1,
  stsLatencyMs: [50, 150],
  rateLimitPerSecond: 600,
  requestIntervalMs: 1_000,
  seed: 20_261_127,
};

/** What answers each pod's v3 client: our engine with a given jitter, or the SDK model. */
export type FleetDesign = { readonly kind: "ours"; readonly jitter?: number } | { readonly kind: "v3-model" };

export interface FleetFigures {
  readonly design: FleetDesign;
  readonly pods: number;
  readonly podDays: number;
  readonly firstFetchCalls: number;
  readonly refreshCalls: number;
  readonly stsCalls: number;
  readonly throttledCalls: number;
  /** Least number of STS calls this fleet could make: each pod, one per credential lifetime begun. */
  readonly minimumStsCalls: number;
  readonly stsCallsPerPodDay: number;
  readonly refreshCallsPerPodDay: number;
  readonly perSecond: {
    readonly refreshPeak: number;
    readonly refreshP99: number;
    readonly allPeak: number;
    readonly allP99: number;
    readonly throttledPeak: number;
    readonly waitedPeak: number;
  };
  /** Requests that waited for STS: at a pod's start, and later (refreshes). */
  readonly waitedAtStart: number;
  readonly waitedAfterStart: number;
  readonly failedRequests: number;
  /** STS calls per second over the day (for the plot). */
  readonly callsPerSecond: Uint32Array;
  readonly outage?: OutageFigures;
}

interface Pod {
  alive: boolean;
  readonly startedAt: number;
  endedAt: number | undefined;
  hasCredentials: boolean;
  /** Requests waiting for the memo. */
  outstanding: number;
  requestScheduled: boolean;
  /** The set the memo returned last. */
  last: AwsCredentialIdentity | undefined;
  readonly phaseMs: number;
  readonly memo: AwsCredentialIdentityProvider;
  readonly close: () => void;
  /** Our engine's next refresh instant (ours only). */
  readonly nextRefreshAt?: () => number | undefined;
  /** First instant at or after the fault's end at which the pod held a valid set. */
  recoveredAt?: number;
  /** This pod's first STS call during the fault, and its calls per minute from then. */
  firstFaultCallAt?: number;
  faultMinuteCalls?: Map<number, number>;
}

/** Runs one design over the fleet; deterministic for a given config. */
export async function simulateFleet(config: FleetConfig, design: FleetDesign): Promise<FleetFigures> {
  const time = new SimulatedTime(0);
  const seconds = Math.ceil(config.durationMs / SECOND_MS);
  const fleetRandom = seededRandom(config.seed);
  const engineRandom = seededRandom(config.seed ^ 0x5bd1e995);
  const sts = new SimulatedSts({
    time,
    random: seededRandom(config.seed ^ 0x27d4eb2f),
    latencyMs: config.stsLatencyMs,
    rateLimitPerSecond: config.rateLimitPerSecond,
    credentialLifetimeMs: config.credentialLifetimeMs,
    seconds,
    ...(config.fault !== undefined && { fault: config.fault }),
  });
  const waitedPerSecond = new Uint32Array(seconds);
  const counts = { waitedAtStart: 0, waitedAfterStart: 0, failedRequests: 0 };
  const isExpired = (identity: { expiration?: Date }) =>
    identity.expiration !== undefined && identity.expiration.getTime() - time.now() < V3_MEMO_WINDOW_MS;
  const requiresRefresh = (identity: { expiration?: Date }) => identity.expiration !== undefined;

  const startPod = (at: number): Pod => {
    const pod = { alive: true, startedAt: at, endedAt: undefined, hasCredentials: false, outstanding: 0, requestScheduled: false, last: undefined } as Partial<Pod> & {
      hasCredentials: boolean;
    };
    const source: AwsCredentialIdentityProvider = () => {
      const kind: CallKind = pod.hasCredentials ? "refresh" : "first";
      const fault = config.fault;
      if (fault !== undefined && time.now() >= fault.startMs && time.now() < fault.endMs) {
        // Minutes counted from this pod's first call during the fault: when its own failures began.
        const first = ((pod as Partial<Pod>).firstFaultCallAt ??= time.now());
        const minute = Math.floor((time.now() - first) / 60_000);
        const calls = ((pod as Partial<Pod>).faultMinuteCalls ??= new Map());
        calls.set(minute, (calls.get(minute) ?? 0) + 1);
      }
      return sts.assumeRole(kind).then((identity) => {
        pod.hasCredentials = true;
        return identity;
      });
    };
    let provider: AwsCredentialIdentityProvider = source;
    let close = () => {};
    let nextRefreshAt: (() => number | undefined) | undefined;
    if (design.kind === "ours") {
      const engine = withCredentialCache(source, {
        now: time.now,
        random: engineRandom,
        ...(design.jitter !== undefined ? { jitter: design.jitter } : {}),
      });
      provider = engine;
      close = () => engine.close();
      nextRefreshAt = () => engine.stats.nextRefreshAt;
    }
    const full = Object.assign(pod, {
      phaseMs: Math.floor(fleetRandom() * config.requestIntervalMs),
      memo: memoizeIdentityProvider(provider, isExpired, requiresRefresh) as AwsCredentialIdentityProvider,
      close,
      nextRefreshAt,
    }) as Pod;
    scheduleRequest(full, at);
    return full;
  };

  /** The first request instant of this pod at or after `at`. */
  const nextRequestAt = (pod: Pod, at: number) => {
    const base = pod.startedAt + pod.phaseMs;
    if (at <= base) return base;
    return base + Math.ceil((at - base) / config.requestIntervalMs) * config.requestIntervalMs;
  };

  /** At most one request event per pod is pending. */
  const scheduleRequest = (pod: Pod, at: number): void => {
    if (pod.requestScheduled || !pod.alive) return;
    pod.requestScheduled = true;
    time.at(at, () => {
      pod.requestScheduled = false;
      request(pod);
    });
  };

  /**
   * A request the memo serves without calling its provider changes nothing and is not simulated:
   * after each answer the pod's next request is the first one inside the memo's window (the memo
   * calls its provider once less than the window remains, i.e. 1 ms after it opens), or the next
   * one on its grid if the set it holds is already inside the window.
   */
  const scheduleNextUsefulRequest = (pod: Pod): void => {
    const now = time.now();
    const expiration = pod.last?.expiration?.getTime();
    let next = expiration === undefined ? now + 1 : expiration - V3_MEMO_WINDOW_MS + 1;
    // Our engine hands the memo a set it keeps until its refresh instant; until then, and while it
    // backs off, every call is served from its cache without any effect (no state, no STS), so
    // the next request that can change anything comes at that instant.
    const engineNext = pod.nextRefreshAt?.();
    if (next <= now && engineNext !== undefined) next = engineNext;
    scheduleRequest(pod, nextRequestAt(pod, Math.max(now + 1, next)));
  };

  const request = (pod: Pod): void => {
    if (!pod.alive) return;
    const now = time.now();
    const last = pod.last;
    if (pod.outstanding === 0 && last?.expiration !== undefined && last.expiration.getTime() - now >= V3_MEMO_WINDOW_MS) {
      scheduleNextUsefulRequest(pod);
      return;
    }
    const atStart = !pod.hasCredentials;
    pod.outstanding++;
    pod.memo().then(
      (identity) => {
        pod.outstanding--;
        pod.last = identity;
        const fault = config.fault;
        if (fault !== undefined && pod.recoveredAt === undefined && time.now() >= fault.endMs && validAt(identity, time.now())) pod.recoveredAt = time.now();
        if (time.now() > now) countWait(now, atStart);
        if (pod.outstanding === 0) scheduleNextUsefulRequest(pod);
      },
      () => {
        pod.outstanding--;
        counts.failedRequests++;
        if (time.now() > now) countWait(now, atStart);
        if (pod.outstanding === 0) scheduleRequest(pod, nextRequestAt(pod, time.now() + 1));
      },
    );
    // Still waiting once this instant settles: the pod's next requests join the wait.
    time.afterSettle(() => {
      if (pod.outstanding > 0) scheduleRequest(pod, nextRequestAt(pod, now + 1));
    });
  };

  const countWait = (issuedAt: number, atStart: boolean) => {
    if (atStart) counts.waitedAtStart++;
    else counts.waitedAfterStart++;
    const second = Math.floor(issuedAt / SECOND_MS);
    if (second < seconds) waitedPerSecond[second]!++;
  };

  const restoreTimers = time.installTimers();
  const pods: Pod[] = [];
  const retired: Pod[] = [];
  try {
    // A pod's workers start together; pods[] holds each pod's callers side by side.
    const callers = stsCallersPerPod(config);
    for (let index = 0; index < config.pods; index++) {
      const at = Math.floor(fleetRandom() * config.startWindowMs);
      for (let worker = 0; worker < callers; worker++) pods.push(startPod(at));
    }
    const replacementsPerHour = Math.round(config.pods * config.replacedPerHour);
    for (let hour = 0; hour * HOUR_MS < config.durationMs; hour++) {
      for (let replacement = 0; replacement < replacementsPerHour; replacement++) {
        const at = hour * HOUR_MS + Math.floor(fleetRandom() * HOUR_MS);
        if (at >= config.durationMs) continue;
        time.at(at, () => {
          const first = Math.floor(fleetRandom() * (pods.length / callers)) * callers;
          // A pod of the first wave not started yet cannot be replaced: this replacement is skipped.
          if (pods[first]!.startedAt > time.now()) return;
          for (let slot = first; slot < first + callers; slot++) {
            const old = pods[slot]!;
            old.alive = false;
            old.endedAt = time.now();
            old.close();
            retired.push(old);
            pods[slot] = startPod(time.now());
          }
        });
      }
    }
    const fault = config.fault;
    if (fault !== undefined) {
      // Pods holding a valid set when the fault ends count as recovered at once.
      time.at(fault.endMs, () => {
        for (const pod of pods) if (pod.last !== undefined && validAt(pod.last, time.now())) pod.recoveredAt ??= time.now();
      });
    }
    await time.runUntil(config.durationMs);
  } finally {
    for (const pod of pods) pod.close();
    restoreTimers();
  }

  let podMs = 0;
  let minimumStsCalls = 0;
  for (const pod of [...retired, ...pods]) {
    const lived = (pod.endedAt ?? config.durationMs) - pod.startedAt;
    podMs += lived;
    minimumStsCalls += Math.max(1, Math.ceil(lived / config.credentialLifetimeMs));
  }
  // Per pod, not per worker: every figure below is about pods.
  const callers = stsCallersPerPod(config);
  podMs /= callers;
  minimumStsCalls = Math.round(minimumStsCalls / callers);
  const podDays = podMs / (24 * HOUR_MS);
  const firstFetchCalls = sum(sts.firstCalls);
  const refreshCalls = sum(sts.refreshCalls);
  const stsCalls = sum(sts.calls);
  return {
    design,
    pods: (retired.length + pods.length) / callers,
    podDays,
    firstFetchCalls,
    refreshCalls,
    stsCalls,
    throttledCalls: sum(sts.throttled),
    minimumStsCalls,
    stsCallsPerPodDay: stsCalls / podDays,
    refreshCallsPerPodDay: refreshCalls / podDays,
    perSecond: {
      refreshPeak: max(sts.refreshCalls),
      refreshP99: percentile(sts.refreshCalls, 0.99),
      allPeak: max(sts.calls),
      allP99: percentile(sts.calls, 0.99),
      throttledPeak: max(sts.throttled),
      waitedPeak: max(waitedPerSecond),
    },
    ...counts,
    callsPerSecond: sts.calls,
    ...(config.fault !== undefined && { outage: outageFigures(config.fault, [...retired, ...pods], sts.calls, config.durationMs) }),
  };
}

function validAt(identity: { expiration?: Date }, at: number): boolean {
  return identity.expiration === undefined || identity.expiration.getTime() > at;
}

function outageFigures(fault: StsFault, all: readonly Pod[], calls: Uint32Array, durationMs: number): OutageFigures {
  const during = calls.slice(Math.floor(fault.startMs / SECOND_MS), Math.ceil(fault.endMs / SECOND_MS));
  const alive = all.filter((pod) => pod.startedAt < fault.endMs && (pod.endedAt ?? Number.POSITIVE_INFINITY) > fault.endMs);
  const recoveries = alive.map((pod) => (pod.recoveredAt ?? durationMs) - fault.endMs).sort((a, b) => a - b);
  let worstMinute = 0;
  for (const pod of all) {
    for (const [minute, count] of pod.faultMinuteCalls ?? []) if (minute >= 5 && count > worstMinute) worstMinute = count;
  }
  return {
    peakCallsPerSecond: max(during),
    p99CallsPerSecond: percentile(during, 0.99),
    callsPerPod: sum(during) / Math.max(1, alive.length),
    maxCallsPerPodMinuteAfter5Min: worstMinute,
    recoveryP99Ms: recoveries[Math.min(recoveries.length - 1, Math.ceil(0.99 * recoveries.length) - 1)] ?? 0,
    recoveryMaxMs: recoveries.at(-1) ?? 0,
  };
}

function sum(values: Uint32Array): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function max(values: Uint32Array): number {
  let highest = 0;
  for (const value of values) if (value > highest) highest = value;
  return highest;
}

/** The value below which `share` of the seconds fall (nearest rank). */
export function percentile(values: Uint32Array, share: number): number {
  if (values.length === 0) return 0;
  const sorted = Uint32Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(share * sorted.length) - 1)]!;
}
