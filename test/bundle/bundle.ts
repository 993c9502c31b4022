import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** What to bundle, where to, and in which module format. */
export interface BundleTarget {
  format: "esm" | "cjs";
  outfile: string;
  /** Entry file, relative to the repository root. Default: this folder's bundle-app.ts. */
  entry?: string;
}

// In an ESM bundle, CommonJS dependencies that call require("node:...") need a real require:
// the banner gives them one (the note in the web-identity README, "Bundling").
const ESM_REQUIRE_BANNER = 'import { createRequire as __irsaCreateRequire } from "node:module"; const require = __irsaCreateRequire(import.meta.url);';

/**
 * Bundles an entry (by default test/bundle/bundle-app.ts) with esbuild into one self-contained
 * file: the AWS SDK and the lazy imports of STS, container and IMDS sources included.
 * `@irsa/web-identity` is taken from its TypeScript sources (the same code its build ships), so
 * no `pnpm build` is needed first.
 */
export async function bundleApp(target: BundleTarget): Promise<void> {
  await build({
    entryPoints: [`${ROOT}${target.entry ?? "test/bundle/bundle-app.ts"}`],
    outfile: target.outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: target.format,
    ...(target.format === "esm" ? { banner: { js: ESM_REQUIRE_BANNER } } : {}),
    alias: { "@irsa/web-identity": `${ROOT}packages/web-identity/src/index.ts` },
    logLevel: "silent",
    absWorkingDir: ROOT,
  });
}

/**
 * The `irsa-credentials` CLI from its sources as one CommonJS file: starts in about a tenth of a
 * second, so tests can run it as `credential_process` for every command of a real AWS CLI loop
 * (tsx would pay a TypeScript start-up of seconds per run).
 */
export function bundleCli(outfile: string): Promise<void> {
  return bundleApp({ format: "cjs", outfile, entry: "packages/credential-server/src/cli.ts" });
}
