// Runs worker-sharing-child.ts (a primary and its workers) against a local IRSA world and
// returns its report.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { IrsaWorld } from "@irsa/testing";

const CHILD = fileURLToPath(new URL("./worker-sharing-child.ts", import.meta.url));

export interface WorkerCall {
  accessKeyId?: string;
  error?: string;
  ms: number;
}

export interface WorkerReport {
  index: number;
  pid: number;
  calls: WorkerCall[];
  warnings: string[];
  sharing?: { role: string; scope?: string; groupSourceCalls: number; ownStsCalls: number; offReason?: string; followers?: number; socketPath?: string };
  /** The leader's socket file (pod tier). */
  socket?: { isSocket: boolean; uid: number; mode: number };
  sourceCalls?: number;
}

export interface SharingRun {
  killed?: number;
  reports: WorkerReport[];
}

export interface SharingPlan {
  layout: "threads" | "cluster" | "pm2";
  workers: number;
  /** Instants of each worker's calls, ms after it started. Default [0]. */
  callsAt?: number[];
  /** fromWebIdentity options per worker (worker i takes inits[i % length]). Default [{}]. */
  inits?: Array<Record<string, unknown>>;
  /** More variables for the children. */
  env?: Record<string, string>;
}

/** With `killLeaderWhen`, the leader is killed once it returns true (polled every 5 ms). */
export function runWorkers(world: IrsaWorld, plan: SharingPlan, killLeaderWhen?: () => boolean): Promise<SharingRun> {
  const full = { callsAt: [0], inits: [{}], ...plan, killLeader: killLeaderWhen !== undefined };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
      cwd: fileURLToPath(new URL("./", import.meta.url)),
      env: { ...process.env, ...world.env, AWS_EC2_METADATA_DISABLED: "true", SHARE_CHILD_PLAN: JSON.stringify(full), ...plan.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    const killer = setInterval(() => {
      if (killLeaderWhen?.() === true) {
        child.stdin.write("kill\n");
        clearInterval(killer);
      }
    }, 5);
    if (killLeaderWhen === undefined) clearInterval(killer);
    child.stdin.on("error", () => {});
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(guard);
      clearInterval(killer);
      try {
        resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as SharingRun);
      } catch {
        reject(new Error(`the child did not report (exit ${String(code)}): ${stdout} ${stderr}`));
      }
    });
  });
}

/** The distinct access keys the workers got at call `round`. */
export function keysAt(run: SharingRun, round: number): Set<string | undefined> {
  return new Set(run.reports.map((report) => report.calls[round]?.accessKeyId));
}
