// Measures that need a fresh Node process: import cost, and heap per provider instance. The child
// runs plain JavaScript against the built packages (what an application loads), from test/ so that
// the anchors and ours resolve from the same node_modules.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { median } from "./timing-scenarios.js";

const run = promisify(execFile);
const TEST_DIR = fileURLToPath(new URL("..", import.meta.url));
const QUIET_ENV = {
  ...process.env,
  AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  AWS_EC2_METADATA_DISABLED: "true",
};

async function node(args: string[], env: NodeJS.ProcessEnv = QUIET_ENV): Promise<string> {
  const { stdout } = await run(process.execPath, args, { cwd: TEST_DIR, env, maxBuffer: 1 << 20, timeout: 120_000 });
  return stdout.trim();
}

/**
 * The imports whose cost is compared. `after` is loaded first and not timed: an application that
 * already uses a v3 client has @smithy/core in its module cache, so ours costs it only the rest.
 */
export const IMPORT_TARGETS = {
  "@irsa/web-identity": { specifier: "@irsa/web-identity" },
  "@irsa/web-identity after @aws-sdk/client-sts": { specifier: "@irsa/web-identity", after: "@aws-sdk/client-sts" },
  "@irsa/aws-sdk-v2": { specifier: "@irsa/aws-sdk-v2" },
  "@aws-sdk/credential-providers": { specifier: "@aws-sdk/credential-providers" },
  "@aws-sdk/credential-providers after @aws-sdk/client-sts": { specifier: "@aws-sdk/credential-providers", after: "@aws-sdk/client-sts" },
  "@aws-sdk/credential-provider-web-identity": { specifier: "@aws-sdk/credential-provider-web-identity" },
  "@aws-sdk/client-sts": { specifier: "@aws-sdk/client-sts" },
  "aws-sdk": { specifier: "aws-sdk" },
} as const satisfies Record<string, { specifier: string; after?: string }>;
export type ImportTarget = keyof typeof IMPORT_TARGETS;

/** `import(specifier)` in a fresh process, timed inside it; the median of `runs` processes, ms. */
export async function importCost(target: ImportTarget, runs: number): Promise<{ medianMs: number; runsMs: number[] }> {
  const entry: { specifier: string; after?: string } = IMPORT_TARGETS[target];
  const preload = entry.after === undefined ? "" : `await import(${JSON.stringify(entry.after)});`;
  const code = `${preload} const t = performance.now(); await import(${JSON.stringify(entry.specifier)}); process.stdout.write(String(performance.now() - t));`;
  const times: number[] = [];
  for (let index = 0; index < runs; index++) times.push(Number(await node(["--input-type=module", "-e", code])));
  return { medianMs: round(median(times)), runsMs: times.map(round) };
}

/** What is measured per instance. */
export const HEAP_KINDS = [
  "ours-created",
  "ours-v2-adapter-created",
  "fromTokenFile-created",
  "fromNodeProviderChain-created",
  "v2-TokenFileWebIdentityCredentials-created",
  "ours-holding-credentials",
  "fromNodeProviderChain-holding-credentials",
  "v2-TokenFileWebIdentityCredentials-holding-credentials",
] as const;
export type HeapKind = (typeof HEAP_KINDS)[number];

