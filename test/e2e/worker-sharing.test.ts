// One refresher per pod, with real processes and threads against the local IRSA world: the
// children load the BUILT package (pnpm build) and lay out workers as applications do
// (worker-sharing-child.ts). STS calls are counted exactly by the local STS.
import { chmodSync, chownSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { keysAt, runWorkers, type SharingPlan } from "./worker-sharing-support.js";

const WORKERS = 8;
/** Short sets, so a refresh happens within a test: 8 s sets refreshed 4 s before they expire. */
const SHORT_SETS = { advisoryWindowMs: 4_000, mandatoryWindowMs: 1_000, jitter: 0 };
let world: IrsaWorld;
let shortWorld: IrsaWorld;
const directories: string[] = [];

function shareDirectory(): string {
  const parent = mkdtempSync(join(tmpdir(), "irsa-share-"));
  directories.push(parent);
  return join(parent, "share"); // missing: the members create it 0700
}

const assumeCalls = (w: IrsaWorld) => w.sts.calls("AssumeRoleWithWebIdentity");

beforeAll(async () => {
  world = await startIrsaWorld();
  shortWorld = await startIrsaWorld({ issuer: world.issuer, credentialLifetimeSeconds: 8 });
});
afterEach(() => {
  world.sts.reset();
  world.sts.faults.clear();
  shortWorld.sts.reset();
});
afterAll(async () => {
  await shortWorld.close();
  await world.close();
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

describe.each([
  { layout: "threads", pod: false, title: "8 worker_threads of one process (default, nothing on disk)" },
  { layout: "cluster", pod: true, title: "8 node:cluster workers (IRSA_SHARE_DIR)" },
  { layout: "pm2", pod: true, title: "8 workers forked by a primary that builds no provider (PM2's layout, IRSA_SHARE_DIR)" },
] as const)("$title", ({ layout, pod }) => {
  it("1 STS call at start and 1 per refresh for the group; every worker holds the group's set", async () => {
    const plan: SharingPlan = { layout, workers: WORKERS, callsAt: [0, 6_500], inits: [SHORT_SETS], env: pod ? { IRSA_SHARE_DIR: shareDirectory() } : {} };
    const run = await runWorkers(shortWorld, plan);
    expect(run.reports).toHaveLength(WORKERS);
    expect(run.reports.flatMap((report) => report.calls.map((call) => call.error)).filter(Boolean)).toEqual([]);
    // One set at start, one after the refresh 4 s before it expired: 2 STS calls for 8 workers.
    expect(assumeCalls(shortWorld)).toBe(2);
    const [first, second] = [keysAt(run, 0), keysAt(run, 1)];
    expect(first.size).toBe(1);
    expect(second.size).toBe(1);
    expect(first).not.toEqual(second);
    expect(shortWorld.sts.isIssued([...second][0]!)).toBe(true);
    const roles = run.reports.map((report) => report.sharing?.role).sort();
    expect(roles).toEqual(["follower", "follower", "follower", "follower", "follower", "follower", "follower", "leader"]);
    expect(run.reports.every((report) => report.sharing?.scope === (pod ? "pod" : "threads"))).toBe(true);
    // Each member's stats tell the group's STS calls from its own.
    expect(run.reports.map((report) => report.sharing?.groupSourceCalls)).toEqual(Array(WORKERS).fill(2));
    expect(run.reports.reduce((sum, report) => sum + (report.sharing?.ownStsCalls ?? 0), 0)).toBe(2);
    expect(run.reports.flatMap((report) => report.warnings)).toEqual([]);
    if (pod) {
      const leader = run.reports.find((report) => report.sharing?.role === "leader")!;
      expect(leader.socket).toEqual({ isSocket: true, uid: process.getuid!(), mode: 0o600 });
    }
  }, 40_000);
});

describe("the leader killed in the middle of a refresh", () => {
  it.each([
    { layout: "cluster", how: "SIGKILL of a cluster worker" },
    { layout: "threads", how: "terminate() of a worker thread" },
  ] as const)("$how: the others are served within one refresh deadline, by one new leader", async ({ layout }) => {
    world.sts.faults.latency(1_500);
    const refreshTimeoutMs = 5_000;
    const env: Record<string, string> = layout === "cluster" ? { IRSA_SHARE_DIR: shareDirectory() } : {};
    // Killed once its STS call is under way (the local STS records a request before its latency).
    const run = await runWorkers(world, { layout, workers: WORKERS, inits: [{ refreshTimeoutMs }], env }, () => assumeCalls(world) === 1);
    expect(run.killed).toBeTypeOf("number");
    expect(run.reports).toHaveLength(WORKERS - 1);
    expect(run.reports.some((report) => report.index === run.killed)).toBe(false);
    expect(run.reports.map((report) => report.calls[0]?.error)).toEqual(Array(WORKERS - 1).fill(undefined));
    expect(keysAt(run, 0).size).toBe(1);
    // The killed leader's call (answered into a dead socket) and the new leader's: nobody else called.
    expect(assumeCalls(world)).toBe(2);
    expect(world.sts.isIssued([...keysAt(run, 0)][0]!)).toBe(true);
    expect(Math.max(...run.reports.map((report) => report.calls[0]!.ms))).toBeLessThan(refreshTimeoutMs);
    expect(run.reports.filter((report) => report.sharing?.role === "leader")).toHaveLength(1);
  }, 40_000);
});

describe("the pod tier's directory", () => {
  it("two identities in one directory never share: each has its own leader and set", async () => {
    const directory = shareDirectory();
    const run = await runWorkers(world, { layout: "pm2", workers: 6, inits: [{ roleSessionName: "alpha" }, { roleSessionName: "beta" }], env: { IRSA_SHARE_DIR: directory } });
    expect(assumeCalls(world)).toBe(2);
    const alpha = new Set(run.reports.filter((report) => report.index % 2 === 0).map((report) => report.calls[0]!.accessKeyId));
    const beta = new Set(run.reports.filter((report) => report.index % 2 === 1).map((report) => report.calls[0]!.accessKeyId));
    expect(alpha.size).toBe(1);
    expect(beta.size).toBe(1);
    expect([...alpha][0]).not.toBe([...beta][0]);
    expect(run.reports.filter((report) => report.sharing?.role === "leader")).toHaveLength(2);
    expect(new Set(run.reports.map((report) => report.sharing?.socketPath)).size).toBe(2);
    // The last provider gone, each leader removed its own socket file: nothing is left behind.
    expect(readdirSync(directory)).toEqual([]);
  }, 40_000);

  describe("a planted entry at the group's socket path is refused and replaced, never trusted", () => {
    let planted: Server | undefined;
    afterEach(() => planted?.close());

    async function socketPathOf(directory: string): Promise<string> {
      const run = await runWorkers(world, { layout: "pm2", workers: 1, env: { IRSA_SHARE_DIR: directory } });
      world.sts.reset();
      return run.reports[0]!.sharing!.socketPath!;
    }

    /** A listening socket at `path` that counts who connects to it. */
    async function plantSocket(path: string, mode: number, uid: number): Promise<{ connections: () => number }> {
      let connections = 0;
      planted = createServer((socket) => {
        connections++;
        socket.end('{"t":"hello","v":1,"n":"planted"}\n');
      });
      rmSync(path, { force: true });
      await new Promise<void>((resolve) => planted!.listen(path, resolve));
      chmodSync(path, mode);
      chownSync(path, uid, uid);
      return { connections: () => connections };
    }

    it.each([
      { kind: "a socket with mode 0644", plant: (path: string) => plantSocket(path, 0o644, process.getuid!()) },
      { kind: "a socket owned by another user (uid 65534)", plant: (path: string) => plantSocket(path, 0o600, 65_534) },
      {
        kind: "a corrupt entry (a regular file of garbage, owned by uid 65534)",
        plant: (path: string) => {
          rmSync(path, { force: true });
          writeFileSync(path, "\u0000garbage\n{not json", { mode: 0o600 });
          chownSync(path, 65_534, 65_534);
          return Promise.resolve({ connections: () => 0 });
        },
      },
    ])("$kind", async ({ plant }) => {
      const directory = shareDirectory();
      const path = await socketPathOf(directory);
      const trap = await plant(path);
      const run = await runWorkers(world, { layout: "pm2", workers: WORKERS, env: { IRSA_SHARE_DIR: directory } });
      expect(trap.connections()).toBe(0);
      expect(assumeCalls(world)).toBe(1);
      expect(keysAt(run, 0).size).toBe(1);
      const leader = run.reports.find((report) => report.sharing?.role === "leader")!;
      expect(leader.socket).toEqual({ isSocket: true, uid: process.getuid!(), mode: 0o600 });
      expect(run.reports.flatMap((report) => report.warnings)).toEqual([]);
    }, 40_000);
  });

  it.each([
    { kind: "read-only (0500)", prepare: (directory: string) => chmodSync(directory, 0o500), reason: /must be 700/ },
    { kind: "open to others (0755)", prepare: (directory: string) => chmodSync(directory, 0o755), reason: /must be 700/ },
    { kind: "owned by another user", prepare: (directory: string) => chownSync(directory, 65_534, 65_534), reason: /owned by uid 65534/ },
    { kind: "a file, not a directory", prepare: (directory: string) => (rmSync(directory, { recursive: true }), writeFileSync(directory, "")), reason: /not a directory/ },
  ])("a directory $kind: each process falls back to its own engine with exactly one warning", async ({ prepare, reason }) => {
    const directory = shareDirectory();
    await runWorkers(world, { layout: "pm2", workers: 1, env: { IRSA_SHARE_DIR: directory } }); // creates it 0700
    world.sts.reset();
    prepare(directory);
    const workers = 3;
    const run = await runWorkers(world, { layout: "pm2", workers, callsAt: [0, 50], env: { IRSA_SHARE_DIR: directory } });
    expect(run.reports.flatMap((report) => report.calls.map((call) => call.error)).filter(Boolean)).toEqual([]);
    expect(assumeCalls(world)).toBe(workers);
    for (const report of run.reports) {
      expect(report.warnings).toHaveLength(1);
      expect(report.warnings[0]).toMatch(/sharing across processes is off/);
      expect(report.warnings[0]).toMatch(reason);
      expect(report.sharing).toMatchObject({ role: "off", ownStsCalls: 1 });
    }
  }, 40_000);
});
