// One chain, three pods, all on this machine (127.0.0.1 only):
//   1. a node without IRSA or container credentials: the chain falls back to IMDS (IMDSv2);
//   2. a pod with IRSA whose role's trust denies it: the error, and IMDS is never asked, so the
//      pod never silently runs as the node's role;
//   3. nothing configured and an IMDS that never answers: a clear error at the deadline.
// fromWebIdentityChain uses the AWS SDK's own fromInstanceMetadata, which reads the IMDS address
// from AWS_EC2_METADATA_SERVICE_ENDPOINT: the example sets it (and puts the environment back).
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startIrsaWorld, startLocalImds } from "@irsa/testing";
import { fromWebIdentityChain, type FromWebIdentityChainInit } from "@irsa/web-identity";

/** A short deadline so the silent-IMDS scene ends quickly. */
export const IMDS_DEADLINE_MS = 500;

/** Variables that select a source of the chain: cleared so the runner's own never leak in. */
const CHAIN_VARIABLES = [
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_SESSION_NAME",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
  "AWS_METADATA_SERVICE_TIMEOUT",
  "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
  "AWS_ENDPOINT_URL_STS",
  "AWS_ENDPOINT_URL",
  "AWS_REGION",
];

export interface ImdsFallbackResult {
  /** Scene 1: the caller GetCallerIdentity saw with IMDS credentials. */
  imdsCallerArn: string | undefined;
  /** Scene 2: the error name and STS code, and how many requests IMDS saw meanwhile. */
  irsaError: string;
  imdsRequestsWhileIrsaFailed: number;
  /** Scene 3: the error name and how long it took. */
  silentImdsError: string;
  silentImdsElapsedMs: number;
}

export async function runImdsFallback(say: (line: string) => void = console.log): Promise<ImdsFallbackResult> {
  const saved = new Map(CHAIN_VARIABLES.map((name) => [name, process.env[name]] as const));
  for (const name of CHAIN_VARIABLES) delete process.env[name];
  const world = await startIrsaWorld();
  const imds = await startLocalImds({ sts: world.sts });
  process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imds.endpoint;
  const closers: Array<() => void> = [];
  const chain = (init: FromWebIdentityChainInit = {}) => {
    const provider = fromWebIdentityChain({ proactive: false, ...init });
    closers.push(() => provider.close());
    return provider;
  };
  const failureOf = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

  try {
    say(`local STS ${world.sts.endpoint}, local IMDSv2 ${imds.endpoint} (instance role ${imds.roleArn})`);

    say("\n1. A node without IRSA or container variables");
    const nodeCredentials = chain();
    const client = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials: nodeCredentials });
    closers.push(() => client.destroy());
    const imdsCallerArn = (await client.send(new GetCallerIdentityCommand({}))).Arn;
    say(`   source: ${nodeCredentials.stats.source}; IMDS requests: ${imds.requests.map((r) => `${r.method} ${r.path} ${r.status}`).join(", ")}`);
    say(`   GetCallerIdentity (signature verified): ${imdsCallerArn}`);

    say("\n2. A pod with IRSA whose role's trust policy denies it");
    Object.assign(process.env, world.env);
    world.sts.faults.failNext(1, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" });
    const imdsBefore = imds.calls();
    let irsaError = "(no error)";
    try {
      await chain()();
    } catch (error) {
      irsaError = `${(error as Error).name} ${(error as { code?: string }).code ?? ""}`.trim();
      say(`   ${failureOf(error).split(". ")[0]}.`);
    }
    const imdsRequestsWhileIrsaFailed = imds.calls() - imdsBefore;
    say(`   IMDS requests meanwhile: ${imdsRequestsWhileIrsaFailed} (a configured IRSA never falls back to the node's role)`);
    for (const name of Object.keys(world.env)) delete process.env[name];

    say(`\n3. Nothing configured, and an IMDS that never answers (deadline ${IMDS_DEADLINE_MS} ms)`);
    imds.faults.hangNext(10, { maxMs: 10_000 });
    const started = performance.now();
    let silentImdsError = "(no error)";
    try {
      await chain({ imds: { deadlineMs: IMDS_DEADLINE_MS } })();
    } catch (error) {
      silentImdsError = (error as Error).name;
      say(failureOf(error).replace(/^/gm, "   "));
    }
    const silentImdsElapsedMs = Math.round(performance.now() - started);
    say(`   failed after ${silentImdsElapsedMs} ms`);
    return { imdsCallerArn, irsaError, imdsRequestsWhileIrsaFailed, silentImdsError, silentImdsElapsedMs };
  } finally {
    for (const close of closers) close();
    await Promise.all([imds.close(), world.close()]);
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
