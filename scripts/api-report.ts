// `pnpm api:check` / `pnpm api:update`: the public surface of each publishable package, from its
// built `dist/index.d.ts` (run `pnpm build` first).
//   1. TSDoc: every export has a doc comment, so does every field of an exported `*Init` /
//      `*Options` type (the option contract), and every factory (`fromX`, `createX`, ...) has an
//      `@example`. Other undocumented members and other functions without examples are listed.
//   2. API report: API Extractor writes the signatures to `packages/<pkg>/api/<name>.api.md`.
//      `api:check` fails when the report differs from the checked-in one; `api:update` rewrites it,
//      on purpose, so an API change shows up in review as a diff of that file.
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { apiExtractorReport, REPORT_FOLDER } from "./api/api-extractor-report.js";
import { tsdocCoverage } from "./api/tsdoc-coverage.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const mode = process.argv[2];
const verbose = process.argv.includes("--verbose");

async function publishablePackageDirs(): Promise<string[]> {
  const dirs: string[] = [];
  for (const folder of (await readdir(join(ROOT, "packages"))).sort()) {
    const dir = join(ROOT, "packages", folder);
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8")) as { private?: boolean };
    if (!manifest.private) dirs.push(dir);
  }
  return dirs;
}

function list(title: string, items: readonly string[]): void {
  if (items.length === 0) return;
  console.log(`  ${title}:`);
  for (const item of items) console.log(`    - ${item}`);
}

async function main(): Promise<number> {
  if (mode !== "check" && mode !== "update") {
    console.error("usage: tsx scripts/api-report.ts check|update [--verbose]");
    return 2;
  }
  const update = mode === "update";
  const tempDir = await mkdtemp(join(tmpdir(), "irsa-api-report-"));
  let failures = 0;
  try {
    for (const dir of await publishablePackageDirs()) {
      const name = relative(ROOT, dir);
      const started = performance.now();
      const entry = join(dir, "dist", "index.d.ts");
      if (!(await stat(entry).catch(() => undefined))) {
        console.log(`FAIL ${name}: ${relative(ROOT, entry)} is missing; run \`pnpm build\` first`);
        failures += 1;
        continue;
      }
      if (update) await mkdir(join(dir, REPORT_FOLDER), { recursive: true });
      const docs = tsdocCoverage(entry);
      const report = apiExtractorReport(dir, tempDir, update);
      const docErrors = docs.undocumentedExports.length + docs.undocumentedOptions.length + docs.factoriesWithoutExample.length;
      const reportFailed = report.errors.length > 0;
      const ok = docErrors === 0 && !reportFailed;
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      const reportFile = `${REPORT_FOLDER}/${name.replace(/^packages\//, "")}.api.md`;
      const reportState = update ? (report.changed ? "report updated" : "report unchanged") : report.changed ? "report DIFFERS" : "report matches";
      console.log(
        `${ok ? "ok  " : "FAIL"} ${name}: ${docs.exportCount} exports, ${reportState} (${name}/${reportFile}), ` +
          `${docs.undocumentedMembers.length} undocumented members, ${docs.withoutExample.length} functions/classes without @example (${seconds} s)`,
      );
      list("exports without a TSDoc comment", docs.undocumentedExports);
      list("option fields without a TSDoc comment", docs.undocumentedOptions);
      list("factories without an @example", docs.factoriesWithoutExample);
      list("API report", report.errors);
      if (verbose) {
        list("members without a TSDoc comment", docs.undocumentedMembers);
        list("functions and classes without an @example", docs.withoutExample);
        list("warnings", report.warnings);
      } else if (report.warnings.length > 0) {
        console.log(`  ${report.warnings.length} TSDoc/API Extractor warnings (--verbose lists them)`);
      }
      if (!ok) failures += 1;
    }
  } finally {
    await rm(tempDir, { recursive: true, force: true });
  }
  if (failures > 0 && !update) console.log("\nAn intended API change? Run `pnpm build && pnpm api:update` and commit the reports.");
  return failures > 0 ? 1 : 0;
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
