// One worker of worker-sharing-child.ts, thread or process (plain JavaScript run without tsx, so it
// loads the built package as an application does): builds fromWebIdentity() from the environment with the BUILT package, calls it at each
// instant of the plan (ms after it started), reports to its primary, and keeps its provider until
// the primary says every worker has reported. While its first call is
// under way it tells the primary as soon as it leads, so the primary can kill the leader mid-refresh.
import { lstatSync } from "node:fs";
import { isMainThread, parentPort, workerData } from "node:worker_threads";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `closing` resolves when the primary says every worker has reported (the group stays up until then). */
export async function runWorker(plan, index, send, closing) {
  const { fromWebIdentity } = await import("@irsa/web-identity");
  const warnings = [];
  const logger = { warn: (message) => void warnings.push(String(message)) };
  const provider = fromWebIdentity({ ...plan.inits[index % plan.inits.length], logger });
  const started = Date.now();
  const calls = [];
  for (const at of plan.callsAt) {
    await sleep(Math.max(0, started + at - Date.now()));
    const callStarted = Date.now();
    let reported = false;
    const watch = setInterval(() => {
      if (!reported && provider.stats.sharing?.role === "leader") {
        reported = true;
        send({ leader: index });
      }
    }, 5);
    try {
      const set = await provider();
      calls.push({ accessKeyId: set.accessKeyId, ms: Date.now() - callStarted });
    } catch (error) {
      calls.push({ error: `${error.name}: ${error.message}`, ms: Date.now() - callStarted });
    } finally {
      clearInterval(watch);
    }
  }
  const sharing = provider.stats.sharing;
  // The leader's socket as it is on disk (pod tier): its type, owner and mode.
  let socket;
  if (sharing?.role === "leader" && sharing.socketPath !== undefined) {
    const stat = lstatSync(sharing.socketPath);
    socket = { isSocket: stat.isSocket(), uid: stat.uid, mode: stat.mode & 0o777 };
  }
  send({ report: { index, pid: process.pid, calls, warnings, sharing, socket, sourceCalls: provider.stats.sourceCalls } });
  await closing;
  provider.close();
}

if (!isMainThread && workerData?.plan !== undefined) {
  const closing = new Promise((resolve) => parentPort.once("message", resolve));
  await runWorker(workerData.plan, workerData.index, (message) => parentPort.postMessage(message), closing);
  parentPort.close();
} else if (process.env.SHARE_CHILD_INDEX !== undefined) {
  // A worker process (cluster or forked), run without tsx: it loads the built package.
  const closing = new Promise((resolve) => process.once("message", resolve));
  await runWorker(JSON.parse(process.env.SHARE_CHILD_PLAN), Number(process.env.SHARE_CHILD_INDEX), (message) => process.send(message), closing);
  process.disconnect();
}
