// The cost of sharing across worker threads: the main thread leads a group holding a set, then
// new worker threads join it (worker-sharing-bench-worker.mjs). Reported in µs and ns; the 10%
// target for a follower's cached call is read by checkTargets.
import { Worker } from "node:worker_threads";
import type { IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type FromWebIdentityInit } from "@irsa/web-identity";
import { median } from "./timing-scenarios.js";

export interface WorkerSharingResult {
  /** Median µs from creating a provider in a new worker thread to its first set, the group already holding one. */
  readonly followerFirstCallUs: number;
  /** Median µs for a second join in the same thread, once the thread is warm (the join itself). */
  readonly followerWarmJoinUs: number;
  /** The same for a provider in that thread that does not share (its own STS call to the local STS). */
  readonly aloneFirstCallUs: number;
  /** Median ns per awaited cached call through a follower. */
  readonly followerCallNs: number;
  /** Median ns per awaited cached call through an unshared provider, same thread, same run. */
  readonly directCallNs: number;
  readonly workers: number;
}

const WORKER = new URL("./worker-sharing-bench-worker.mjs", import.meta.url);

export async function workerSharingScenario(world: IrsaWorld, workers: number, rounds: number, callsPerRound: number): Promise<WorkerSharingResult> {
  // Plain options only: a configuration holding a function cannot be compared across threads.
  const init: FromWebIdentityInit = {
    roleArn: world.roleArn,
    webIdentityTokenFile: world.tokenFile.path,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
  };
  const leader = fromWebIdentity(init);
  try {
    await leader();
    const reports: Array<Omit<WorkerSharingResult, "workers" | "followerFirstCallUs" | "followerWarmJoinUs" | "aloneFirstCallUs"> & { role: string; firstCallUs: number; warmJoinUs: number; firstCallAloneUs: number }> = [];
    for (let index = 0; index < workers; index++) {
      const worker = new Worker(WORKER, { workerData: { init, rounds, callsPerRound } });
      reports.push(await new Promise((resolve, reject) => worker.once("message", resolve).once("error", reject)));
      await worker.terminate();
    }
    if (reports.some((report) => report.role !== "follower")) throw new Error(`a worker did not follow: ${JSON.stringify(reports)}`);
    return {
      workers,
      followerFirstCallUs: Math.round(median(reports.map((report) => report.firstCallUs))),
      followerWarmJoinUs: Math.round(median(reports.map((report) => report.warmJoinUs))),
      aloneFirstCallUs: Math.round(median(reports.map((report) => report.firstCallAloneUs))),
      followerCallNs: Math.round(median(reports.map((report) => report.followerCallNs))),
      directCallNs: Math.round(median(reports.map((report) => report.directCallNs))),
    };
  } finally {
    leader.close();
  }
}
