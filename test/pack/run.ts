// `pnpm test:pack`: what `npm install` gives our users. Packs every publishable package, checks
// the tarballs (manifest ranges, files, entry points, bins, declared imports, attw), installs them
// (not the workspace) into fresh npm projects, and runs small ESM, CommonJS, TypeScript and
// aws-sdk v2 consumers and the `irsa-credentials` bin against the local IRSA world from the
// packed @irsa/testing. Run `pnpm build` first. `--keep` leaves the temporary folder in place.
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { irsaInstallProblems, npmInstall, writeConsumerProject, writeTsconfig } from "./consumer-project.js";
import { inspectTarball, packedManifest, type TarballProblems } from "./inspect-tarball.js";
import { runProcess, tail, type ProcessResult } from "./run-process.js";
import { admitsNodeWithoutRequireEsm, REQUIRE_ESM_OFF_FLAGS } from "./require-esm.js";
import { readTarball } from "./tarball.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));
const KEEP = process.argv.includes("--keep");
const PROGRAM_TIMEOUT_MS = 90_000;

interface Outcome {
  subject: string;
  check: string;
  ok: boolean;
  ms: number;
  detail?: string;
}

interface Packed {
  name: string;
  dir: string;
  tarball: string;
  packedBytes: number;
  unpackedBytes: number;
  files: number;
}

const outcomes: Outcome[] = [];

function record(subject: string, check: string, ok: boolean, ms: number, detail?: string): boolean {
  outcomes.push({ subject, check, ok, ms, ...(detail ? { detail } : {}) });
  const mark = ok ? "ok  " : "FAIL";
  console.log(`${mark} ${subject} · ${check} (${(ms / 1000).toFixed(1)} s)${ok || !detail ? "" : `\n${indent(detail)}`}`);
  return ok;
}

function recordProcess(subject: string, check: string, result: ProcessResult, extra?: string): boolean {
  const ok = result.code === 0 && !result.timedOut && extra === undefined;
  const why = result.timedOut ? "timed out\n" : result.code !== 0 ? `exit code ${result.code}\n` : "";
  return record(subject, check, ok, result.ms, ok ? undefined : `${why}${extra ?? ""}${extra ? "\n" : ""}${tail(result)}`);
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `       ${line}`)
    .join("\n");
}

/** The child environment: no AWS settings or pnpm run variables of ours leak into consumers. */
function consumerEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^AWS_/.test(key) || /^(npm_(package|lifecycle|command|execpath|node_execpath|config_user_agent)|pnpm_|PNPM_)/i.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    AWS_EC2_METADATA_DISABLED: "true",
    NO_UPDATE_NOTIFIER: "1",
    npm_config_update_notifier: "false",
  };
}

async function publishablePackages(): Promise<Array<{ name: string; dir: string; version: string }>> {
  const packagesDir = join(ROOT, "packages");
  const found = [];
  for (const folder of (await readdir(packagesDir)).sort()) {
    const dir = join(packagesDir, folder);
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { name: string; version: string; private?: boolean };
    if (!manifest.private) found.push({ name: manifest.name, dir, version: manifest.version });
  }
  return found;
}

async function pack(pkg: { name: string; dir: string }, destination: string): Promise<Packed | undefined> {
  const result = await runProcess("pnpm", ["pack", "--pack-destination", destination], { cwd: pkg.dir, env: process.env, timeoutMs: 60_000 });
  const tarball = result.stdout
    .trim()
    .split("\n")
    .reverse()
    .find((line) => line.trim().endsWith(".tgz"))
    ?.trim();
  if (!recordProcess(pkg.name, "pnpm pack", result, tarball ? undefined : "no .tgz path in the output")) return undefined;
  const entries = await readTarball(tarball!);
  const problems = inspectTarball(entries);
  reportProblems(pkg.name, problems, result.ms);
  return {
    name: pkg.name,
    dir: pkg.dir,
    tarball: tarball!,
    packedBytes: (await stat(tarball!)).size,
    unpackedBytes: entries.reduce((sum, entry) => sum + entry.size, 0),
    files: entries.length,
  };
}

function reportProblems(name: string, problems: TarballProblems, ms: number): void {
  const checks: Array<[keyof TarballProblems, string]> = [
    ["protocols", "no workspace:/catalog: ranges in the packed package.json"],
    ["strayFiles", "only dist/, README and package.json (no tests, test support, sourcemaps)"],
    ["missingEntries", "every exports/main/types/bin target is in the tarball"],
    ["badBins", "bins start with #!/usr/bin/env node and are executable"],
    ["undeclaredImports", "every package the build imports is a dependency or peer"],
  ];
  for (const [key, label] of checks) record(name, label, problems[key].length === 0, ms, problems[key].join("\n"));
}

