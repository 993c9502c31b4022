// A worker thread of worker-sharing-scenario.ts (plain JavaScript: worker threads do not inherit
// tsx's loader). The main thread leads a group holding a set; this thread measures, with the
// BUILT package: the first call of a new follower (creation included; the thread's first use of
// files, sockets and hashing is in it), a second join once the thread is warm, then the cached call
// of that follower beside a direct (unshared) provider of the same identity in this thread.
import { parentPort, workerData } from "node:worker_threads";

const { fromWebIdentity } = await import("@irsa/web-identity");
const { init, rounds, callsPerRound } = workerData;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function callCost(provider) {
  const results = [];
  for (let round = 0; round <= rounds; round++) {
    const started = process.hrtime.bigint();
    for (let call = 0; call < callsPerRound; call++) await provider();
    if (round > 0) results.push(Number(process.hrtime.bigint() - started) / callsPerRound);
  }
  return median(results);
}

const started = process.hrtime.bigint();
const first = fromWebIdentity(init);
await first();
const firstCallUs = Number(process.hrtime.bigint() - started) / 1_000;
// Closed, so the next provider of this configuration builds a new engine that joins again.
first.close();
const warmStarted = process.hrtime.bigint();
const follower = fromWebIdentity(init);
await follower();
const warmJoinUs = Number(process.hrtime.bigint() - warmStarted) / 1_000;
const direct = fromWebIdentity({ ...init, shareAcrossThreads: false });
await direct();
const directStarted = process.hrtime.bigint();
await fromWebIdentity({ ...init, shareAcrossThreads: false, roleSessionName: "bench-alone" })();
const firstCallAloneUs = Number(process.hrtime.bigint() - directStarted) / 1_000;
const followerNs = [];
const directNs = [];
for (let pass = 0; pass < 3; pass++) {
  directNs.push(await callCost(direct));
  followerNs.push(await callCost(follower));
}
parentPort.postMessage({
  role: follower.stats.sharing?.role,
  firstCallUs,
  warmJoinUs,
  firstCallAloneUs,
  followerCallNs: Math.round(median(followerNs)),
  directCallNs: Math.round(median(directNs)),
});
follower.close();
direct.close();
