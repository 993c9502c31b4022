// Herds: many callers at once on one subject, counting the STS calls they cause and how many of
// them had to wait for STS. Shared by `pnpm bench` (10,000 callers, 200 ms STS) and the tests.
import type { IrsaWorld } from "@irsa/testing";
import { setClock } from "./shifted-clock.js";
import { createSubject, type CredentialGetter, type SubjectId } from "./subjects.js";

/** Where the cached set stands when the herd arrives. */
export type HerdMoment = "cold" | "four-minutes-before-expiry" | "just-past-expiry";

export interface HerdResult {
  readonly callers: number;
  /** AssumeRoleWithWebIdentity calls the herd caused. */
  readonly stsCalls: number;
  /**
   * Callers whose call settled after the local STS had answered one of the herd's calls: they
   * waited for STS. Counted by order, not by wall time, so a busy machine cannot blur it: a caller
   * served from cache settles before STS answers anything (the answer waits out the latency).
   */
  readonly waited: number;
  readonly waitP50Ms: number;
  readonly waitMaxMs: number;
  /** Callers whose call rejected. */
  readonly failed: number;
}

export interface HerdOptions {
  callers: number;
  /** Latency the local STS adds to every answer during the herd. */
  stsLatencyMs: number;
}

const FOUR_MINUTES_MS = 4 * 60_000;

export function assumeCalls(world: IrsaWorld): number {
  return world.sts.calls("AssumeRoleWithWebIdentity");
}

/** Expiration of the last set the local STS issued through AssumeRoleWithWebIdentity. */
export function lastIssuedExpiration(world: IrsaWorld): number {
  const issued = world.sts.requests.filter((request) => request.action === "AssumeRoleWithWebIdentity" && request.issuedAccessKeyId);
  const accessKeyId = issued[issued.length - 1]?.issuedAccessKeyId;
  const credentials = accessKeyId === undefined ? undefined : world.sts.issuedCredentials.get(accessKeyId);
  if (credentials === undefined) throw new Error("the local STS has issued no credentials yet");
  return credentials.expiration.getTime();
}

/** `callers` concurrent calls of `get`; each caller's wait measured on the monotonic clock. */
export async function runHerd(world: IrsaWorld, get: CredentialGetter, options: HerdOptions): Promise<HerdResult> {
  const before = assumeCalls(world);
  const waits = new Float64Array(options.callers);
  let failed = 0;
  let waited = 0;
  const settled = (index: number, startedAt: number): void => {
    waits[index] = performance.now() - startedAt;
    if (stsAnsweredSince(world, before)) waited++;
  };
  world.sts.faults.latency(options.stsLatencyMs);
  try {
    const calls: Array<Promise<void>> = [];
    for (let index = 0; index < options.callers; index++) {
      const startedAt = performance.now();
      calls.push(
        get().then(
          () => settled(index, startedAt),
          () => {
            settled(index, startedAt);
            failed++;
          },
        ),
      );
    }
    await Promise.all(calls);
  } finally {
    world.sts.faults.latency(0);
  }
  await settleBackgroundRefresh(world);
  const sorted = waits.slice().sort();
  return {
    callers: options.callers,
    stsCalls: assumeCalls(world) - before,
    waited,
    waitP50Ms: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    waitMaxMs: round(sorted[sorted.length - 1] ?? 0),
    failed,
  };
}

/** True once STS has answered (status set) an AssumeRoleWithWebIdentity call after the first `before`. */
function stsAnsweredSince(world: IrsaWorld, before: number): boolean {
  return world.sts.requests
    .filter((request) => request.action === "AssumeRoleWithWebIdentity")
    .slice(before)
    .some((request) => request.status !== 0);
}

/**
 * A background refresh is invisible to the callers, and reaches STS a few milliseconds after the
 * herd (token read, connection). STS calls are counted once every request has been answered and
 * none has arrived for this long, so the next scenario starts from a quiet STS.
 */
const QUIET_WINDOW_MS = 100;
const SETTLE_LIMIT_MS = 5_000;

async function settleBackgroundRefresh(world: IrsaWorld): Promise<void> {
  const deadline = performance.now() + SETTLE_LIMIT_MS;
  let seen = world.sts.requests.length;
  let quietSince = performance.now();
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    const requests = world.sts.requests;
    if (requests.length !== seen || requests.some((request) => request.status === 0)) {
      seen = requests.length;
      quietSince = performance.now();
    } else if (performance.now() - quietSince >= QUIET_WINDOW_MS) {
      return;
    }
  }
}

/**
 * One herd on a fresh subject: cold (nothing cached), or after a first fetch with the shared
 * clock moved to 4 minutes before that set's expiry, or 1 second past it.
 */
export async function herdScenario(world: IrsaWorld, id: SubjectId, moment: HerdMoment, options: HerdOptions): Promise<HerdResult> {
  const subject = createSubject(id, world);
  try {
    if (moment !== "cold") {
      await subject.get();
      const expiration = lastIssuedExpiration(world);
      setClock(moment === "four-minutes-before-expiry" ? expiration - FOUR_MINUTES_MS : expiration + 1_000);
    }
    return await runHerd(world, subject.get, options);
  } finally {
    subject.close();
  }
}

/**
 * `clients` clients built over one shared provider, each having fetched once, then one request
 * from each at 4 minutes before expiry (inside the v3 memo's 5-minute window): STS calls.
 */
export async function sharedProviderScenario(world: IrsaWorld, id: SubjectId, clients: number): Promise<{ clients: number; stsCalls: number }> {
  const subject = createSubject(id, world);
  try {
    const getters = Array.from({ length: clients }, () => subject.newClient());
    for (const get of getters) await get();
    const before = assumeCalls(world);
    setClock(lastIssuedExpiration(world) - FOUR_MINUTES_MS);
    await Promise.all(getters.map((get) => get()));
    await settleBackgroundRefresh(world);
    return { clients, stsCalls: assumeCalls(world) - before };
  } finally {
    subject.close();
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
