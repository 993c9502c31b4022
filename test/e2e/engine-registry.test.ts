// One engine per configuration per process, through the public API and the built package:
// 50 providers of one configuration, two copies of the package, dropped providers collected,
// and refresh() after close() releasing its socket.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, fromWebIdentityChain } from "@irsa/web-identity";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { assumeCalls, worldInit } from "./web-identity-support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./engine-registry-child.ts", import.meta.url));
let world: IrsaWorld;

beforeAll(async () => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  world = await startIrsaWorld();
});
afterEach(() => world.sts.reset());
afterAll(async () => {
  await world.close();
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

function runChild(mode: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--expose-gc", "--import", "tsx", CHILD], {
      cwd: fileURLToPath(new URL("./", import.meta.url)),
      env: { ...process.env, ...world.env, AWS_EC2_METADATA_DISABLED: "true", ENGINE_CHILD_MODE: mode },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(guard);
      try {
        resolve(JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as Record<string, unknown>);
      } catch {
        reject(new Error(`the child did not report (exit ${String(code)}): ${stdout} ${stderr}`));
      }
    });
  });
}

describe("one engine per configuration", () => {
  it("50 fromWebIdentity() providers of one configuration, each called once: 1 STS call; each still sees the events", async () => {
    const seen: string[][] = Array.from({ length: 50 }, () => []);
    // One configuration: the same values (functions such as retry.sleep count by identity).
    const init = worldInit(world);
    const providers = seen.map((_, i) => fromWebIdentity({ ...init, onEvent: (event) => void seen[i]!.push(event.type), logger: {} }));
    const sets = await Promise.all(providers.map((provider) => provider()));
    expect(assumeCalls(world)).toBe(1);
    expect(new Set(sets.map((set) => set.accessKeyId)).size).toBe(1);
    // Every provider saw the same events: the refresh and the skew the source measured on its answer.
    expect(seen[0]).toEqual(expect.arrayContaining(["refresh-started", "refresh-succeeded", "clock-skew"]));
    expect(seen.every((types) => JSON.stringify(types) === JSON.stringify(seen[0]))).toBe(true);
    // close() is reference-counted: 49 closes leave the engine working for the last one.
    for (const provider of providers.slice(0, 49)) provider.close();
    await providers[49]!.refresh();
    expect(assumeCalls(world)).toBe(2);
    providers[49]!.close();
  });

  it("a different configuration, shared: false, or another provider kind gets its own engine", async () => {
    const init = worldInit(world);
    const base = fromWebIdentity({ ...init });
    const same = fromWebIdentity({ ...init });
    const other = fromWebIdentity({ ...init, roleSessionName: "other-session" });
    const own = fromWebIdentity({ ...init, shared: false });
    const chain = fromWebIdentityChain({ ...init, fallbacks: [] });
    await Promise.all([base(), same(), other(), own(), chain()]);
    expect(assumeCalls(world)).toBe(4); // base and same share one; the other three their own
    for (const provider of [base, same, other, own, chain]) provider.close();
  });

  it("two copies of the package (the built ESM and CJS files, loaded together) share one engine: 1 STS call", async () => {
    const report = await runChild("two-copies");
    expect(report).toMatchObject({ distinctCopies: true, sameKey: true });
    expect(world.sts.isIssued(report.accessKeyId as string)).toBe(true);
    expect(assumeCalls(world)).toBe(1);
  });

  it("2,000 providers dropped without close() stop refreshing and are collected (child process, --expose-gc)", async () => {
    const report = await runChild("dropped");
    // Each provider made its call (and, on a slow machine, a held one may have refreshed too).
    expect(report.callsAtDrop).toBeGreaterThanOrEqual(2_000);
    expect(report.callsAfterCollected).toBe(0);
    expect(report.collectedProviders).toBeGreaterThanOrEqual(1_990);
    // A dropped provider leaves less than a tenth of what it holds alive (about 10 KB): a leak of a
    // timer, a closure or a table entry per engine would cross it; the heap's own noise does not.
    expect(report.liveBytesPerProvider).toBeGreaterThan(2_000);
    expect(report.retainedBytesPerProvider).toBeLessThan((report.liveBytesPerProvider as number) / 10);
    expect(report.liveBeforeGc).toBeGreaterThanOrEqual(20);
    expect(report.liveAfterGc).toBe(0);
    console.log(`[engine-registry] dropped providers: ${JSON.stringify(report)}`);
  }, 60_000);
});

describe("a provider dropped while its call is in flight", () => {
  it("await fromWebIdentity()() with collections during a slow STS answer: one STS call each, none aborted (child process, --expose-gc)", async () => {
    world.sts.faults.latency(150);
    try {
      const report = (await runChild("dropped-mid-fetch")) as { keys: string[]; errors: string[] };
      expect(report.errors).toEqual([]);
      expect(report.keys.every((key) => world.sts.isIssued(key))).toBe(true);
      // one call per provider: a collection that closed the engine mid-fetch would abort it and retry
      expect(world.sts.requests.filter((request) => request.action === "AssumeRoleWithWebIdentity").map((request) => request.status)).toEqual([200, 200, 200, 200, 200]);
    } finally {
      world.sts.faults.latency(0);
    }
  }, 60_000);
});

describe("refresh() after close()", () => {
  it("releases the STS client's keep-alive socket it opened", async () => {
    const sockets = () => process.getActiveResourcesInfo().filter((name) => name === "TCPSocketWrap").length;
    const provider = fromWebIdentity(worldInit(world, { shared: false }));
    await provider();
    provider.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const afterClose = sockets();
    await provider.refresh();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(assumeCalls(world)).toBe(2);
    expect(sockets()).toBeLessThanOrEqual(afterClose);
  });
});
