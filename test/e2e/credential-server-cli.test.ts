// The `irsa-credentials` CLI as a child process (run from source with tsx, so no build is
// needed): `serve` with graceful SIGTERM, `process` through the v3 `fromProcess` provider.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:http";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromProcess } from "@aws-sdk/credential-providers";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { logCollector, startHoldingProxy } from "./credential-server-support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
const CLI_SOURCE = join(ROOT, "packages/credential-server/src/cli.ts");
/** The command that runs the CLI from source in one node process, signals going straight to it. */
const CLI_COMMAND = [process.execPath, "--import", TSX_LOADER, CLI_SOURCE];
/** tsx then maps @irsa/* to their sources through the root tsconfig's paths, as the tests do. */
const TSX_ENV = { TSX_TSCONFIG_PATH: join(ROOT, "tsconfig.json") };
/** Each spawn pays a TypeScript start-up of seconds on a loaded machine. */
const SPAWN_TIMEOUT_MS = 60_000;

let world: IrsaWorld;
let folder: string;
let proxy: Awaited<ReturnType<typeof startHoldingProxy>> | undefined;
const children: ChildProcessByStdio<null, Readable, Readable>[] = [];
const savedEnv = { ...process.env };

/** The environment of a pod with IRSA, pointed at the local world, and nothing else of AWS. */
function podEnv(overrides: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("AWS_")) env[name] = value;
  // The `process` command's cache goes to this test's folder, not the user's ~/.cache.
  Object.assign(env, TSX_ENV, world.env, { AWS_EC2_METADATA_DISABLED: "true", IRSA_CREDENTIALS_CACHE_DIR: join(folder, "cache") }, overrides);
  for (const [name, value] of Object.entries(overrides)) if (value === undefined) delete env[name];
  return env;
}

function startCli(args: string[], env: NodeJS.ProcessEnv) {
  const [command, ...prefix] = CLI_COMMAND as [string, ...string[]];
  const child = spawn(command, [...prefix, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  const stdout = logCollector();
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout.write(chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = once(child, "exit").then(([code, signal]) => ({ code: code as number | null, signal: signal as string | null }));
  return { child, stdout, stderr: () => stderr, exited };
}

async function runCli(args: string[], env: NodeJS.ProcessEnv) {
  const run = startCli(args, env);
  const { code } = await run.exited;
  return { code, stdout: run.stdout.text(), stderr: run.stderr() };
}

function get(url: string, token: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(url, { headers: { Authorization: token }, agent: false }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

beforeEach(async () => {
  world = await startIrsaWorld();
  folder = await mkdtemp(join(tmpdir(), "irsa-cli-e2e-"));
  proxy = undefined;
});

afterEach(async () => {
  for (const name of Object.keys(process.env)) if (!(name in savedEnv)) delete process.env[name];
  Object.assign(process.env, savedEnv);
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await once(child, "exit");
    }
  }
  await proxy?.close();
  await world.close();
  await rm(folder, { recursive: true, force: true });
});

describe("irsa-credentials CLI", { timeout: SPAWN_TIMEOUT_MS }, () => {
  it("prints usage with --help and exits 0", async () => {
    const help = await runCli(["--help"], podEnv());
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^ {2}serve /m);
    expect(help.stdout).toMatch(/^ {2}process /m);
  });

  it("serve: prints its URL, and on SIGTERM finishes the requests in flight, then exits 0", async () => {
    proxy = await startHoldingProxy(world.sts.endpoint);
    const tokenFile = join(folder, "auth-token");
    const run = startCli(
      ["serve", "--port", "0", "--host", "127.0.0.1", "--write-auth-token-file", tokenFile, "--log-level", "debug"],
      podEnv({ AWS_ENDPOINT_URL_STS: proxy.endpoint }),
    );
    await run.stdout.waitFor("listening");
    const url = run.stdout.find("listening")?.url as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials$/);
    await proxy.waitForRequests(1); // the start-up fetch, held
    const token = await readFile(tokenFile, "utf8");
    const inFlight = [1, 2, 3].map(() => get(url, token));
    await run.stdout.waitFor("credentials request received", 3);
    run.child.kill("SIGTERM");
    await run.stdout.waitFor("stopping: finishing requests in flight");
    expect(run.stdout.find("stopping: finishing requests in flight")?.inFlight).toBe(3);
    proxy.release();
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(await run.exited).toEqual({ code: 0, signal: null });
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);

    const credentials = JSON.parse(answers[0]!.body) as { AccessKeyId: string; SecretAccessKey: string; Token: string };
    expect(world.sts.isIssued(credentials.AccessKeyId)).toBe(true);
    const output = run.stdout.text() + run.stderr();
    expect(run.stdout.find("stopped")).toBeDefined();
    for (const secret of [credentials.SecretAccessKey, credentials.Token, token, world.tokenFile.currentToken]) {
      expect(output).not.toContain(secret);
    }
  });

  it("process: v3 fromProcess runs it from an AWS config file and signs a GetCallerIdentity", async () => {
    const configFile = join(folder, "config");
    const credentialsFile = join(folder, "credentials");
    const commandLine = CLI_COMMAND.map((part) => JSON.stringify(part)).join(" ");
    await writeFile(configFile, `[profile irsa]\ncredential_process = ${commandLine} process\n`);
    await writeFile(credentialsFile, "");
    const env = podEnv({ AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile });
    for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name];
    Object.assign(process.env, env);

    const credentials = await fromProcess({ profile: "irsa" })();
    expect(world.sts.isIssued(credentials.accessKeyId)).toBe(true);
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now());
    const sts = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials });
    try {
      const identity = await sts.send(new GetCallerIdentityCommand({}));
      expect(identity.Arn).toContain(":assumed-role/irsa-demo/");
    } finally {
      sts.destroy();
    }
  });

  it("process: prints the credential_process JSON, and nothing else on stdout", async () => {
    const result = await runCli(["process"], podEnv());
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(output).sort()).toEqual(["AccessKeyId", "AccountId", "Expiration", "SecretAccessKey", "SessionToken", "Version"]);
    expect(output.Version).toBe(1);
    expect(output.AccountId).toBe("111122223333");
    expect(new Date(output.Expiration as string).toISOString()).toBe(output.Expiration);
    expect(result.stderr).not.toContain(output.SecretAccessKey as string);
  });

  it("process: a failure goes to stderr with a clear message and exit code 1", async () => {
    const unconfigured = await runCli(["process"], podEnv({ AWS_ROLE_ARN: undefined, AWS_WEB_IDENTITY_TOKEN_FILE: undefined }));
    expect(unconfigured.code).toBe(1);
    expect(unconfigured.stdout).toBe("");
    // The CLI walks the whole chain: the error lists every source and why it was skipped.
    expect(unconfigured.stderr).toMatch(/^irsa-credentials process: CredentialChainError: /m);
    expect(unconfigured.stderr).toMatch(/web identity \(IRSA\): skipped: .*AWS_ROLE_ARN/);
    expect(unconfigured.stderr).toMatch(/IMDS: skipped: .*AWS_EC2_METADATA_DISABLED/);

    world.sts.faults.failNext(1, { code: "AccessDenied", message: "Not authorized to perform sts:AssumeRoleWithWebIdentity" });
    const denied = await runCli(["process"], podEnv());
    expect(denied.code).toBe(1);
    expect(denied.stdout).toBe("");
    expect(denied.stderr).toMatch(/irsa-credentials process: .*Not authorized/);
    expect(denied.stderr).not.toContain(world.tokenFile.currentToken);
  });
});
