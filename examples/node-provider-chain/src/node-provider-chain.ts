// An app written for the AWS SDK's fromNodeProviderChain, switched to fromWebIdentityChain by
// changing the import and nothing else, both run in a pod-like environment against the local
// IRSA world (127.0.0.1 only). The two must run as the same identity.
import { GetCallerIdentityCommand, STSClient, type STSClientConfig } from "@aws-sdk/client-sts";
import { fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { startIrsaWorld } from "@irsa/testing";
import { fromWebIdentityChain } from "@irsa/web-identity";
import { fileURLToPath } from "node:url";

/** The app: it only ever sees a `credentials` provider, as written for the SDK's chain. */
async function app(credentials: STSClientConfig["credentials"], endpoint: string): Promise<string | undefined> {
  const sts = new STSClient({ region: "eu-central-1", endpoint, credentials });
  try {
    return (await sts.send(new GetCallerIdentityCommand({}))).Arn;
  } finally {
    sts.destroy();
  }
}

export interface NodeProviderChainResult {
  sdkArn: string | undefined;
  oursArn: string | undefined;
  stsCallsBySdk: number;
  stsCallsByOurs: number;
}

const VARIABLES = ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL_STS", "AWS_REGION", "AWS_EC2_METADATA_DISABLED", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"];

export async function runNodeProviderChain(say: (line: string) => void = console.log): Promise<NodeProviderChainResult> {
  const saved = new Map(VARIABLES.map((name) => [name, process.env[name]] as const));
  const world = await startIrsaWorld();
  try {
    for (const name of VARIABLES) delete process.env[name];
    // The pod: IRSA variables as the EKS webhook injects them, no IMDS, no shared config files.
    Object.assign(process.env, world.env, {
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: "/nonexistent/config",
      AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/credentials",
    });
    say(`local STS ${world.sts.endpoint}; role ${world.roleArn}`);

    const sdkArn = await app(fromNodeProviderChain(), world.sts.endpoint);
    const stsCallsBySdk = world.sts.calls("AssumeRoleWithWebIdentity");
    say(`fromNodeProviderChain():  ${sdkArn} (${stsCallsBySdk} AssumeRoleWithWebIdentity)`);

    const ours = fromWebIdentityChain();
    const oursArn = await app(ours, world.sts.endpoint);
    ours.close();
    const stsCallsByOurs = world.sts.calls("AssumeRoleWithWebIdentity") - stsCallsBySdk;
    say(`fromWebIdentityChain():   ${oursArn} (${stsCallsByOurs} AssumeRoleWithWebIdentity, source ${ours.stats.source})`);
    say(sdkArn?.split("/")[1] === oursArn?.split("/")[1] ? "same role: the switch changed nothing but the import" : "DIFFERENT ROLE");
    return { sdkArn, oursArn, stsCallsBySdk, stsCallsByOurs };
  } finally {
    await world.close();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runNodeProviderChain().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
