// Timings measured in this process: the cost of a cached call, and create + first credentials.
// Reported only, never asserted: the machine decides them.
import type { IrsaWorld } from "@irsa/testing";
import { createSubject, type SubjectId } from "./subjects.js";

export interface CachedCallResult {
  /** Median over the rounds, nanoseconds per awaited call. */
  readonly nsPerCall: number;
  /** Every round, for the JSON. */
  readonly roundsNsPerCall: readonly number[];
}

/**
 * `rounds` rounds of `callsPerRound` sequential awaited calls on a subject holding a fresh set,
 * after one warm-up round; the median round in ns per call.
 */
export async function cachedCallCost(world: IrsaWorld, id: SubjectId, rounds: number, callsPerRound: number): Promise<CachedCallResult> {
  const subject = createSubject(id, world);
  try {
    const get = subject.get;
    await get();
    const round = async () => {
      const started = process.hrtime.bigint();
      for (let call = 0; call < callsPerRound; call++) await get();
      return Number(process.hrtime.bigint() - started) / callsPerRound;
    };
    await round();
    const results: number[] = [];
    for (let index = 0; index < rounds; index++) results.push(await round());
    return { nsPerCall: Math.round(median(results)), roundsNsPerCall: results.map((value) => Math.round(value)) };
  } finally {
    subject.close();
  }
}

/** Creating a subject and getting its first credentials from the local STS, median in ms. */
export async function createAndFirstCredentials(world: IrsaWorld, id: SubjectId, rounds: number): Promise<number> {
  const times: number[] = [];
  for (let index = 0; index <= rounds; index++) {
    const started = performance.now();
    const subject = createSubject(id, world);
    try {
      await subject.get();
    } finally {
      subject.close();
    }
    // The first round loads modules lazily (client-sts, jose); it is not counted.
    if (index > 0) times.push(performance.now() - started);
  }
  return Math.round(median(times) * 100) / 100;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
