// The whole IRSA flow on one machine, with no network beyond 127.0.0.1:
// an OIDC issuer, a kubelet-style token file, a local STS that verifies tokens and SigV4, and a
// real AWS SDK v3 STSClient whose credentials come from `fromWebIdentity()`.
//
// Credentials live 12 seconds here (the local STS allows a test-only lifetime) and the engine's
// windows are scaled to match, so a background refresh and a token rotation fit in ~10 seconds.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startIrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type CredentialCacheEvent } from "@irsa/web-identity";

const CREDENTIAL_LIFETIME_SECONDS = 12;
const ADVISORY_WINDOW_MS = 6_000;
const MANDATORY_WINDOW_MS = 2_000;
const CALL_INTERVAL_MS = 250;
const ROTATE_TOKEN_AFTER_MS = 2_500;
const DEMO_DURATION_MS = 10_000;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)} s`;
const say = (line: string) => console.log(`[${elapsed()}] ${line}`);
const shortJti = (jti: string | undefined) => (jti ? `${jti.slice(0, 8)}…` : "?");

async function main(): Promise<void> {
  // The SDK warns on Node 20 that its 2027 releases need Node 22; the demo pins versions that run
  // on Node 20, so the notice would only clutter the output. Set the variable yourself to see it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  console.log("irsa-credentials demo: the local IRSA world, a real v3 client, a background refresh\n");
  const world = await startIrsaWorld({ credentialLifetimeSeconds: CREDENTIAL_LIFETIME_SECONDS });
  say(`OIDC issuer     ${world.issuer.url}`);
  say(`token file      ${world.tokenFile.path} (kubelet layout, jti ${shortJti(world.tokenFile.currentJti)})`);
  say(`local STS       ${world.sts.endpoint}`);
  say(`role            ${world.roleArn}`);

  const refreshes: string[] = [];
  const credentials = fromWebIdentity({
    roleArn: world.env.AWS_ROLE_ARN,
    webIdentityTokenFile: world.env.AWS_WEB_IDENTITY_TOKEN_FILE,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
    advisoryWindowMs: ADVISORY_WINDOW_MS,
    mandatoryWindowMs: MANDATORY_WINDOW_MS,
    onEvent: (event: CredentialCacheEvent) => {
      if (event.type === "refresh-succeeded") {
        const jti = world.sts.requests.filter((r) => r.action === "AssumeRoleWithWebIdentity").at(-1)?.jti;
        refreshes.push(event.reason);
        say(
          `refresh (${event.reason}) done in ${event.durationMs} ms: new key ${event.accessKeyId}, ` +
            `token jti ${shortJti(jti)}`,
        );
      }
      if (event.type === "refresh-failed") say(`refresh failed: ${event.errorName}: ${event.message}`);
    },
  });
  const client = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials });

  try {
    const identity = await client.send(new GetCallerIdentityCommand({}));
    say(`GetCallerIdentity (signature verified by the local STS): ${identity.Arn}`);

    let calls = 1;
    let slowest = 0;
    let rotated = false;
    const firstKey = (await credentials()).accessKeyId;
    while (Date.now() - started < DEMO_DURATION_MS) {
      await new Promise((resolve) => setTimeout(resolve, CALL_INTERVAL_MS));
      if (!rotated && Date.now() - started > ROTATE_TOKEN_AFTER_MS) {
        await world.tokenFile.rotate();
        rotated = true;
        say(`kubelet rotated the token (..data symlink swapped): now jti ${shortJti(world.tokenFile.currentJti)}`);
      }
      const callStart = performance.now();
      await client.send(new GetCallerIdentityCommand({}));
      slowest = Math.max(slowest, performance.now() - callStart);
      calls += 1;
    }
    const lastKey = (await credentials()).accessKeyId;

    const assumeCalls = world.sts.requests.filter((r) => r.action === "AssumeRoleWithWebIdentity");
    const tokensUsed = new Set(assumeCalls.map((r) => r.jti));
    const lastJti = assumeCalls.at(-1)?.jti;
    const stats = credentials.stats;
    console.log("\nSummary");
    console.log(`  GetCallerIdentity calls signed and verified  ${calls}`);
    console.log(`  STS AssumeRoleWithWebIdentity calls          ${assumeCalls.length}`);
    console.log(`  refreshes                                    ${refreshes.length} (${refreshes.join(", ")})`);
    console.log(`  callers that waited for STS                  ${stats.blockedCalls} (the first fetch only)`);
    console.log(`  slowest signed call                          ${slowest.toFixed(1)} ms`);
    console.log(`  access key changed                           ${firstKey !== lastKey ? "yes" : "no"}`);
    console.log(`  tokens used (jti)                            ${[...tokensUsed].map(shortJti).join(", ")}`);
    console.log(
      `  last STS call carried the rotated token      ${lastJti === world.tokenFile.currentJti ? "yes" : "no"}`,
    );
    const ok = assumeCalls.length >= 2 && stats.blockedCalls === 1 && lastJti === world.tokenFile.currentJti;
    if (!ok) {
      console.error("\nThe demo did not show what it should: see the lines above.");
      process.exitCode = 1;
    }
  } finally {
    credentials.close();
    client.destroy();
    await world.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
});
