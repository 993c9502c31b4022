// examples/sidecar (run in CI with `pnpm --filter @irsa/example-sidecar start`), here as the
// child process a user runs: the program starts the real CLI and the app as processes of its own.
// Everything runs from source with tsx, so no build is needed.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const EXAMPLE = join(ROOT, "examples/sidecar/src/sidecar-demo.ts");
/** Three TypeScript start-ups (demo, sidecar, app) of seconds each on a loaded machine. */
const EXAMPLE_TIMEOUT_MS = 75_000;

let child: ReturnType<typeof spawn> | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill("SIGKILL");
    await once(child, "exit");
  }
  child = undefined;
});

describe("examples/sidecar", () => {
  it(
    "the app gets its credentials from the real sidecar CLI: 2 calls, 1 STS exchange, SIGTERM exits 0, the program exits 0",
    async () => {
      // The root tsconfig maps @irsa/* to their sources; the sidecar process inherits it.
      const env = { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, "tsconfig.json") };
      const run = spawn(process.execPath, ["--import", TSX_LOADER, EXAMPLE], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
      child = run;
      let stdout = "";
      let stderr = "";
      run.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
      run.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
      const killer = setTimeout(() => run.kill("SIGKILL"), EXAMPLE_TIMEOUT_MS);
      const [code, signal] = (await once(run, "exit")) as [number | null, string | null];
      clearTimeout(killer);

      expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: "" });
      expect(stdout).toMatch(/^Summary: app calls 2, STS AssumeRoleWithWebIdentity calls 1, sidecar credential requests served [1-9]\d*$/m);
      expect(stdout.match(/app: GetCallerIdentity \d: arn:aws:sts::111122223333:assumed-role\/irsa-demo\/\S+$/gm)).toHaveLength(2);
      expect(stdout).toMatch(/sidecar: ready: first credentials in hand/);
      expect(stdout).toMatch(/startupProbe: GET http:\/\/127\.0\.0\.1:\d+\/readyz -> 200/);
      expect(stdout).toMatch(/sidecar exited with code 0/);
      // Loopback only, never a metadata address.
      expect(stdout).not.toMatch(/169\.254\./);
      const hosts = new Set([...stdout.matchAll(/https?:\/\/([^/:\s)]+)/g)].map((match) => match[1]));
      expect([...hosts]).toEqual(["127.0.0.1"]);
    },
    EXAMPLE_TIMEOUT_MS + 15_000,
  );
});
