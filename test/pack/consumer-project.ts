import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { runProcess, type ProcessResult } from "./run-process.js";

/** A fresh npm project outside the workspace that installs our packages from their tarballs. */
export interface ConsumerProjectInit {
  /** Folder to create (must not exist in the workspace: npm would find the workspace's files). */
  dir: string;
  /** `@irsa/*` packages to install, by name, with the path of each tarball. */
  tarballs: ReadonlyMap<string, string>;
  /** Registry packages the app itself depends on, with their ranges. */
  registryDependencies: Readonly<Record<string, string>>;
  /** Files copied into the project, with the name each gets there. */
  files: ReadonlyArray<{ from: string; to?: string }>;
}

/**
 * Writes the project. Our packages come from `file:` tarballs; `overrides` points every nested
 * `@irsa/*` range (e.g. @irsa/aws-sdk-v2's `^0.1.0` on @irsa/web-identity) at the root tarball,
 * so npm never asks the registry for a package we have not published.
 */
export async function writeConsumerProject(init: ConsumerProjectInit): Promise<void> {
  await mkdir(init.dir, { recursive: true });
  const fromTarball = Object.fromEntries([...init.tarballs].map(([name, path]) => [name, `file:${path}`]));
  const manifest = {
    name: basename(init.dir),
    private: true,
    version: "0.0.0",
    type: "module",
    dependencies: { ...fromTarball, ...init.registryDependencies },
    overrides: Object.fromEntries([...init.tarballs.keys()].map((name) => [name, `$${name}`])),
  };
  await writeFile(join(init.dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of init.files) await copyFile(file.from, join(init.dir, file.to ?? basename(file.from)));
}

/** `npm install` with the shared cache, quiet, no audit or funding requests. */
export function npmInstall(dir: string, env: NodeJS.ProcessEnv): Promise<ProcessResult> {
  return runProcess("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], {
    cwd: dir,
    env,
    timeoutMs: 180_000,
  });
}

/**
 * Where npm took each `@irsa/*` package from, per the lockfile: every copy must be the single
 * top-level one, installed from our tarball.
 */
export async function irsaInstallProblems(dir: string, tarballs: ReadonlyMap<string, string>): Promise<string[]> {
  const lock = JSON.parse(await readFile(join(dir, "package-lock.json"), "utf8")) as {
    packages: Record<string, { resolved?: string; version?: string }>;
  };
  const problems: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    const match = /(?:^|\/)node_modules\/(@irsa\/[^/]+)$/.exec(path);
    if (!match?.[1]) continue;
    const name = match[1];
    if (path !== `node_modules/${name}`) problems.push(`nested copy of ${name} at ${path}`);
    else if (!tarballs.has(name)) problems.push(`${name} installed but not packed here`);
    else if (!entry.resolved?.startsWith("file:")) problems.push(`${name} resolved from ${entry.resolved ?? "?"}, not from its tarball`);
  }
  for (const name of tarballs.keys()) {
    if (!lock.packages[`node_modules/${name}`]) problems.push(`${name} missing from node_modules`);
  }
  return problems;
}

/** Writes a tsconfig for one resolution mode and returns its file name. */
export async function writeTsconfig(dir: string, mode: "node16" | "bundler", files: readonly string[], checkDeclarations: boolean): Promise<string> {
  const name = `tsconfig.${mode}.json`;
  const compilerOptions = {
    target: "ES2022",
    lib: ["ES2022"],
    module: mode === "node16" ? "node16" : "esnext",
    moduleResolution: mode,
    strict: true,
    noEmit: true,
    // With checkDeclarations, every .d.ts is checked as a consumer with skipLibCheck off sees
    // it (ours included: an import our types cannot make fails here). tsc has no per-package
    // switch, so a project whose dependencies' types are huge (aws-sdk v2) skips it.
    skipLibCheck: !checkDeclarations,
    types: ["node"],
  };
  await writeFile(join(dir, name), `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
  return name;
}
