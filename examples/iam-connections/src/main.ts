// IAM authentication for long-lived connections, on one machine with no network beyond 127.0.0.1:
// the local IRSA world (OIDC issuer, token file, STS), fromWebIdentity() as the one shared engine,
// and the local ElastiCache (Debian's redis-server behind it), MSK broker and OpenSearch.
import { startIrsaWorld } from "@irsa/testing";
import { fromWebIdentity } from "@irsa/web-identity";
import { elastiCacheExample } from "./elasticache.js";
import { mskExample } from "./msk.js";
import { openSearchExample } from "./opensearch.js";

const say = (line: string) => console.log(line);

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const world = await startIrsaWorld();
  const credentials = fromWebIdentity({
    roleArn: world.roleArn,
    webIdentityTokenFile: world.tokenFile.path,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
  });
  try {
    await credentials();
    say(`one credential set from the local STS (${world.sts.calls()} STS call); everything below signs from it\n`);
    await elastiCacheExample(world, credentials, say);
    await mskExample(world, credentials, say);
    await openSearchExample(world, credentials, say);
    say(`\nSTS calls in all: ${world.sts.calls()}`);
  } finally {
    credentials.close();
    await world.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
    process.exit(1);
  },
);