async function attw(packed: Packed): Promise<void> {
  const bin = join(ROOT, "node_modules", ".bin", "attw");
  const result = await runProcess(bin, [packed.tarball, "--profile", "node16", "--format", "ascii"], { cwd: ROOT, env: process.env, timeoutMs: 120_000 });
  recordProcess(packed.name, "attw --profile node16 on the tarball", result);
}

async function workspaceRange(manifestPath: string, name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(ROOT, manifestPath), "utf8")) as Record<string, Record<string, string> | undefined>;
  const range = manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
  if (!range) throw new Error(`${manifestPath} does not list ${name}: the consumer projects take its range from there`);
  return range;
}

async function typecheck(project: string, dir: string, fixture: string, checkDeclarations: boolean): Promise<void> {
  // node16 checks the ESM (.mts, "import" types) and CommonJS (.cts, "require" types) views;
  // bundler checks the view of Vite, esbuild and webpack users.
  const source = await readFile(join(dir, fixture), "utf8");
  const base = fixture.replace(/\.ts$/, "");
  await writeFile(join(dir, `${base}.mts`), source);
  await writeFile(join(dir, `${base}.cts`), source);
  const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
  for (const [mode, files] of [
    ["node16", [`${base}.mts`, `${base}.cts`]],
    ["bundler", [fixture]],
  ] as const) {
    const config = await writeTsconfig(dir, mode, files, checkDeclarations);
    const result = await runProcess(process.execPath, [tsc, "-p", config], { cwd: dir, env: consumerEnv(), timeoutMs: PROGRAM_TIMEOUT_MS });
    const libCheck = checkDeclarations ? "" : ", skipLibCheck";
    recordProcess(project, `tsc --noEmit, moduleResolution ${mode}${libCheck} (${files.join(", ")})`, result);
  }
}

async function runProgram(project: string, dir: string, file: string, what: string): Promise<void> {
  const result = await runProcess(process.execPath, [file], { cwd: dir, env: consumerEnv(), timeoutMs: PROGRAM_TIMEOUT_MS });
  recordProcess(project, `${what}: node ${file}`, result);
}

/**
 * Node 20.19 and 22.12 let `require()` load ES modules. A package whose `engines` admit older
 * releases must load with `require()` without that: it is run here with the feature turned off.
 */
async function requireWithoutRequireEsm(project: string, dir: string, names: readonly string[]): Promise<void> {
  for (const name of names) {
    const manifest = JSON.parse(await readFile(join(dir, "node_modules", name, "package.json"), "utf8")) as { engines?: { node?: string } };
    const range = manifest.engines?.node ?? "*";
    if (!admitsNodeWithoutRequireEsm(range)) continue;
    const result = await runProcess(process.execPath, [...REQUIRE_ESM_OFF_FLAGS, "-e", `require(${JSON.stringify(name)})`], { cwd: dir, env: consumerEnv(), timeoutMs: PROGRAM_TIMEOUT_MS });
    recordProcess(name, `require() without require(esm), as on Node < 20.19 (engines ${range}) [${project}]`, result);
  }
}

interface ConsumerPlan {
  project: string;
  packages: readonly string[];
  registry: Readonly<Record<string, string>>;
  fixtures: string;
  run(dir: string): Promise<void>;
}

async function consumer(plan: ConsumerPlan, workDir: string, packed: ReadonlyMap<string, Packed>): Promise<void> {
  const dir = join(workDir, plan.project);
  const tarballs = new Map(plan.packages.map((name) => [name, packed.get(name)!.tarball]));
  const fixtureDir = join(FIXTURES, plan.fixtures);
  await writeConsumerProject({
    dir,
    tarballs,
    registryDependencies: plan.registry,
    files: (await readdir(fixtureDir)).map((file) => ({ from: join(fixtureDir, file) })),
  });
  const install = await npmInstall(dir, consumerEnv());
  if (!recordProcess(plan.project, `npm install ${plan.packages.join(" ")} (tarballs)`, install)) return;
  const problems = await irsaInstallProblems(dir, tarballs);
  record(plan.project, "each @irsa package installed once, from its tarball", problems.length === 0, 0, problems.join("\n"));
  await plan.run(dir);
}

function printSizes(packed: readonly Packed[]): void {
  console.log("\nTarballs");
  console.log(table(["package", "packed", "unpacked", "files"], packed.map((p) => [p.name, kib(p.packedBytes), kib(p.unpackedBytes), String(p.files)])));
}

