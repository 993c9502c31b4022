// The app the bundle smoke test bundles into one file: a provider or the chain (argv[2]), a real
// v3 STS client, one signed GetCallerIdentity. Everything it needs comes from the environment.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromWebIdentity, fromWebIdentityChain } from "@irsa/web-identity";

const mode = process.argv[2];
if (mode !== "provider" && mode !== "chain") throw new Error(`usage: app provider|chain; got ${String(mode)}`);

// No top-level await, so the same source bundles to CommonJS too.
async function main(): Promise<void> {
  const credentials = mode === "provider" ? fromWebIdentity() : fromWebIdentityChain();
  const sts = new STSClient({ credentials });
  try {
    const me = await sts.send(new GetCallerIdentityCommand({}));
    console.log(JSON.stringify({ mode, arn: me.Arn }));
  } finally {
    sts.destroy();
    credentials.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  process.exitCode = 1;
});
