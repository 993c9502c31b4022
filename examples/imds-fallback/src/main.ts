// `pnpm --filter @irsa/example-imds-fallback start`: runs the three scenes once and exits (0 when they show what they should).
import { IMDS_DEADLINE_MS, runImdsFallback } from "./imds-fallback.js";

// The SDK's notice that its 2027 releases need Node 22 would only clutter the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

try {
  const result = await runImdsFallback();
  const ok =
    /assumed-role\/node-instance-role\//.test(result.imdsCallerArn ?? "") &&
    result.irsaError === "StsRequestError AccessDenied" &&
    result.imdsRequestsWhileIrsaFailed === 0 &&
    result.silentImdsError === "CredentialChainError" &&
    result.silentImdsElapsedMs < IMDS_DEADLINE_MS + 1_000;
  console.log(ok ? "\nAll three scenes behaved as expected." : "\nA scene did not behave as expected: see above.");
  if (!ok) process.exitCode = 1;
} catch (error) {
  console.error("imds-fallback failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
