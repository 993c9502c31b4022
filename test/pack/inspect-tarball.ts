import { builtinModules } from "node:module";
import type { TarballEntry } from "./tarball.js";

/** The fields of a packed manifest that the checks read. */
export interface PackedManifest {
  name: string;
  version: string;
  main?: string;
  module?: string;
  types?: string;
  bin?: string | Record<string, string>;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

/** What is wrong with a tarball; empty when it is fit to publish. */
export interface TarballProblems {
  /** `workspace:` / `catalog:` ranges left in the packed package.json. */
  protocols: string[];
  /** Files that are not part of the published surface (tests, test support, sourcemaps, sources). */
  strayFiles: string[];
  /** Entry points (`exports`, `main`, `types`, `bin`, ...) that the tarball lacks. */
  missingEntries: string[];
  /** Bins without a `#!/usr/bin/env node` line or without the executable bit. */
  badBins: string[];
  /** Packages that built files import but the manifest does not declare. */
  undeclaredImports: string[];
}

const ROOT = "package/";

/** What a package tarball may hold: its manifest, docs and the build. */
const PUBLISHED_FILE = /^package\/(package\.json|README\.md|CHANGELOG\.md|LICEN[CS]E(\.\w+)?|dist\/.+)$/;

/** Files that betray test code, whatever folder they sit in. */
const TEST_FILE = [
  /\.(test|spec)\.[cm]?[jt]sx?$/,
  /\.(test|spec)\.d\.[cm]?ts$/,
  /(^|[/.])test-support([/.]|$)/,
  /(^|\/)__tests__\//,
  /\.map$/,
  /\.tsbuildinfo$/,
];

/** A bundled test runner or HTTP mock means test code leaked into the build. */
const TEST_TOOLING_IMPORT = /^(vitest|nock|fast-check)(\/|$)/;

/** Bare module specifiers in built JS and declaration files. */
const SPECIFIER_PATTERNS = [
  /\bfrom\s*["']([^"'\s]+)["']/g,
  /\bimport\s*\(\s*["']([^"'\s]+)["']\s*\)/g,
  /\brequire\s*\(\s*["']([^"'\s]+)["']\s*\)/g,
  /\bimport\s+["']([^"'\s]+)["']/g,
];

const BUILTINS = new Set(builtinModules);

/** Reads the manifest of a tarball (and its raw text, for the protocol check). */
export function packedManifest(entries: readonly TarballEntry[]): { manifest: PackedManifest; text: string } {
  const entry = entries.find((candidate) => candidate.path === `${ROOT}package.json`);
  if (!entry) throw new Error("the tarball has no package/package.json");
  const text = entry.content.toString("utf8");
  return { manifest: JSON.parse(text) as PackedManifest, text };
}

/** Checks one tarball against what npm users will rely on. */
export function inspectTarball(entries: readonly TarballEntry[]): TarballProblems {
  const { manifest, text } = packedManifest(entries);
  const files = new Map(entries.map((entry) => [entry.path, entry]));
  return {
    protocols: [...text.matchAll(/"([^"]+)":\s*"((?:workspace|catalog):[^"]*)"/g)].map((match) => `${match[1]}: ${match[2]}`),
    strayFiles: entries
      .map((entry) => entry.path)
      .filter((path) => !PUBLISHED_FILE.test(path) || TEST_FILE.some((pattern) => pattern.test(path))),
    missingEntries: entryPoints(manifest).filter((target) => !files.has(ROOT + target.replace(/^\.\//, ""))),
    badBins: binTargets(manifest).flatMap((target) => {
      const entry = files.get(ROOT + target.replace(/^\.\//, ""));
      if (!entry) return []; // reported as a missing entry
      const problems: string[] = [];
      if (!entry.content.toString("utf8", 0, 64).startsWith("#!/usr/bin/env node")) problems.push(`${target}: no "#!/usr/bin/env node" line`);
      if ((entry.mode & 0o111) === 0) problems.push(`${target}: not executable (mode ${entry.mode.toString(8)})`);
      return problems;
    }),
    undeclaredImports: undeclaredImports(manifest, entries),
  };
}

/** Total count of problems. */
export function problemCount(problems: TarballProblems): number {
  return Object.values(problems).reduce((sum, list: string[]) => sum + list.length, 0);
}

function entryPoints(manifest: PackedManifest): string[] {
  const targets = new Set<string>(binTargets(manifest));
  for (const field of [manifest.main, manifest.module, manifest.types]) if (field) targets.add(field);
  const walk = (node: unknown): void => {
    if (typeof node === "string") {
      if (!node.includes("*")) targets.add(node);
    } else if (node && typeof node === "object") {
      for (const value of Object.values(node)) walk(value);
    }
  };
  walk(manifest.exports);
  return [...targets];
}

function binTargets(manifest: PackedManifest): string[] {
  if (typeof manifest.bin === "string") return [manifest.bin];
  return Object.values(manifest.bin ?? {});
}

function undeclaredImports(manifest: PackedManifest, entries: readonly TarballEntry[]): string[] {
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  const problems = new Set<string>();
  for (const entry of entries) {
    if (!/^package\/dist\/.+(\.[cm]?js|\.d\.[cm]?ts)$/.test(entry.path)) continue;
    // Doc comments hold examples (`import { fromIni } from "..."`) that are not imports.
    const source = entry.content.toString("utf8").replace(/\/\*\*[\s\S]*?\*\//g, "");
    for (const pattern of SPECIFIER_PATTERNS) {
      for (const match of source.matchAll(pattern)) {
        const specifier = match[1] ?? "";
        if (specifier.startsWith(".") || specifier.startsWith("node:") || BUILTINS.has(specifier)) continue;
        const name = packageName(specifier);
        const file = entry.path.slice(ROOT.length);
        if (TEST_TOOLING_IMPORT.test(specifier)) problems.add(`${file} imports test tooling "${specifier}"`);
        else if (!declared.has(name)) problems.add(`${file} imports "${specifier}", but "${name}" is not in dependencies or peerDependencies`);
      }
    }
  }
  return [...problems];
}

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}
