// `pnpm sim:fleet`: the fleet simulation for each design, in parallel child processes (one design
// each: the simulation replaces the global timers, so designs never share a process). Prints the
// table and a chart; writes test/fleet/RESULTS.md, results.json and requests-per-second.svg.
//
//   pnpm sim:fleet                         10,000 pods over 24 hours (the issue's fleet)
//   pnpm sim:fleet --pods 500 --hours 6    a smaller fleet
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { FULL_FLEET, simulateFleet, type FleetConfig, type FleetDesign } from "./fleet-simulation.js";
import { storedWorkerSection, withWorkerSection } from "./worker-scenarios.js";
import { fleetTargets, peakPerMinute, renderAsciiChart, renderFleetTable, renderSvg, type FleetRow } from "./fleet-report.js";

/** The designs compared; `jitter` absent means our default. */
const DESIGNS: ReadonlyArray<{ name: string; design: FleetDesign }> = [
  { name: "ours, defaults (jitter 0.7)", design: { kind: "ours" } },
  { name: "ours, jitter 0", design: { kind: "ours", jitter: 0 } },
  { name: "ours, jitter 0.5", design: { kind: "ours", jitter: 0.5 } },
  { name: "ours, jitter 1", design: { kind: "ours", jitter: 1 } },
  { name: "v3 client model (blocking at 5 min, no jitter)", design: { kind: "v3-model" } },
];

const HERE = fileURLToPath(new URL(".", import.meta.url));
const SELF = fileURLToPath(import.meta.url);

const { values } = parseArgs({
  options: {
    pods: { type: "string" },
    hours: { type: "string" },
    seed: { type: "string" },
    design: { type: "string" },
    "no-write": { type: "boolean", default: false },
  },
});

const config: FleetConfig = {
  ...FULL_FLEET,
  ...(values.pods !== undefined && { pods: Number(values.pods) }),
  ...(values.hours !== undefined && { durationMs: Number(values.hours) * 3_600_000 }),
  ...(values.seed !== undefined && { seed: Number(values.seed) }),
};

/** Child: one design, its row as JSON on stdout. */
async function runOne(index: number): Promise<void> {
  const entry = DESIGNS[index];
  if (entry === undefined) throw new Error(`no design ${index}`);
  const { callsPerSecond, ...figures } = await simulateFleet(config, entry.design);
  const row: FleetRow = { name: entry.name, figures, peakPerMinute: peakPerMinute(callsPerSecond) };
  process.stdout.write(JSON.stringify(row));
}

async function runInChild(index: number): Promise<FleetRow> {
  const args = [...process.execArgv, SELF, "--design", String(index), "--pods", String(config.pods), "--hours", String(config.durationMs / 3_600_000), "--seed", String(config.seed)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 24, timeout: 600_000 });
  return JSON.parse(stdout) as FleetRow;
}

async function main(): Promise<void> {
  const started = performance.now();
  const rows: FleetRow[] = new Array(DESIGNS.length);
  let next = 0;
  const worker = async () => {
    while (next < DESIGNS.length) {
      const index = next++;
      rows[index] = await runInChild(index);
      process.stderr.write(`[fleet] ${DESIGNS[index]!.name}: done after ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), DESIGNS.length) }, worker));
  const seconds = (performance.now() - started) / 1000;
  const targets = fleetTargets(rows, config);
  const command = `pnpm sim:fleet${values.pods !== undefined || values.hours !== undefined ? ` --pods ${config.pods} --hours ${config.durationMs / 3_600_000}` : ""}`;
  const workers = await storedWorkerSection();
  const markdown = workers === undefined ? renderResults(rows, targets, command, seconds) : withWorkerSection(renderResults(rows, targets, command, seconds), workers);
  process.stdout.write(`${markdown}\n`);
  if (values["no-write"] !== true) {
    await writeFile(`${HERE}RESULTS.md`, `${markdown}\n`);
    await writeFile(`${HERE}results.json`, `${JSON.stringify({ command, config, seconds, targets, rows }, null, 2)}\n`);
    await writeFile(
      `${HERE}requests-per-second.svg`,
      renderSvg(rows, `STS calls per second, ${config.pods.toLocaleString("en-US")} pods over ${config.durationMs / 3_600_000} h (peak second of each minute)`),
    );
    process.stderr.write(`[fleet] wrote ${HERE}RESULTS.md, results.json, requests-per-second.svg\n`);
  }
}

function renderResults(rows: FleetRow[], targets: ReturnType<typeof fleetTargets>, command: string, seconds: number): string {
  const c = config;
  const out: string[] = [];
  out.push("# Fleet simulation: what a fleet of pods does to STS", "");
  out.push(
    `\`${command}\`: ${c.pods.toLocaleString("en-US")} pods starting within ${c.startWindowMs / 1000} s, ${c.durationMs / 3_600_000} simulated hours, ` +
      `${c.credentialLifetimeMs / 60_000}-minute credentials, ${c.replacedPerHour * 100}% of the pods replaced per hour, STS latency ` +
      `${c.stsLatencyMs[0]}-${c.stsLatencyMs[1]} ms and ${c.rateLimitPerSecond} requests/s (Throttling beyond, per simulated second), ` +
      `each pod's application making a request every ${c.requestIntervalMs / 1000} s through a v3 client, seed ${c.seed}. ` +
      `Ran in ${seconds.toFixed(1)} s on Node ${process.version}, ${cpus()[0]?.model.trim() ?? "unknown CPU"} (${cpus().length} cores), one process per design.`,
    "",
  );
  out.push("## Targets", "", "| target | measured | met |", "| --- | --- | --- |");
  for (const target of targets) out.push(`| ${target.target} | ${target.measured} | ${target.met ? "yes" : "**no**"} |`);
  out.push("", "## Per design", "", renderFleetTable(rows), "");
  out.push(
    "Per second: the peak and the 99th percentile over every second of the day. First fetches (a pod's first credentials, " +
      "the same for every design) are counted apart from refreshes. \"Waited\": requests that waited for STS " +
      "(at a pod's start, and later). \"Calls / fleet minimum\": STS calls over the least this fleet needs " +
      "(each pod, one call per credential lifetime begun).",
    "",
  );
  out.push("## STS calls per second over the day", "", "![STS calls per second](requests-per-second.svg)", "", "```");
  for (const row of rows) out.push(renderAsciiChart(row), "");
  out.push("```", "");
  out.push(
    "## The model",
    "",
    "- Every pod runs the real refresh engine (`withCredentialCache` from `@irsa/web-identity`, proactive timer on) or, " +
      "for the v3 model, no cache at all (like `fromTokenFile`: one STS call per call), and in both cases the real " +
      "`memoizeIdentityProvider` of `@smithy/core` in front of it, as a v3 client wraps its `credentials` (refresh when " +
      "less than 5 minutes remain, callers waiting). Engine and memo read the simulated clock; the global setTimeout " +
      "is replaced by simulated timers, so the engine's own timer fires its refreshes; the engine draws from a seeded random source.",
    "- A request the memo serves from its cache does not reach the provider and is not simulated; neither is a call our " +
      "engine serves from its cache before its next refresh instant (it changes nothing). Every other request is.",
    "- STS: one call per fetch (the STS client's own retries are not modelled), latency uniform in the range above, a fixed " +
      "1-second window for the rate limit. A throttled refresh is a recoverable failure for our engine (cached set kept, backoff).",
    "",
  );
  return out.join("\n");
}

if (values.design !== undefined) await runOne(Number(values.design));
else await main();
