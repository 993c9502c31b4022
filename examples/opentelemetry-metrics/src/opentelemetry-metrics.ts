// `pnpm --filter @irsa/example-opentelemetry-metrics start`: the refresh engine's events, read
// from node:diagnostics_channel, become OpenTelemetry metrics, printed to the console. Runs
// against the local IRSA world (127.0.0.1 only), once, and exits 0 when the metrics add up.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { MeterProvider, MetricReader, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { startIrsaWorld } from "@irsa/testing";
import { fromWebIdentity } from "@irsa/web-identity";
import { recordEngineMetrics } from "./engine-metrics.js";

// The SDK's notice that its 2027 releases need Node 22 would only clutter the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

/** A reader collected on demand (no export interval): the example prints what it holds at the end. */
class OnDemandReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

/** One line per data point: `name{attributes} value`, histograms as count/sum. */
function render(metrics: ResourceMetrics): string[] {
  const lines: string[] = [];
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      for (const point of metric.dataPoints) {
        const attributes = Object.entries(point.attributes)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([key, value]) => `${key}=${String(value)}`).join(",");
        const value = point.value as number | { count: number; sum?: number };
        const shown = typeof value === "number" ? String(Math.round(value * 10) / 10) : `count=${value.count} sum=${Math.round(value.sum ?? 0)}ms`;
        lines.push(`  ${metric.descriptor.name}${attributes ? `{${attributes}}` : ""} ${shown}`);
      }
    }
  }
  return lines.sort();
}

const reader = new OnDemandReader();
const meterProvider = new MeterProvider({ readers: [reader] });
const stopRecording = recordEngineMetrics(meterProvider.getMeter("irsa-credentials-example"));
const world = await startIrsaWorld();
const provider = fromWebIdentity({
  roleArn: world.roleArn,
  webIdentityTokenFile: world.env.AWS_WEB_IDENTITY_TOKEN_FILE,
  region: world.region,
  clientConfig: { endpoint: world.sts.endpoint },
  retry: { maxAttempts: 1 },
});
const sts = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials: provider });
let ok = false;
try {
  console.log("irsa-credentials example: engine events on diagnostics_channel -> OpenTelemetry metrics\n");
  const me = await sts.send(new GetCallerIdentityCommand({}));
  console.log(`1. first credentials: ${me.Arn}`);
  world.sts.faults.failNext(1, { code: "InternalFailure", action: "AssumeRoleWithWebIdentity" });
  const before = (await provider()).accessKeyId;
  const after = await provider.refresh().then(
    (credentials) => (credentials.accessKeyId === before ? "the cached set, still valid, and a backoff" : "a new set"),
    (error: unknown) => `an error (${error instanceof Error ? error.name : "unknown"})`,
  );
  console.log(`2. a forced refresh while STS fails: ${after}`);

  const { resourceMetrics } = await reader.collect();
  const lines = render(resourceMetrics);
  console.log("\nMetrics (collected by the reader):");
  for (const line of lines) console.log(line);
  const text = lines.join("\n");
  ok =
    /irsa_credentials\.refreshes\{outcome=success,reason=empty\} 1/.test(text) &&
    /irsa_credentials\.refreshes\{outcome=failure,reason=forced\} 1/.test(text) &&
    /irsa_credentials\.refresh\.failures\{error=\w+,recoverable=true\} 1/.test(text) &&
    /irsa_credentials\.backoffs 1/.test(text) &&
    /irsa_credentials\.time_to_expiry \d+/.test(text);
  console.log(`\nSummary: STS AssumeRoleWithWebIdentity calls ${world.sts.calls("AssumeRoleWithWebIdentity")}; metrics ${ok ? "as expected" : "NOT as expected"}`);
} catch (error) {
  console.error("opentelemetry-metrics failed:", error instanceof Error ? `${error.name}: ${error.message}` : error);
} finally {
  stopRecording();
  sts.destroy();
  provider.close();
  await meterProvider.shutdown();
  await world.close();
}
if (!ok) process.exitCode = 1;
