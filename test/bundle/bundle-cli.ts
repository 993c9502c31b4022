import { build } from "esbuild";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * The `irsa-credentials` CLI from its sources as one CommonJS file: starts in about a tenth of a
 * second, so tests can run it as `credential_process` for every command of a real AWS CLI loop
 * (tsx would pay a TypeScript start-up of seconds per run).
 */
export async function bundleCli(outfile: string): Promise<void> {
  await build({
    entryPoints: [`${ROOT}packages/credential-server/src/cli.ts`],
    outfile,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    alias: { "@irsa/web-identity": `${ROOT}packages/web-identity/src/index.ts` },
    logLevel: "silent",
    absWorkingDir: ROOT,
  });
}
