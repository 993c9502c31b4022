import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { IrsaWorld } from "@irsa/testing";
import { runProcess } from "../../pack/run-process.js";
import type { DiffCase, Outcome, SideContext, SideRun } from "./case-types.js";
import { startRecordingProxy } from "./recording-proxy.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const GUARD = fileURLToPath(new URL("./loopback-guard.cjs", import.meta.url));
const CHILD = fileURLToPath(new URL("./child-entry.ts", import.meta.url));
/** A side that has not reported by then is killed (a hang is a failure, never a stuck suite). */
const SIDE_DEADLINE_MS = 30_000;

/** Variables a side inherits from the test process; every AWS_* variable is the case's to set. */
const INHERITED = ["PATH", "SystemRoot", "TMPDIR", "NODE_OPTIONS"];

export interface CaseWorld {
  readonly world: IrsaWorld;
  /** A second role the world's token is trusted for. */
  readonly otherRoleArn: string;
  /** A container-credentials endpoint (EKS Pod Identity / ECS style) on loopback. */
  readonly container: { readonly fullUri: string; readonly authorizationToken: string };
  /** A local IMDS: the value for AWS_EC2_METADATA_SERVICE_ENDPOINT. */
  readonly imdsEndpoint: string;
  /** Requests the container endpoint and the IMDS got since `resetOthers()`. */
  askedOthers(): { container: number; imds: number };
  resetOthers(): void;
}

/** Runs one side of `diffCase` in a fresh process, against `world` behind a recording proxy. */
export async function runSide(id: string, diffCase: DiffCase, side: "sdk" | "ours", caseWorld: CaseWorld): Promise<SideRun> {
  const { world, otherRoleArn, container, imdsEndpoint } = caseWorld;
  world.sts.reset();
  caseWorld.resetOthers();
  const proxy = await startRecordingProxy(world.sts.endpoint);
  const dir = await mkdtemp(join(tmpdir(), `diff-${id}-${side}-`));
  try {
    const ctx: SideContext = {
      roleArn: world.roleArn,
      otherRoleArn,
      tokenFile: world.tokenFile.path,
      stsEndpoint: proxy.endpoint,
      dir,
      token: await readFile(world.tokenFile.path, "utf8"),
      container,
      imdsEndpoint,
    };
    for (const [name, contents] of Object.entries(diffCase.files?.(ctx) ?? {})) await writeFile(join(dir, name), contents, { mode: 0o600 });
    diffCase.arrange?.(world);
    const refusedLog = join(dir, ".refused");
    const env: Record<string, string> = {
      ...Object.fromEntries(INHERITED.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]!]]))),
      HOME: dir,
      AWS_CONFIG_FILE: join(dir, "config"),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
      ...diffCase.env?.(ctx),
      DIFF_CASE: id,
      DIFF_SIDE: side,
      DIFF_CONTEXT: JSON.stringify(ctx),
      DIFF_REFUSED_LOG: refusedLog,
    };
    const { stdout, stderr } = await runProcess(process.execPath, ["--require", GUARD, "--import", "tsx", CHILD], { cwd: ROOT, env, timeoutMs: SIDE_DEADLINE_MS });
    const line = stdout.split("\n").find((text) => text.startsWith("DIFF-RESULT "));
    if (line === undefined) throw new Error(`case ${id}, ${side}: the side did not report\n${stdout}\n${stderr}`);
    const report = JSON.parse(line.slice("DIFF-RESULT ".length)) as { outcome: Outcome; unhandledRejections: number };
    const { outcome } = report;
    if (outcome.ok && outcome.credentials !== undefined) {
      const role = world.sts.issuedCredentials.get(outcome.credentials.accessKeyId)?.roleArn;
      if (role !== undefined) outcome.credentials.role = role;
    }
    const refused = await readFile(refusedLog, "utf8").then((text) => text.split("\n").filter(Boolean), () => []);
    return {
      outcome,
      sts: [...proxy.requests],
      refused: [...new Set(refused)],
      asked: caseWorld.askedOthers(),
      stderr: stderr.split("\n").filter((text) => text.trim() !== ""),
      unhandledRejections: report.unhandledRejections,
      printedToken: `${stdout}${stderr}`.includes(ctx.token.trim()),
    };
  } finally {
    world.sts.faults.clear();
    await proxy.close();
    await rm(dir, { recursive: true, force: true });
  }
}
