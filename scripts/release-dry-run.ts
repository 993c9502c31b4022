// `pnpm release:dry-run`: proves the release flow in a throwaway copy of the workspace, never in
// the real tree and never against a registry:
//   1. copy the tree (with the built dist/ folders; run `pnpm build` first) to a temp folder and
//      install it offline from the local pnpm store;
//   2. add a changeset (a minor change of @irsa/web-identity) and run `changeset version`;
//   3. check the versions: the changed package and its internal dependents move, internal
//      ranges follow, each moved package gets a CHANGELOG.md, private packages stay put;
//   4. `pnpm publish --dry-run` each publishable package and check its packed manifest.
// Every child gets an unreachable registry (127.0.0.1:9), so even a mistaken real publish fails.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { packedManifest } from "../test/pack/inspect-tarball.js";
import { runProcess, tail } from "../test/pack/run-process.js";
import { readTarball } from "../test/pack/tarball.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CHANGED = "@irsa/web-identity";
const CHANGE_TYPE = "minor";
const SUMMARY = "Release dry run: a minor change of the web-identity provider.";
/** Nothing listens on port 9 (discard): any registry request fails at once. */
const NO_REGISTRY = "http://127.0.0.1:9/";
const SKIPPED_DIRS = new Set(["node_modules", ".git", ".tmp", "coverage", ".mut"]);

interface WorkspacePackage {
  name: string;
  version: string;
  private: boolean;
  dir: string;
  dependencies: Record<string, string>;
}

const failures: string[] = [];
let checks = 0;

function check(ok: boolean, what: string, detail = ""): void {
  checks += 1;
  console.log(`${ok ? "ok  " : "FAIL"} ${what}${ok || !detail ? "" : `\n       ${detail.split("\n").join("\n       ")}`}`);
  if (!ok) failures.push(what);
}

async function workspacePackages(root: string): Promise<WorkspacePackage[]> {
  const found: WorkspacePackage[] = [];
  for (const parent of ["packages", "examples"]) {
    for (const folder of (await readdir(join(root, parent))).sort()) {
      const manifestPath = join(root, parent, folder, "package.json");
      if (!(await stat(manifestPath).catch(() => undefined))) continue;
      found.push(await readPackage(join(root, parent, folder)));
    }
  }
  found.push(await readPackage(join(root, "test")));
  return found;
}

async function readPackage(dir: string): Promise<WorkspacePackage> {
  const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as {
    name: string;
    version: string;
    private?: boolean;
    dependencies?: Record<string, string>;
  };
  return { name: manifest.name, version: manifest.version, private: manifest.private === true, dir, dependencies: manifest.dependencies ?? {} };
}

