// `pnpm --filter @irsa/example-cluster-workers start`: 8 node:cluster workers, each building
// fromWebIdentity() from the environment as an app would, with IRSA_SHARE_DIR set: the pod makes
// 1 STS call, every worker signs with the same set. Runs once and exits (0 when it did).
import cluster from "node:cluster";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// The SDK's notice that its 2027 releases need Node 22 would only clutter the output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
const WORKERS = 8;

interface WorkerReport {
  worker: number;
  accessKeyId: string;
  callerArn?: string;
  role?: string;
}

async function worker(): Promise<void> {
  const { fromWebIdentity } = await import("@irsa/web-identity");
  const { GetCallerIdentityCommand, STSClient } = await import("@aws-sdk/client-sts");
  const credentials = fromWebIdentity();
  // A real client signs with the shared set; the local STS checks the signature.
  const sts = new STSClient({ credentials, endpoint: process.env.AWS_ENDPOINT_URL_STS, maxAttempts: 1 });
  const { Arn } = await sts.send(new GetCallerIdentityCommand({}));
  const set = await credentials();
  process.send!({ worker: cluster.worker!.id, accessKeyId: set.accessKeyId, callerArn: Arn, role: credentials.stats.sharing?.role } satisfies WorkerReport);
  // Keep the group up until the primary says every worker has reported.
  process.once("message", () => {
    sts.destroy();
    credentials.close();
    process.disconnect();
  });
}

async function primary(): Promise<boolean> {
  const { startIrsaWorld } = await import("@irsa/testing");
  const world = await startIrsaWorld();
  const directory = join(mkdtempSync(join(tmpdir(), "irsa-example-")), "share");
  try {
    console.log(`Local IRSA world up; ${WORKERS} cluster workers share through IRSA_SHARE_DIR=${directory}`);
    const reports: WorkerReport[] = [];
    await new Promise<void>((resolve) => {
      for (let i = 0; i < WORKERS; i++) {
        const child = cluster.fork({ ...world.env, IRSA_SHARE_DIR: directory, AWS_EC2_METADATA_DISABLED: "true" });
        child.on("message", (report: WorkerReport) => {
          reports.push(report);
          console.log(`  worker ${report.worker}: ${report.role}, key ${report.accessKeyId}, signed as ${report.callerArn}`);
          if (reports.length === WORKERS) {
            for (const each of Object.values(cluster.workers ?? {})) each?.send("done");
            resolve();
          }
        });
      }
    });
    await new Promise<void>((resolve) => cluster.on("exit", () => Object.keys(cluster.workers ?? {}).length === 0 && resolve()));
    const stsCalls = world.sts.calls("AssumeRoleWithWebIdentity");
    const keys = new Set(reports.map((report) => report.accessKeyId));
    console.log(`\nAssumeRoleWithWebIdentity calls for ${WORKERS} workers: ${stsCalls}; distinct access keys: ${keys.size}`);
    return stsCalls === 1 && keys.size === 1 && reports.every((report) => report.callerArn?.includes(":assumed-role/") === true);
  } finally {
    await world.close();
    rmSync(join(directory, ".."), { recursive: true, force: true });
  }
}

if (cluster.isPrimary) {
  try {
    const ok = await primary();
    console.log(ok ? "One STS call for the pod, as expected." : "Not as expected: see above.");
    if (!ok) process.exitCode = 1;
  } catch (error) {
    console.error("cluster-workers failed:", error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
} else {
  await worker();
}
