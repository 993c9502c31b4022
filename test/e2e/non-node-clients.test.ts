// The sidecar and `credential_process` with real non-Node clients: the AWS CLI and boto3 (Debian's
// packages in CI, installed by .ci/run; IRSA_TEST_AWS_CLI / IRSA_TEST_PYTHON pick them). Every
// client is pointed at the local world: STS by --endpoint-url / endpoint_url, credentials by the
// sidecar on 127.0.0.1 or by our CLI; IMDS disabled, no config or credentials files of the user.
import { execFile, execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { createCredentialServer, type CredentialServer } from "@irsa/credential-server";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type WebIdentityCredentialProvider } from "@irsa/web-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli } from "../bundle/bundle.js";

const run = promisify(execFile);
const ARN = /^arn:aws:sts::111122223333:assumed-role\/irsa-demo\/\S+$/;
/** AWS CLI commands through credential_process in one test (IRSA_TEST_AWS_LOOP=100 for the figure). */
const LOOP = Number(process.env.IRSA_TEST_AWS_LOOP ?? 5);

function firstWorking(candidates: (string | undefined)[], args: string[]): string | undefined {
  for (const candidate of candidates) {
    if (!candidate) continue;
    try {
      execFileSync(candidate, args, { stdio: "ignore", timeout: 20_000 });
      return candidate;
    } catch {
      // not installed, or without boto3
    }
  }
  return undefined;
}

const AWS_CLI = firstWorking([process.env.IRSA_TEST_AWS_CLI, "aws", "/usr/bin/aws"], ["--version"]);
const PYTHON = firstWorking([process.env.IRSA_TEST_PYTHON, "python3", "/usr/bin/python3"], ["-c", "import boto3"]);
if (!AWS_CLI) console.warn("SKIPPED: the AWS CLI tests: no `aws` found (apt-get install awscli; .ci/run installs it).");
if (!PYTHON) console.warn('SKIPPED: the boto3 tests: no python3 that can `import boto3` (apt-get install python3-boto3; .ci/run installs it).');

let world: IrsaWorld;
let provider: WebIdentityCredentialProvider;
let server: CredentialServer;
let folder: string;
let cli: string;

beforeAll(async () => {
  world = await startIrsaWorld();
  folder = await mkdtemp(join(tmpdir(), "irsa-non-node-"));
  provider = fromWebIdentity({
    roleArn: world.roleArn,
    webIdentityTokenFile: world.env.AWS_WEB_IDENTITY_TOKEN_FILE,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
  });
  server = await createCredentialServer({ provider, writeAuthTokenFile: join(folder, "auth-token") });
  await server.whenReady();
  cli = join(folder, "irsa-credentials.cjs");
  await bundleCli(cli);
}, 60_000);

afterAll(async () => {
  await server?.close();
  provider?.close();
  await world?.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** The environment of a process with nothing of AWS but what the test gives it. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("AWS_") && !name.startsWith("IRSA_")) env[name] = value;
  return {
    ...env,
    HOME: folder,
    AWS_CONFIG_FILE: join(folder, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(folder, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_REGION: world.region,
    AWS_DEFAULT_REGION: world.region,
    AWS_PAGER: "",
    ...extra,
  };
}

/** The sidecar as older SDKs take it: the token itself (they do not read the _FILE variable). */
const sidecarEnv = () => cleanEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: server.url, AWS_CONTAINER_AUTHORIZATION_TOKEN: server.authToken });

async function awsCallerIdentity(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(AWS_CLI ?? "aws", ["sts", "get-caller-identity", "--endpoint-url", world.sts.endpoint, "--output", "json"], { env, timeout: 30_000 });
  return (JSON.parse(stdout) as { Arn: string }).Arn;
}

const BOTO3_SCRIPT = "import boto3, sys; print(boto3.client('sts', endpoint_url=sys.argv[1]).get_caller_identity()['Arn'])";

describe.skipIf(!AWS_CLI)("the AWS CLI", () => {
  it("through the sidecar (container provider): a GetCallerIdentity the local STS verified", async () => {
    const before = world.sts.calls("AssumeRoleWithWebIdentity");
    expect(await awsCallerIdentity(sidecarEnv())).toMatch(ARN);
    expect(world.sts.calls("AssumeRoleWithWebIdentity") - before).toBe(0); // the sidecar's cached set
  });

  it(`through credential_process: ${LOOP} commands, 1 STS call`, async () => {
    const cacheDir = join(folder, "process-cache");
    const config = join(folder, "config-process");
    // The IRSA variables go to our process as flags: in the AWS CLI's own environment they would
    // make it call STS itself (its web-identity provider comes before credential_process).
    await writeFile(
      config,
      `[default]\nregion = ${world.region}\ncredential_process = "${process.execPath}" "${cli}" process --cache-dir "${cacheDir}" --role-arn ${world.roleArn} --web-identity-token-file ${world.env.AWS_WEB_IDENTITY_TOKEN_FILE}\n`,
    );
    const env = cleanEnv({ AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL_STS: world.sts.endpoint });
    const before = world.sts.calls("AssumeRoleWithWebIdentity");
    const signedBefore = world.sts.calls("GetCallerIdentity");
    const started = performance.now();
    for (let i = 0; i < LOOP; i += 1) expect(await awsCallerIdentity(env)).toMatch(ARN);
    const ms = performance.now() - started;
    const exchanges = world.sts.calls("AssumeRoleWithWebIdentity") - before;
    console.log(`[aws credential_process] ${LOOP} commands in ${(ms / 1000).toFixed(1)} s: ${exchanges} AssumeRoleWithWebIdentity call(s), ${world.sts.calls("GetCallerIdentity") - signedBefore} signed GetCallerIdentity`);
    expect(exchanges).toBe(1);
    expect(world.sts.calls("GetCallerIdentity") - signedBefore).toBe(LOOP);
  }, 30_000 + LOOP * 5_000);
});

describe.skipIf(!PYTHON)("boto3", () => {
  it("through the sidecar (container provider)", async () => {
    const { stdout } = await run(PYTHON ?? "python3", ["-c", BOTO3_SCRIPT, world.sts.endpoint], { env: sidecarEnv(), timeout: 30_000 });
    expect(stdout.trim()).toMatch(ARN);
  });

  it("through credential_process", async () => {
    const config = join(folder, "config-boto3");
    await writeFile(
      config,
      `[default]\nregion = ${world.region}\ncredential_process = "${process.execPath}" "${cli}" process --no-cache --role-arn ${world.roleArn} --web-identity-token-file ${world.env.AWS_WEB_IDENTITY_TOKEN_FILE}\n`,
    );
    const before = world.sts.calls("AssumeRoleWithWebIdentity");
    const { stdout } = await run(PYTHON ?? "python3", ["-c", BOTO3_SCRIPT, world.sts.endpoint], {
      env: cleanEnv({ AWS_CONFIG_FILE: config, AWS_ENDPOINT_URL_STS: world.sts.endpoint }),
      timeout: 30_000,
    });
    expect(stdout.trim()).toMatch(ARN);
    expect(world.sts.calls("AssumeRoleWithWebIdentity") - before).toBe(1);
  });
});