function bump(version: string, type: "major" | "minor" | "patch"): string {
  const [major = 0, minor = 0, patch = 0] = version.split(".").map(Number);
  if (type === "major") return `${major + 1}.0.0`;
  if (type === "minor") return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

async function main(): Promise<number> {
  const started = performance.now();
  const before = await workspacePackages(ROOT);
  const publishable = before.filter((pkg) => !pkg.private);
  for (const pkg of publishable) {
    if (!(await stat(join(pkg.dir, "dist")).catch(() => undefined))) {
      console.error(`${relative(ROOT, pkg.dir)}/dist is missing: run \`pnpm build\` before \`pnpm release:dry-run\`.`);
      return 1;
    }
  }
  const temp = await mkdtemp(join(tmpdir(), "irsa-release-"));
  const copy = join(temp, "workspace");
  const env: NodeJS.ProcessEnv = { ...process.env, npm_config_registry: NO_REGISTRY, npm_config_fetch_retries: "0" };
  try {
    await cp(ROOT, copy, { recursive: true, filter: (source) => !SKIPPED_DIRS.has(basename(source)) });
    console.log(`workspace copied to ${copy}`);
    // From the local store only (filled by the real install): the copy gets its own links, so
    // pnpm resolves `workspace:` ranges against the copy's versions once they are bumped.
    const install = await runProcess("pnpm", ["install", "--offline", "--frozen-lockfile", "--ignore-scripts", "--reporter=silent"], {
      cwd: copy,
      env,
      timeoutMs: 300_000,
    });
    check(install.code === 0, "pnpm install --offline --frozen-lockfile in the copy", tail(install));
    if (install.code !== 0) return 1;

    // Changesets pending on main are checked for shape, then set aside in the copy: the dry run
    // tests the release mechanism with one known change, whatever is queued for the next release.
    for (const file of (await readdir(join(copy, ".changeset"))).filter((name) => name.endsWith(".md") && name !== "README.md")) {
      const text = await readFile(join(copy, ".changeset", file), "utf8");
      const front = /^---\n([\s\S]*?)\n---\n\s*\S/.exec(text)?.[1];
      const entries = (front ?? "").split("\n").filter((line) => line.trim() !== "").map((line) => /^"(@irsa\/[a-z0-9-]+)": (major|minor|patch)$/.exec(line.trim()));
      const named = entries.every((entry) => entry !== null && publishable.some((pkg) => pkg.name === entry[1]));
      check(front !== undefined && entries.length > 0 && named, `pending changeset ${file}: names published packages with a bump, and says what changed`, front ?? text.slice(0, 200));
      await rm(join(copy, ".changeset", file));
    }
    await writeFile(join(copy, ".changeset", "release-dry-run.md"), `---\n"${CHANGED}": ${CHANGE_TYPE}\n---\n\n${SUMMARY}\n`);
    const version = await runProcess(join(copy, "node_modules", ".bin", "changeset"), ["version"], { cwd: copy, env, timeoutMs: 120_000 });
    check(version.code === 0, "changeset version", tail(version));
    if (version.code !== 0) return 1;

    const after = new Map((await workspacePackages(copy)).map((pkg) => [pkg.name, pkg]));
    // Everything that depends on the changed package, directly or through another of ours.
    const dependents: string[] = [];
    for (let grew = true; grew; ) {
      grew = false;
      for (const pkg of publishable) {
        const reaches = [CHANGED, ...dependents].some((name) => name in pkg.dependencies);
        if (reaches && pkg.name !== CHANGED && !dependents.includes(pkg.name)) {
          dependents.push(pkg.name);
          grew = true;
        }
      }
    }
    for (const pkg of before) {
      const now = after.get(pkg.name);
      if (!now) {
        check(false, `${pkg.name} still in the workspace`);
        continue;
      }
      if (pkg.private) {
        check(now.version === pkg.version, `${pkg.name} (private) not versioned: ${pkg.version}`, `now ${now.version}`);
        continue;
      }
      const expected = pkg.name === CHANGED ? bump(pkg.version, CHANGE_TYPE) : dependents.includes(pkg.name) ? bump(pkg.version, "patch") : pkg.version;
      const why = pkg.name === CHANGED ? CHANGE_TYPE : dependents.includes(pkg.name) ? `patch: depends on ${CHANGED}` : "unchanged";
      check(now.version === expected, `${pkg.name} ${pkg.version} -> ${expected} (${why})`, `got ${now.version}`);
      if (expected !== pkg.version) {
        const changelog = await readFile(join(now.dir, "CHANGELOG.md"), "utf8").catch(() => "");
        const mentions = pkg.name === CHANGED ? SUMMARY : `${CHANGED}@${bump(before.find((p) => p.name === CHANGED)!.version, CHANGE_TYPE)}`;
        check(changelog.includes(`## ${expected}`) && changelog.includes(mentions), `${pkg.name} CHANGELOG.md has ${expected} and "${mentions}"`, changelog.slice(0, 400));
      }
    }
    const leftover = (await readdir(join(copy, ".changeset"))).filter((file) => file.endsWith(".md") && file !== "README.md");
    check(leftover.length === 0, "changeset files consumed", leftover.join(", "));

    const tarballs = join(temp, "tarballs");
    await mkdir(tarballs);
    for (const pkg of publishable) {
      const dir = join(copy, relative(ROOT, pkg.dir));
      const args = ["publish", "--dry-run", "--no-git-checks", "--access", "public"];
      const publish = await runProcess("pnpm", args, { cwd: dir, env, timeoutMs: 120_000 });
      check(publish.code === 0, `${pkg.name}: pnpm ${args.join(" ")}`, tail(publish));
      // What that publish would upload: the packed manifest, with workspace ranges resolved.
      const pack = await runProcess("pnpm", ["pack", "--pack-destination", tarballs], { cwd: dir, env, timeoutMs: 60_000 });
      const tarball = pack.stdout.trim().split("\n").reverse().find((line) => line.trim().endsWith(".tgz"))?.trim();
      if (pack.code !== 0 || !tarball) {
        check(false, `${pkg.name}: pnpm pack`, tail(pack));
        continue;
      }
      const { manifest, text } = packedManifest(await readTarball(tarball));
      const expectedVersion = after.get(pkg.name)!.version;
      check(manifest.version === expectedVersion, `${pkg.name}: packed version ${expectedVersion}`, `got ${manifest.version}`);
      check(!/"(workspace|catalog):/.test(text), `${pkg.name}: no workspace:/catalog: ranges in the packed manifest`);
      for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
        const internal = after.get(dep);
        if (!internal) continue;
        check(range === `^${internal.version}`, `${pkg.name}: depends on ${dep} ${range} (current ${internal.version})`, `expected ^${internal.version}`);
      }
    }
  } finally {
    await rm(temp, { recursive: true, force: true });
    const untouched = (await workspacePackages(ROOT)).every((pkg) => before.find((b) => b.name === pkg.name)?.version === pkg.version);
    const noChangeset = !(await stat(join(ROOT, ".changeset", "release-dry-run.md")).catch(() => undefined));
    check(untouched && noChangeset, "the real tree is untouched (versions, .changeset)");
    console.log(`\nrelease dry run: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    console.log(`release: ${checks - failures.length} passed, ${failures.length} failed`);
  }
  return failures.length === 0 ? 0 : 1;
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
