// Load on the sidecar's credentials endpoint from a second process on loopback: request
// throughput and latency percentiles. Reports numbers only; nothing is asserted.
//
//   pnpm exec tsx test/bench/credential-server-load.ts [--seconds 5] [--concurrency 32] [--idle 1000]
//
// The parent starts the local IRSA world and a credential server on 127.0.0.1 (fromWebIdentity
// behind it, as the CLI does), then runs this same file in a child process as the load client.
// A second run holds `--idle` (default 1,000) idle sockets open on the server (a header timeout of
// a minute, so none times out during the run) while the child's authorized requests are measured.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { Agent, createServer, request } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

const percentile = (sorted: Float64Array, p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Child: `concurrency` loops of keep-alive GETs for `seconds` (after a one-second warm-up). */
async function runClient(url: string, token: string, seconds: number, concurrency: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const latencies: number[] = [];
  let errors = 0;
  let recording = false;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = process.hrtime.bigint();
      const req = request(url, { agent, headers: { Authorization: token } }, (res) => {
        res.resume();
        res.on("end", () => {
          if (recording) {
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
            if (res.statusCode !== 200) errors += 1;
          }
          resolve();
        });
      });
      req.on("error", () => {
        if (recording) errors += 1;
        resolve();
      });
      req.end();
    });
  let stopAt = Date.now() + 1000;
  const loop = async () => {
    while (Date.now() < stopAt) await one();
  };
  await Promise.all(Array.from({ length: concurrency }, loop)); // warm-up
  recording = true;
  const started = process.hrtime.bigint();
  stopAt = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  const sorted = Float64Array.from(latencies).sort();
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    requests: latencies.length,
    errors,
    seconds: round(elapsed),
    requestsPerSecond: Math.round(latencies.length / elapsed),
    latencyMs: {
      p50: round(percentile(sorted, 50)),
      p90: round(percentile(sorted, 90)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1] ?? Number.NaN),
    },
  };
}

/** Runs this file as the load client in a child process against `url`. */
async function loadFromChild(url: string, token: string, seconds: number, concurrency: number): Promise<LoadResult> {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), "--client", url, "--seconds", String(seconds), "--concurrency", String(concurrency)];
  // The token goes through the environment, not argv (visible in ps).
  const child = spawn(process.execPath, args, { env: { ...process.env, IRSA_LOAD_TOKEN: token }, stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const [code] = await once(child, "exit");
  if (code !== 0) throw new Error(`load client exited with ${String(code)}`);
  return JSON.parse(output) as LoadResult;
}

/** A bare node:http server answering a JSON body of the same size: the floor of this machine. */
async function startBaseline(bodyBytes: number) {
  const body = JSON.stringify({ padding: "x".repeat(Math.max(0, bodyBytes - 15)) });
  const server = createServer((_, res) => {
    res.setHeader("Content-Type", "application/json");
    res.end(body);
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((resolve) => server.close(resolve)) };
}

/** Opens `count` connections to `port` that never send a byte; resolves once all are connected. */
async function holdIdleSockets(port: number, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let batch = 0; batch < count; batch += 100) {
    const opened = Array.from({ length: Math.min(100, count - batch) }, () => {
      const socket = connect(port, "127.0.0.1");
      socket.on("error", () => {});
      sockets.push(socket);
      return once(socket, "connect");
    });
    await Promise.all(opened);
  }
  return sockets;
}

async function runParent(seconds: number, concurrency: number, idle: number) {
  const { startIrsaWorld } = await import("@irsa/testing");
  const { fromWebIdentity } = await import("@irsa/web-identity");
  const { createCredentialServer, DEFAULT_MAX_CONNECTIONS } = await import("@irsa/credential-server");
  const world = await startIrsaWorld();
  const folder = await mkdtemp(join(tmpdir(), "irsa-load-"));
  const provider = fromWebIdentity({
    roleArn: world.roleArn,
    webIdentityTokenFile: world.env.AWS_WEB_IDENTITY_TOKEN_FILE,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
  });
  const server = await createCredentialServer({ provider, writeAuthTokenFile: join(folder, "token") });
  try {
    await server.whenReady();
    const token = await readFile(join(folder, "token"), "utf8");
    const sample = await fetch(server.url, { headers: { Authorization: token } }).then((answer) => answer.text());
    const result = await loadFromChild(server.url, token, seconds, concurrency);
    const holding = await createCredentialServer({ provider, authToken: token, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 });
    const idleSockets = await holdIdleSockets(holding.port, idle);
    const withIdle = await loadFromChild(holding.url, token, seconds, concurrency);
    const idleClosedToMakeRoom = idleSockets.filter((socket) => socket.destroyed || socket.readableEnded).length;
    for (const socket of idleSockets) socket.destroy();
    await holding.close();
    const baselineServer = await startBaseline(Buffer.byteLength(sample));
    const baseline = await loadFromChild(baselineServer.url, token, seconds, concurrency);
    await baselineServer.close();
    console.log(
      JSON.stringify(
        {
          benchmark: "credential-server endpoint, keep-alive GETs from a second process on loopback",
          node: process.version,
          concurrency,
          ...result,
          stsCalls: world.sts.calls("AssumeRoleWithWebIdentity"),
          withIdleSocketsHeld: {
            idleSockets: idle,
            maxConnections: DEFAULT_MAX_CONNECTIONS,
            idleClosedToMakeRoom,
            ...withIdle,
          },
          baselineBareNodeHttp: baseline,
        },
        null,
        2,
      ),
    );
  } finally {
    await server.close();
    provider.close();
    await world.close();
    await rm(folder, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { client: { type: "string" }, seconds: { type: "string" }, concurrency: { type: "string" }, idle: { type: "string" } },
});
const seconds = Number(values.seconds ?? 5);
const concurrency = Number(values.concurrency ?? 32);
if (values.client !== undefined) {
  const result = await runClient(values.client, process.env.IRSA_LOAD_TOKEN ?? "", seconds, concurrency);
  process.stdout.write(JSON.stringify(result));
} else {
  await runParent(seconds, concurrency, Number(values.idle ?? 1000));
}
