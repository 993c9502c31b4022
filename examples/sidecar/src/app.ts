// The app container of pod.yaml: it knows nothing of IRSA. Its AWS SDK's default chain finds
// AWS_CONTAINER_CREDENTIALS_FULL_URI and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE and fetches its
// credentials from the sidecar. No credentials setting in the code at all.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";

/** Variables the app must not have: with them, the SDK would use web identity and skip the sidecar. */
const IRSA_VARIABLES = ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE"] as const;
const CALLS = 2;

async function main(): Promise<void> {
  const present = IRSA_VARIABLES.filter((name) => process.env[name] !== undefined);
  if (present.length > 0) throw new Error(`The app must not see ${present.join(", ")}: it would bypass the sidecar.`);
  if (process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI === undefined) {
    throw new Error("Set AWS_CONTAINER_CREDENTIALS_FULL_URI (and AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) to the sidecar.");
  }
  // Region and endpoint come from AWS_REGION and AWS_ENDPOINT_URL_STS, credentials from the chain.
  const client = new STSClient({});
  try {
    for (let call = 1; call <= CALLS; call += 1) {
      const identity = await client.send(new GetCallerIdentityCommand({}));
      console.log(`app: GetCallerIdentity ${call}: ${identity.Arn}`);
    }
  } finally {
    client.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(`app: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  process.exitCode = 1;
});
