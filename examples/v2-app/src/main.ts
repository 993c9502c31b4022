// `pnpm --filter @irsa/example-v2-app start`: runs the app once and exits (0 on success).
import { runV2App } from "./v2-app.js";

// Notices that would only clutter the output: v2's end-of-support note, v3's Node 22 note.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

try {
  await runV2App();
} catch (error) {
  console.error("v2-app failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