function printSummary(totalMs: number): void {
  const failed = outcomes.filter((outcome) => !outcome.ok);
  console.log("\nSummary");
  const bySubject = new Map<string, Outcome[]>();
  for (const outcome of outcomes) bySubject.set(outcome.subject, [...(bySubject.get(outcome.subject) ?? []), outcome]);
  console.log(
    table(
      ["subject", "checks", "passed", "failed"],
      [...bySubject].map(([subject, list]) => [subject, String(list.length), String(list.filter((o) => o.ok).length), String(list.filter((o) => !o.ok).length)]),
    ),
  );
  for (const outcome of failed) console.log(`FAIL ${outcome.subject} · ${outcome.check}`);
  console.log(`\nwall time ${(totalMs / 1000).toFixed(1)} s`);
  console.log(`pack: ${outcomes.length - failed.length} passed, ${failed.length} failed`);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)));
  const line = (cells: readonly string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  return [line(header), `|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

async function main(): Promise<number> {
  const started = performance.now();
  const packages = await publishablePackages();
  for (const pkg of packages) {
    const missing = await stat(join(pkg.dir, "dist")).then(
      () => false,
      () => true,
    );
    if (missing) {
      console.error(`${relative(ROOT, pkg.dir)}/dist is missing: run \`pnpm build\` before \`pnpm test:pack\`.`);
      return 1;
    }
  }
  const workDir = await mkdtemp(join(tmpdir(), "irsa-pack-"));
  console.log(`packing ${packages.map((p) => p.name).join(", ")} into ${workDir}`);
  try {
    const tarballDir = join(workDir, "tarballs");
    const packed = (await Promise.all(packages.map((pkg) => pack(pkg, tarballDir)))).filter((p): p is Packed => p !== undefined);
    if (packed.length !== packages.length) return 1;
    for (const p of packed) {
      const { manifest } = packedManifest(await readTarball(p.tarball));
      if (manifest.name !== p.name) record(p.name, "tarball manifest name", false, 0, `found ${manifest.name}`);
    }
    const byName = new Map(packed.map((p) => [p.name, p]));
    const ranges = {
      sts: await workspaceRange("test/package.json", "@aws-sdk/client-sts"),
      awsSdkV2: await workspaceRange("test/package.json", "aws-sdk"),
      typescript: await workspaceRange("package.json", "typescript"),
      nodeTypes: await workspaceRange("package.json", "@types/node"),
    };

    const v3: ConsumerPlan = {
      project: "v3-consumer",
      packages: ["@irsa/web-identity", "@irsa/testing", "@irsa/credential-server", "@irsa/iam-auth"],
      registry: { "@aws-sdk/client-sts": ranges.sts, typescript: ranges.typescript, "@types/node": ranges.nodeTypes },
      fixtures: "v3",
      async run(dir) {
        await runProgram(this.project, dir, "esm-consumer.mjs", "ESM app, v3 STSClient");
        await runProgram(this.project, dir, "cjs-consumer.cjs", "CommonJS app, v3 STSClient");
        await runProgram(this.project, dir, "bin-consumer.mjs", "npx irsa-credentials --help and process");
        await runProgram(this.project, dir, "iam-auth-consumer.mjs", "@irsa/iam-auth without its optional peers");
        await requireWithoutRequireEsm(this.project, dir, this.packages);
        await typecheck(this.project, dir, "typed-consumer.ts", true);
      },
    };
    const v2: ConsumerPlan = {
      project: "v2-consumer",
      packages: ["@irsa/aws-sdk-v2", "@irsa/web-identity", "@irsa/testing"],
      registry: { "aws-sdk": ranges.awsSdkV2, typescript: ranges.typescript, "@types/node": ranges.nodeTypes },
      fixtures: "v2",
      async run(dir) {
        await runProgram(this.project, dir, "v2-consumer.cjs", "aws-sdk installed once, v2 STS client");
        await runProgram(this.project, dir, "v2-dual-format.mjs", "ESM and CJS entries share AWS.Credentials");
        await requireWithoutRequireEsm(this.project, dir, ["@irsa/aws-sdk-v2"]);
        // aws-sdk v2's own types are ~1M lines: checking them would triple this step's time.
        await typecheck(this.project, dir, "typed-v2-consumer.ts", false);
      },
    };

    // attw is CPU work while npm install waits on the network: run them side by side.
    await Promise.all([
      (async () => {
        for (const p of packed) await attw(p);
      })(),
      consumer(v3, workDir, byName),
      consumer(v2, workDir, byName),
    ]);
    printSizes(packed);
    return outcomes.every((outcome) => outcome.ok) ? 0 : 1;
  } finally {
    printSummary(performance.now() - started);
    if (KEEP) console.log(`kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