// Each factory is JavaScript run in the child; `world` exists for the holding-credentials kinds.
const FACTORIES: Record<HeapKind, { imports: string; create: string; fetch?: string }> = {
  "ours-created": {
    imports: `const { fromWebIdentity } = await import("@irsa/web-identity");`,
    create: `fromWebIdentity({ roleArn: env.AWS_ROLE_ARN, webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE, region: env.AWS_REGION, clientConfig: { endpoint: env.AWS_ENDPOINT_URL_STS } })`,
  },
  "ours-v2-adapter-created": {
    imports: `const { fromWebIdentity } = await import("@irsa/web-identity"); const { toV2Credentials } = await import("@irsa/aws-sdk-v2");`,
    create: `toV2Credentials(fromWebIdentity({ roleArn: env.AWS_ROLE_ARN, webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE, region: env.AWS_REGION, clientConfig: { endpoint: env.AWS_ENDPOINT_URL_STS } }))`,
  },
  "fromTokenFile-created": {
    imports: `const { fromTokenFile } = await import("@aws-sdk/credential-providers");`,
    create: `fromTokenFile({ clientConfig: { endpoint: env.AWS_ENDPOINT_URL_STS, region: env.AWS_REGION } })`,
  },
  "fromNodeProviderChain-created": {
    imports: `const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");`,
    create: `fromNodeProviderChain({ clientConfig: { endpoint: env.AWS_ENDPOINT_URL_STS, region: env.AWS_REGION } })`,
  },
  "v2-TokenFileWebIdentityCredentials-created": {
    imports: `const AWS = (await import("aws-sdk")).default;`,
    create: `new AWS.TokenFileWebIdentityCredentials({ endpoint: env.AWS_ENDPOINT_URL_STS, region: env.AWS_REGION, sslEnabled: false })`,
  },
  "ours-holding-credentials": {
    imports: `const { fromWebIdentity } = await import("@irsa/web-identity");`,
    create: `fromWebIdentity({ roleArn: env.AWS_ROLE_ARN, webIdentityTokenFile: env.AWS_WEB_IDENTITY_TOKEN_FILE, region: env.AWS_REGION, clientConfig: { endpoint: env.AWS_ENDPOINT_URL_STS } })`,
    fetch: `await instance();`,
  },
  "fromNodeProviderChain-holding-credentials": {
    imports: `const { fromNodeProviderChain } = await import("@aws-sdk/credential-providers");`,
    create: `fromNodeProviderChain({ clientConfig: { endpoint: env.AWS_ENDPOINT_URL_STS, region: env.AWS_REGION } })`,
    fetch: `await instance();`,
  },
  "v2-TokenFileWebIdentityCredentials-holding-credentials": {
    imports: `const AWS = (await import("aws-sdk")).default;`,
    create: `new AWS.TokenFileWebIdentityCredentials({ endpoint: env.AWS_ENDPOINT_URL_STS, region: env.AWS_REGION, sslEnabled: false })`,
    fetch: `await instance.getPromise();`,
  },
};

/**
 * Heap per instance, KB: in a fresh `node --expose-gc`, the growth of `heapUsed` (after full
 * GCs) from creating `count` instances kept alive (and, for the holding kinds, each fetching
 * once from a local IRSA world started in the child), divided by `count`. One warm-up instance
 * is created first so lazily loaded modules are not counted.
 */
export async function heapPerInstance(kind: HeapKind, count: number): Promise<number> {
  const factory = FACTORIES[kind];
  const code = `
    const { startIrsaWorld } = await import("@irsa/testing");
    const world = await startIrsaWorld({ tokenTtlSeconds: 86400 });
    const env = process.env;
    Object.assign(env, world.env, { AWS_ROLE_SESSION_NAME: "heap" });
    ${factory.imports}
    const make = async () => { const instance = ${factory.create}; ${factory.fetch ?? ""} return instance; };
    const warm = await make();
    const settle = () => { for (let i = 0; i < 4; i++) globalThis.gc(); return process.memoryUsage().heapUsed; };
    const kept = [];
    const before = settle();
    for (let i = 0; i < ${count}; i++) kept.push(await make());
    const after = settle();
    process.stdout.write(String((after - before) / ${count} / 1024));
    for (const instance of [warm, ...kept]) instance.close?.();
    await world.close();
    process.exit(0);
  `;
  const env: NodeJS.ProcessEnv = { ...QUIET_ENV, AWS_CONFIG_FILE: "/nonexistent/irsa-bench/config", AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/irsa-bench/credentials" };
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"]) delete env[name];
  return round(Number(await node(["--expose-gc", "--input-type=module", "-e", code], env)));
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
