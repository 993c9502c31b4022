// Run by host-safety.test.ts as a separate Node process (`node --import tsx`): an application that
// builds a provider from the environment, fetches credentials once (also through a real v3
// client), and then does nothing more. It must exit by itself: a timer or socket kept referenced by
// the provider would hold it open. It reports, on exit, how long it took to exit after its last
// piece of work and whether any rejection or exception went unhandled.
//
// HOST_SAFETY_CLOSE=true: also call close() before going idle.

import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromWebIdentity } from "../../packages/web-identity/src/index.js";

const problems: string[] = [];
process.on("unhandledRejection", (reason) => problems.push(`unhandledRejection: ${String(reason)}`));
process.on("uncaughtException", (error) => problems.push(`uncaughtException: ${String(error)}`));

let idleSince = Number.NaN;
let accessKeyId: string | undefined;
process.on("exit", (code) => {
  const report = { code, accessKeyId, exitDelayMs: performance.now() - idleSince, problems };
  process.stdout.write(`${JSON.stringify(report)}\n`);
});

const provider = fromWebIdentity(); // the environment: AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ENDPOINT_URL_STS, AWS_REGION
accessKeyId = (await provider()).accessKeyId;

// A v3 client using the provider, as an application would; the client is the application's to destroy.
const client = new STSClient({ endpoint: process.env.AWS_ENDPOINT_URL_STS, credentials: provider, maxAttempts: 1 });
await client.send(new GetCallerIdentityCommand({}));
client.destroy();

// A failing provider too: its error is handled by the application, nothing else may surface.
await fromWebIdentity({ webIdentityTokenFile: "/nonexistent/token", retry: { sleep: async () => {} } })().catch(() => undefined);

if (process.env.HOST_SAFETY_CLOSE === "true") provider.close();
idleSince = performance.now();
