// Workers per pod: a fleet whose pods each run several Node workers (cluster, PM2, worker
// threads), with and without sharing one engine per pod, and a rollout's cold start.
import { readFile } from "node:fs/promises";
import { FULL_FLEET, type FleetConfig } from "./fleet-simulation.js";

const HOUR_MS = 3_600_000;

export interface WorkerScenario {
  readonly name: string;
  readonly workersPerPod: number;
  readonly sharedAcrossWorkers: boolean;
}

export const WORKER_SCENARIOS: readonly WorkerScenario[] = [
  { name: "1 worker per pod", workersPerPod: 1, sharedAcrossWorkers: false },
  { name: "1 worker per pod, sharing", workersPerPod: 1, sharedAcrossWorkers: true },
  { name: "8 workers per pod, no sharing", workersPerPod: 8, sharedAcrossWorkers: false },
  { name: "8 workers per pod, sharing", workersPerPod: 8, sharedAcrossWorkers: true },
];

/** The day-long fleet of each scenario (hours shortened by the runner's --hours). */
export function fleetOf(scenario: WorkerScenario, hours: number, pods = FULL_FLEET.pods): FleetConfig {
  return { ...FULL_FLEET, pods, durationMs: hours * HOUR_MS, workersPerPod: scenario.workersPerPod, sharedAcrossWorkers: scenario.sharedAcrossWorkers };
}

/** A rollout: 1,000 pods starting within a minute, watched for 10 minutes (cold start only). */
export function rolloutOf(scenario: WorkerScenario): FleetConfig {
  return { ...fleetOf(scenario, 10 / 60, 1_000), replacedPerHour: 0 };
}

export interface WorkerRow {
  readonly name: string;
  readonly refreshPeak: number;
  readonly refreshP99: number;
  readonly allPeak: number;
  readonly stsCallsPerPodDay: number;
  readonly throttled: number;
  readonly rolloutColdStartCalls: number;
  readonly rolloutPeak: number;
}

export interface WorkerResults {
  readonly command: string;
  readonly pods: number;
  readonly hours: number;
  readonly seconds: number;
  readonly rows: readonly WorkerRow[];
}

export const WORKERS_RESULTS_FILE = new URL("./workers-results.json", import.meta.url);
const START = "<!-- workers per pod: pnpm sim:workers -->";
const END = "<!-- /workers per pod -->";

export function renderWorkerSection(results: WorkerResults): string {
  const out = [START, "## Workers per pod", ""];
  out.push(
    `\`${results.command}\`: ${results.pods.toLocaleString("en-US")} pods over ${results.hours} simulated hours (the fleet above otherwise), ` +
      `each pod running 1 or 8 workers (cluster workers, PM2 processes or worker threads), each worker with its own engine and v3 client ` +
      `unless the pod's workers share one engine (\`shareAcrossProcesses\` / \`IRSA_SHARE_DIR\`, or worker threads by default). ` +
      `Rollout: 1,000 pods starting within 60 s. Ran in ${results.seconds.toFixed(1)} s.`,
    "",
    "| workers per pod | refresh peak /s | refresh p99 /s | all calls peak /s | STS calls per pod-day | throttled | rollout of 1,000 pods: cold-start STS calls | rollout peak /s |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const row of results.rows) {
    out.push(
      `| ${row.name} | ${row.refreshPeak} | ${row.refreshP99} | ${row.allPeak} | ${row.stsCallsPerPodDay.toFixed(2)} | ${row.throttled.toLocaleString("en-US")} | ${row.rolloutColdStartCalls.toLocaleString("en-US")} | ${row.rolloutPeak} |`,
    );
  }
  out.push(
    "",
    "A pod whose workers share is one STS caller: its leader. Followers are not simulated, since they never call STS " +
      "(test/e2e/worker-sharing.test.ts counts exactly 1 call per refresh for 8 cluster workers, 8 worker threads and a PM2 layout). " +
      "Without sharing every worker refreshes on its own jittered schedule, so STS calls, the refresh peak and a rollout's cold " +
      "start all grow with the workers.",
    END,
  );
  return out.join("\n");
}

/** The section of the last worker run, if any (run-fleet-simulation keeps it in RESULTS.md). */
export async function storedWorkerSection(): Promise<string | undefined> {
  try {
    return renderWorkerSection(JSON.parse(await readFile(WORKERS_RESULTS_FILE, "utf8")) as WorkerResults);
  } catch {
    return undefined;
  }
}

/** `markdown` with its worker section replaced by `section` (appended if absent). */
export function withWorkerSection(markdown: string, section: string): string {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start >= 0 && end > start) return `${markdown.slice(0, start)}${section}${markdown.slice(end + END.length)}`;
  return `${markdown.trimEnd()}\n\n${section}\n`;
}
