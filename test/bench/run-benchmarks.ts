// `pnpm bench`: ours and the AWS SDK's providers side by side, in one run, against the local IRSA
// world; writes test/bench/RESULTS.md and results.json. Runs against the built packages.
//
//   pnpm bench             the full run (the lead's figures)
//   pnpm bench --quick     small sizes, to check the tooling in seconds
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { cpus, loadavg, platform, release } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { startIrsaWorld } from "@irsa/testing";
import { checkTargets, type BenchEnvironment, type BenchResults, type BenchSettings } from "./bench-results.js";
import { renderMarkdown } from "./bench-report.js";
import { HEAP_KINDS, IMPORT_TARGETS, heapPerInstance, importCost, type ImportTarget } from "./child-process-measures.js";
import { herdScenario, sharedProviderScenario, type HerdMoment } from "./herd-scenarios.js";
import { installShiftedClock } from "./shifted-clock.js";
import { SUBJECT_IDS, useWorldEnvironment } from "./subjects.js";
import { cachedCallCost, createAndFirstCredentials } from "./timing-scenarios.js";
import { sharingScenario } from "./sharing-scenarios.js";
import { workerSharingScenario } from "./worker-sharing-scenario.js";

const FULL: BenchSettings = {
  cachedRounds: 7,
  callsPerRound: 200_000,
  herdCallers: 10_000,
  herdStsLatencyMs: 200,
  sharingClients: 20,
  importRuns: 5,
  createRounds: 20,
  heapInstancesCreated: 2_000,
  heapInstancesHolding: 200,
};

const QUICK: BenchSettings = {
  cachedRounds: 3,
  callsPerRound: 20_000,
  herdCallers: 1_000,
  herdStsLatencyMs: 200,
  sharingClients: 20,
  importRuns: 3,
  createRounds: 3,
  heapInstancesCreated: 200,
  heapInstancesHolding: 20,
};

const HERE = fileURLToPath(new URL(".", import.meta.url));
const LOAD_SCRIPT = fileURLToPath(new URL("./credential-server-load.ts", import.meta.url));
/** Projected tokens outlive the clock jumps of the herds (about 1 hour per herd). */
const TOKEN_TTL_SECONDS = 30 * 24 * 3600;

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

function packageVersions(): Record<string, string> {
  const require = createRequire(new URL("../package.json", import.meta.url));
  const versions: Record<string, string> = {};
  for (const name of ["@aws-sdk/client-sts", "@aws-sdk/credential-providers", "@aws-sdk/credential-provider-web-identity", "aws-sdk", "@irsa/web-identity", "@irsa/aws-sdk-v2"]) {
    versions[name] = (require(`${name}/package.json`) as { version: string }).version;
  }
  return versions;
}

function environment(quick: boolean): BenchEnvironment {
  return {
    command: quick ? "pnpm bench --quick" : "pnpm bench",
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? "unknown",
    cores: cpus().length,
    platform: `${platform()} ${release()}`,
    loadAverage: loadavg()[0] ?? 0,
    packages: packageVersions(),
  };
}

async function inWorldMeasures(settings: BenchSettings) {
  const world = await startIrsaWorld({ tokenTtlSeconds: TOKEN_TTL_SECONDS });
  const restoreEnvironment = useWorldEnvironment(world);
  try {
    const cachedCall: BenchResults["cachedCall"] = {};
    for (const id of SUBJECT_IDS) {
      log(`cached call: ${id}`);
      cachedCall[id] = await cachedCallCost(world, id, settings.cachedRounds, settings.callsPerRound);
    }
    const herds: BenchResults["herds"] = {};
    for (const moment of ["cold", "four-minutes-before-expiry", "just-past-expiry"] as HerdMoment[]) {
      const bySubject: NonNullable<BenchResults["herds"][HerdMoment]> = {};
      for (const id of SUBJECT_IDS) {
        log(`herd ${moment}: ${id}`);
        bySubject[id] = await herdScenario(world, id, moment, { callers: settings.herdCallers, stsLatencyMs: settings.herdStsLatencyMs });
      }
      herds[moment] = bySubject;
    }
    const sharedProvider: BenchResults["sharedProvider"] = {};
    for (const id of SUBJECT_IDS) {
      log(`shared provider: ${id}`);
      sharedProvider[id] = await sharedProviderScenario(world, id, settings.sharingClients);
    }
    const createAndFirstMs: BenchResults["createAndFirstMs"] = {};
    for (const id of SUBJECT_IDS) {
      log(`create + first credentials: ${id}`);
      createAndFirstMs[id] = await createAndFirstCredentials(world, id, settings.createRounds);
    }
    log("shared engine: create a provider of a shared configuration, cached call through it");
    const sharing = await sharingScenario(world, settings.cachedRounds, settings.callsPerRound, 1_000);
    log("sharing across worker threads: a new follower's first call, a follower's cached call");
    const workerSharing = await workerSharingScenario(world, 5, settings.cachedRounds, settings.callsPerRound);
    return { cachedCall, herds, sharedProvider, createAndFirstMs, sharing, workerSharing };
  } finally {
    restoreEnvironment();
    await world.close();
  }
}

async function credentialServerLoad(quick: boolean): Promise<unknown> {
  if (!existsSync(LOAD_SCRIPT)) return undefined;
  log("credential-server endpoint load");
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, LOAD_SCRIPT, "--seconds", quick ? "1" : "5"], {
    env: process.env,
    maxBuffer: 1 << 22,
    timeout: 180_000,
  });
  return JSON.parse(stdout) as unknown;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: "boolean", default: false } } });
  const quick = values.quick === true;
  const settings = quick ? QUICK : FULL;
  const env = environment(quick);
  // Before any SDK or provider exists, so every Date in the process comes from the one clock.
  installShiftedClock();
  const inWorld = await inWorldMeasures(settings);
  const importCostMs: BenchResults["importCostMs"] = {};
  for (const target of Object.keys(IMPORT_TARGETS) as ImportTarget[]) {
    log(`import cost: ${target}`);
    importCostMs[target] = await importCost(target, settings.importRuns);
  }
  const heapKbPerInstance: BenchResults["heapKbPerInstance"] = {};
  for (const kind of HEAP_KINDS) {
    log(`heap: ${kind}`);
    const count = kind.endsWith("holding-credentials") ? settings.heapInstancesHolding : settings.heapInstancesCreated;
    heapKbPerInstance[kind] = await heapPerInstance(kind, count);
  }
  const load = await credentialServerLoad(quick);
  const partial = { environment: env, settings, ...inWorld, importCostMs, heapKbPerInstance, ...(load === undefined ? {} : { credentialServerLoad: load }) };
  const results: BenchResults = { ...partial, targets: checkTargets(partial) };
  const markdown = renderMarkdown(results);
  await writeFile(`${HERE}results.json`, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(`${HERE}RESULTS.md`, `${markdown}\n`);
  process.stdout.write(`${markdown}\n`);
  log(`wrote ${HERE}RESULTS.md and results.json`);
}

await main();
