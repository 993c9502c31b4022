// `pnpm sim:workers`: the fleet with 1 and 8 workers per pod, with and without sharing, each
// scenario in its own child process (the simulation replaces the global timers). Writes
// test/fleet/workers-results.json and the "Workers per pod" section of RESULTS.md.
//
//   pnpm sim:workers                 10,000 pods over 6 simulated hours
//   pnpm sim:workers --hours 24      a whole day (about 8x longer)
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { simulateFleet } from "./fleet-simulation.js";
import { WORKER_SCENARIOS, WORKERS_RESULTS_FILE, fleetOf, renderWorkerSection, rolloutOf, withWorkerSection, type WorkerRow } from "./worker-scenarios.js";

const SELF = fileURLToPath(import.meta.url);
const RESULTS_MD = new URL("./RESULTS.md", import.meta.url);
const { values } = parseArgs({ options: { hours: { type: "string" }, pods: { type: "string" }, scenario: { type: "string" } } });
const hours = Number(values.hours ?? 6);
const pods = Number(values.pods ?? 10_000);

async function runOne(index: number): Promise<void> {
  const scenario = WORKER_SCENARIOS[index]!;
  const { callsPerSecond: _day, ...day } = await simulateFleet(fleetOf(scenario, hours, pods), { kind: "ours" });
  const { callsPerSecond: _rollout, ...rollout } = await simulateFleet(rolloutOf(scenario), { kind: "ours" });
  const row: WorkerRow = {
    name: scenario.name,
    refreshPeak: day.perSecond.refreshPeak,
    refreshP99: day.perSecond.refreshP99,
    allPeak: day.perSecond.allPeak,
    stsCallsPerPodDay: day.stsCallsPerPodDay,
    throttled: day.throttledCalls,
    rolloutColdStartCalls: rollout.firstFetchCalls + rollout.throttledCalls,
    rolloutPeak: rollout.perSecond.allPeak,
  };
  process.stdout.write(JSON.stringify(row));
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: WorkerRow[] = new Array(WORKER_SCENARIOS.length);
  let next = 0;
  const worker = async () => {
    while (next < WORKER_SCENARIOS.length) {
      const index = next++;
      const args = [...process.execArgv, SELF, "--scenario", String(index), "--hours", String(hours), "--pods", String(pods)];
      const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24, timeout: 1_800_000 });
      rows[index] = JSON.parse(stdout) as WorkerRow;
      process.stderr.write(`[workers] ${WORKER_SCENARIOS[index]!.name}: done after ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), WORKER_SCENARIOS.length) }, worker));
  const command = `pnpm sim:workers${values.hours !== undefined ? ` --hours ${hours}` : ""}${values.pods !== undefined ? ` --pods ${pods}` : ""}`;
  const results = { command, pods, hours, seconds: (performance.now() - started) / 1000, rows };
  const section = renderWorkerSection(results);
  process.stdout.write(`${section}\n`);
  await writeFile(WORKERS_RESULTS_FILE, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(RESULTS_MD, withWorkerSection(await readFile(RESULTS_MD, "utf8"), section));
}

if (values.scenario !== undefined) await runOne(Number(values.scenario));
else await main();
