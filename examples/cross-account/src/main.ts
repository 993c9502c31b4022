// `pnpm --filter @irsa/example-cross-account start`: runs once and exits (0 when the chain shows what it should).
import { runCrossAccount } from "./cross-account.js";

// The SDK's notice that its 2027 releases need Node 22 would only clutter the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

try {
  const result = await runCrossAccount();
  const ok =
    /^arn:aws:sts::333344445555:assumed-role\/reports-reader\//.test(result.callerArn ?? "") &&
    result.failedHop?.hopIndex === 1 &&
    result.failedHop.code === "AccessDenied";
  console.log(ok ? "\nThe chain behaved as expected." : "\nThe chain did not behave as expected: see above.");
  if (!ok) process.exitCode = 1;
} catch (error) {
  console.error("cross-account failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
