// pod.yaml on one machine, with no network beyond 127.0.0.1: the local IRSA world (OIDC issuer,
// kubelet-style token file, STS), the real `irsa-credentials serve` as the sidecar process, and an
// app process that only has the container-credentials variables, whose default SDK chain gets
// its credentials from the sidecar.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { get } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { within } from "./deadline.js";
import { startSidecar, type Sidecar, type SidecarLogLine } from "./sidecar-process.js";

/** Start-up of the sidecar (a TypeScript start of seconds on a loaded machine) and its first STS call. */
const SIDECAR_READY_DEADLINE_MS = 15_000;
/** The app's start-up and its two calls. */
const APP_DEADLINE_MS = 15_000;
/** SIGTERM to exit: nothing is in flight then, so the server stops at once. */
const SIDECAR_STOP_DEADLINE_MS = 12_000;
const APP_SOURCE = fileURLToPath(new URL("./app.ts", import.meta.url));
const EXPECTED_APP_CALLS = 2;
/** Sidecar log lines worth showing (none of them carries a secret). */
const SHOWN_SIDECAR_MESSAGES = new Set([
  "authorization token written",
  "listening",
  "credentials refreshed",
  "ready: first credentials in hand",
  "signal received",
  "stopped",
]);

const started = Date.now();
const say = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(4)} s] ${line}`);

/** Thrown when the demo ran but did not show what it should. */
class DemoCheckError extends Error {
  override name = "DemoCheckError";
}

function showSidecarLine(line: SidecarLogLine): void {
  if (line.msg === undefined || !SHOWN_SIDECAR_MESSAGES.has(line.msg)) return;
  const { time: _time, level: _level, msg, ...fields } = line;
  const detail = Object.entries(fields).map(([name, value]) => `${name}=${String(value)}`).join(" ");
  say(`sidecar: ${msg}${detail ? ` (${detail})` : ""}`);
}

/** The sidecar container's environment: IRSA pointed at the local world, nothing else of AWS. */
function sidecarEnv(world: IrsaWorld): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("AWS_")) env[name] = value;
  return { ...env, ...world.env, AWS_EC2_METADATA_DISABLED: "true" };
}

/**
 * The app container's environment: the two container-credentials variables, the region and the
 * STS endpoint, and no IRSA variable. Config files point at nothing, as in a fresh container, so
 * a developer's ~/.aws cannot answer in place of the sidecar.
 */
function appEnv(world: IrsaWorld, folder: string, credentialsUrl: string, authTokenFile: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: folder,
    AWS_CONTAINER_CREDENTIALS_FULL_URI: credentialsUrl,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: authTokenFile,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_REGION: world.region,
    AWS_ENDPOINT_URL_STS: world.sts.endpoint,
    AWS_CONFIG_FILE: join(folder, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, "no-aws-credentials"),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/** Runs src/app.ts in its own node process; settles with the ARNs it printed. */
async function runApp(env: NodeJS.ProcessEnv): Promise<string[]> {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const child = spawn(process.execPath, ["--import", tsxLoader, APP_SOURCE], { env, stdio: ["ignore", "pipe", "pipe"] });
  const arns: string[] = [];
  let stderr = "";
  let pending = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      say(line);
      const arn = /^app: GetCallerIdentity \d+: (\S+)$/.exec(line)?.[1];
      if (arn !== undefined) arns.push(arn);
    }
  });
  const exited = Promise.race([
    once(child, "exit").then(([code]) => code as number | null),
    once(child, "error").then(([error]) => {
      throw new Error(`The app could not start: ${(error as Error).message}`);
    }),
  ]);
  try {
    const code = await within(exited, APP_DEADLINE_MS, "the app's two GetCallerIdentity calls");
    if (code !== 0) throw new Error(`The app exited with code ${code}:\n${stderr.trim()}`);
    return arns;
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

/** GET on the health listener, one connection per request (no keep-alive left open at SIGTERM). */
function healthGet(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    }).on("error", reject);
  });
}

/** Credential requests the sidecar answered with 200, from its Prometheus metrics. */
function servedCredentialRequests(metrics: string): number {
  return metrics
    .split("\n")
    .filter((line) => line.startsWith("irsa_credentials_http_requests_total{"))
    .filter((line) => line.includes('route="credentials"') && line.includes('code="200"'))
    .reduce((sum, line) => sum + Number(line.slice(line.lastIndexOf(" ") + 1)), 0);
}

async function main(): Promise<void> {
  console.log("irsa-credentials sidecar example: the sidecar pattern of pod.yaml, as two local processes\n");
  const world = await startIrsaWorld();
  const folder = await mkdtemp(join(tmpdir(), "irsa-sidecar-example-"));
  const authTokenFile = join(folder, "auth-token");
  let sidecar: Sidecar | undefined;
  try {
    say(`local STS ${world.sts.endpoint}, role ${world.roleArn}`);
    say("starting the sidecar: irsa-credentials serve --port 0 --write-auth-token-file <tmp>/auth-token");
    sidecar = startSidecar({ env: sidecarEnv(world), authTokenFile, onLogLine: showSidecarLine });
    const { url, healthUrl } = await within(sidecar.listening(), SIDECAR_READY_DEADLINE_MS, "the sidecar's start");
    await within(sidecar.ready(), SIDECAR_READY_DEADLINE_MS, "the sidecar's first credentials");
    // What kubelet's startupProbe checks before it starts the app container.
    const readyz = await healthGet(`${healthUrl}/readyz`);
    if (readyz.status !== 200) throw new DemoCheckError(`/readyz answered ${readyz.status} after the ready line`);
    say(`startupProbe: GET ${healthUrl}/readyz -> 200, starting the app`);

    const arns = await runApp(appEnv(world, folder, url, authTokenFile));
    const served = servedCredentialRequests((await healthGet(`${healthUrl}/metrics`)).body);
    const assumeCalls = world.sts.calls("AssumeRoleWithWebIdentity");
    const callerIdentityCalls = world.sts.calls("GetCallerIdentity");
    console.log(
      `\nSummary: app calls ${arns.length}, STS AssumeRoleWithWebIdentity calls ${assumeCalls}, ` +
        `sidecar credential requests served ${served}\n`,
    );

    const problems: string[] = [];
    if (arns.length !== EXPECTED_APP_CALLS || callerIdentityCalls !== EXPECTED_APP_CALLS) {
      problems.push(`expected ${EXPECTED_APP_CALLS} app calls, the app printed ${arns.length} and STS saw ${callerIdentityCalls}`);
    }
    if (!arns.every((arn) => arn.includes(":assumed-role/irsa-demo/"))) problems.push(`unexpected ARN(s): ${arns.join(", ")}`);
    if (assumeCalls !== 1) problems.push(`expected 1 AssumeRoleWithWebIdentity call (the sidecar's), STS saw ${assumeCalls}`);
    if (served < 1) problems.push("the sidecar served no credentials: the app got them elsewhere");
    if (problems.length > 0) throw new DemoCheckError(problems.join("; "));

    say("sending SIGTERM to the sidecar");
    const code = await within(sidecar.stop(), SIDECAR_STOP_DEADLINE_MS, "the sidecar's stop on SIGTERM");
    if (code !== 0) throw new DemoCheckError(`the sidecar exited with code ${code} on SIGTERM, expected 0`);
    say("sidecar exited with code 0");
  } finally {
    await sidecar?.kill();
    await world.close();
    await rm(folder, { recursive: true, force: true });
  }
}

main().then(
  () => say("done"),
  (error: unknown) => {
    console.error(`\nsidecar example failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exitCode = 1;
  },
);
