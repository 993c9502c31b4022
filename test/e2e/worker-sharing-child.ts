// A child process for worker-sharing.test.ts: lays out workers the way applications do and has
// each build fromWebIdentity() from the environment (the BUILT package, as an app loads it).
//   threads  the process spawns worker_threads (the process itself builds no provider)
//   cluster  a node:cluster primary forks workers (the primary builds no provider)
//   pm2      a primary forks workers with child_process.fork and never builds a provider (PM2's layout)
// Every worker calls its provider at each instant of SHARE_CHILD_CALLS_AT (ms after it started),
// reports to the primary, and the primary prints one JSON report line. With `killLeader`, the
// primary kills (SIGKILL, or terminate() for a thread) the worker that reported being the leader
// when the test writes "kill" on its standard input (the test does once the STS call is under way).
import cluster from "node:cluster";
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
// The workers' code is plain JavaScript run without tsx (worker threads would not inherit its
// loader, and the workers should load the built package as an application does).
const WORKER = fileURLToPath(new URL("./worker-sharing-worker.mjs", import.meta.url));

interface WorkerReport {
  index: number;
  pid: number;
  calls: Array<{ accessKeyId?: string; error?: string; ms: number }>;
  warnings: string[];
  sharing?: unknown;
  sourceCalls?: number;
}

interface Plan {
  layout: "threads" | "cluster" | "pm2";
  workers: number;
  callsAt: number[];
  killLeader: boolean;
  /** Options per worker (index i takes inits[i % inits.length]). */
  inits: Array<Record<string, unknown>>;
}

const plan = JSON.parse(process.env.SHARE_CHILD_PLAN ?? "{}") as Plan;

async function runPrimary(): Promise<void> {
  const reports: WorkerReport[] = [];
  let killed: number | undefined;
  let leader: number | undefined;
  const done = new Promise<void>((resolve) => {
    const handlers: Array<{ kill(): void; close(): void; onMessage(handler: (message: unknown) => void): void; onExit(handler: () => void): void }> = [];
    let exited = 0;
    const onExit = () => {
      if (++exited === plan.workers) resolve();
    };
    for (let index = 0; index < plan.workers; index++) {
      const env = { ...process.env, SHARE_CHILD_INDEX: String(index) };
      if (plan.layout === "threads") {
        const worker = new Worker(WORKER, { workerData: { index, plan } });
        handlers.push({ kill: () => void worker.terminate(), close: () => worker.postMessage("close"), onMessage: (h) => worker.on("message", h), onExit: (h) => worker.on("exit", h) });
      } else if (plan.layout === "cluster") {
        cluster.setupPrimary({ exec: WORKER, execArgv: [] });
        const worker = cluster.fork(env);
        handlers.push({ kill: () => worker.process.kill("SIGKILL"), close: () => worker.send("close"), onMessage: (h) => worker.on("message", h), onExit: (h) => worker.on("exit", h) });
      } else {
        const child = fork(WORKER, [], { env, execArgv: [] });
        handlers.push({ kill: () => child.kill("SIGKILL"), close: () => child.send("close"), onMessage: (h) => child.on("message", h), onExit: (h) => child.on("exit", h) });
      }
      const handler = handlers[index]!;
      handler.onMessage((message) => {
        const { report } = message as { report?: WorkerReport };
        if (report !== undefined) reports.push(report);
        // Every live worker has reported: they may close their providers now.
        if (report !== undefined && reports.length === plan.workers - (killed === undefined ? 0 : 1)) {
          handlers.forEach((other, i) => i !== killed && other.close());
        }
        if (message !== null && typeof message === "object" && "leader" in message) leader = (message as { leader: number }).leader;
      });
      handler.onExit(onExit);
    }
    if (plan.killLeader) {
      process.stdin.setEncoding("utf8");
      process.stdin.on("data", (text: string) => {
        if (text.includes("kill") && leader !== undefined && killed === undefined) {
          killed = leader;
          handlers[leader]!.kill();
        }
      });
    }
  });
  await done;
  process.stdout.write(`${JSON.stringify({ killed, reports: reports.sort((a, b) => a.index - b.index) })}\n`);
  process.stdin.destroy();
  process.exit(0);
}

await runPrimary();
