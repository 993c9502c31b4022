// Host safety: the provider never keeps a process alive, never leaves a handle open after
// close(), and never lets a rejection or an exception go unhandled, in the paths where that
// usually goes wrong (background refreshes that fail, close() during a refresh, abandoned calls).

import { spawn } from "node:child_process";
import { createHook } from "node:async_hooks";
import { setImmediate as nextTurn } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type CredentialCacheEvent } from "@irsa/web-identity";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { worldInit } from "./web-identity-support.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CHILD = fileURLToPath(new URL("./host-safety-child.ts", import.meta.url));
/** The child may take long to start (tsx, the SDK), but once idle it must exit at once. */
const EXIT_AFTER_IDLE_MAX_MS = 2_000;
const CHILD_KILL_AFTER_MS = 60_000;

let world: IrsaWorld;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);

beforeAll(async () => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  world = await startIrsaWorld();
});
afterEach(() => world.sts.reset());
afterAll(async () => {
  await world.close();
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

interface ChildReport {
  code: number;
  accessKeyId?: string;
  exitDelayMs: number;
  problems: string[];
}

/** Runs the child application against the world; resolves with its report once it exits by itself. */
function runChild(extraEnv: Record<string, string>): Promise<{ report: ChildReport; exitCode: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
      cwd: ROOT,
      env: { ...process.env, ...world.env, AWS_EC2_METADATA_DISABLED: "true", ...extraEnv },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // A guard against a child that never exits (the very bug looked for): the test then fails.
    const guard = setTimeout(() => child.kill("SIGKILL"), CHILD_KILL_AFTER_MS);
    child.on("error", reject);
    child.on("exit", (exitCode) => {
      clearTimeout(guard);
      const line = stdout.trim().split("\n").at(-1) ?? "";
      try {
        resolve({ report: JSON.parse(line) as ChildReport, exitCode, stderr });
      } catch {
        reject(new Error(`the child did not report (exit ${String(exitCode)}): ${stdout} ${stderr}`));
      }
    });
  });
}

describe("a process using the provider exits by itself", () => {
  it.each([
    ["without close()", "false"],
    ["after close()", "true"],
  ])("%s: exits at once when idle, with no unhandled rejection or exception", async (_, close) => {
    const { report, exitCode, stderr } = await runChild({ HOST_SAFETY_CLOSE: close });
    expect(exitCode, stderr).toBe(0);
    expect(report.accessKeyId && world.sts.isIssued(report.accessKeyId)).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.exitDelayMs).toBeLessThan(EXIT_AFTER_IDLE_MAX_MS);
  }, 90_000);
});

/**
 * Timers, sockets and file handles created while tracking and still open: a timer or a socket until
 * its async_hooks destroy event, a file handle until its descriptor is closed.
 */
function trackHandles() {
  const TRACKED = new Set(["Timeout", "TCPWRAP", "TCPCONNECTWRAP", "FILEHANDLE"]);
  const live = new Map<number, { type: string; resource: { hasRef?: () => boolean; fd?: number } }>();
  const hook = createHook({
    init(asyncId, type, _trigger, resource) {
      if (!TRACKED.has(type)) return;
      // Node's HTTP server caches its Date header for up to a second with an unref()ed timer; here
      // that server is the in-process local STS, not the provider under test.
      if (type === "Timeout" && /\bat utcDate \(node:internal\/http/.test(new Error().stack ?? "")) return;
      live.set(asyncId, { type, resource: resource as { hasRef?: () => boolean; fd?: number } });
    },
    destroy(asyncId) {
      live.delete(asyncId);
    },
  });
  hook.enable();
  const open = () => [...live.values()].filter(({ type, resource }) => type !== "FILEHANDLE" || (resource.fd ?? -1) >= 0);
  return {
    open: () => open().map(({ type }) => type).sort(),
    /** Open timers that keep the event loop alive. */
    refTimers: () => open().filter(({ type, resource }) => type === "Timeout" && resource.hasRef?.() === true).length,
    /** Lets sockets finish closing and destroy events arrive: turns of the event loop, no wall-clock wait. */
    async settle(maxTurns = 200): Promise<void> {
      for (let turn = 0; turn < maxTurns && open().length > 0; turn++) await nextTurn();
    },
    stop: () => hook.disable(),
  };
}

describe("close() leaves no open handle", () => {
  it("the proactive timer is unref()ed while it runs; close() releases it and the STS sockets", async () => {
    // Warm up: load the STS client and its dependencies, so what follows measures the provider only.
    const warm = fromWebIdentity(worldInit(world));
    await warm();
    warm.close();

    const handles = trackHandles();
    try {
      const provider = fromWebIdentity(worldInit(world, { proactive: true }));
      await provider();
      await handles.settle(5); // destroy events of the timers cleared during the call
      // The proactive timer is armed, and the STS connection kept alive, but no timer holds the
      // event loop (the token file was read and closed).
      expect(handles.open()).toContain("Timeout");
      expect(handles.open()).toContain("TCPWRAP");
      expect(handles.open()).not.toContain("FILEHANDLE");
      expect(handles.refTimers()).toBe(0);

      provider.close();
      await handles.settle();
      expect(handles.open()).toEqual([]);
    } finally {
      handles.stop();
    }
  });

  it("close() during a refresh: the call still settles, and nothing is left open", async () => {
    const handles = trackHandles();
    try {
      // No added STS latency: its server-side timer would be a wall-clock handle of the local STS,
      // not of the provider. The refresh is in flight anyway when close() runs: it starts with an
      // asynchronous token read and the lazy load of the STS client.
      const provider = fromWebIdentity(worldInit(world, { proactive: true }));
      const pending = provider().then(
        () => "credentials",
        (error: unknown) => `error ${(error as Error).name}`,
      );
      provider.close();
      const outcome = await pending;
      expect(outcome === "credentials" || outcome.startsWith("error ")).toBe(true);
      provider.close();
      await handles.settle();
      expect(handles.open()).toEqual([]);
    } finally {
      handles.stop();
    }
  });
});

describe("no unhandled rejection or exception", () => {
  it("in failing background refreshes, error-cached failures, reset connections, and close() during a refresh", async () => {
    let clock = Date.now();
    const events: CredentialCacheEvent[] = [];
    let refreshEnded: (() => void) | undefined;
    const provider = fromWebIdentity(
      worldInit(world, {
        now: () => clock,
        random: () => 0, // a 300 s backoff, a 1 s error cache
        onEvent: (event) => {
          events.push(event);
          if (event.type === "refresh-succeeded" || event.type === "refresh-failed") refreshEnded?.();
        },
      }),
    );
    try {
      const first = await provider();
      const ended = () => new Promise<void>((resolve) => (refreshEnded = resolve));

      // A background refresh in the advisory window fails (recoverable, then non-recoverable):
      // nobody awaits it, and nothing may surface.
      clock = first.expiration!.getTime() - 10 * 60_000;
      world.sts.faults.failNext(3, { code: "ServiceUnavailable", status: 503, action: "AssumeRoleWithWebIdentity" });
      let done = ended();
      await provider();
      await done;
      // After the backoff, in the mandatory window: after a recoverable failure the retry runs
      // behind the caller, who gets the valid set; it fails for good, and waiting callers get it.
      clock += 11 * 60_000 - 90_000;
      world.sts.faults.failNext(1, { code: "AccessDenied", status: 403, action: "AssumeRoleWithWebIdentity" });
      done = ended();
      await expect(provider()).resolves.toMatchObject({ accessKeyId: first.accessKeyId });
      await done;
      await expect(provider()).rejects.toMatchObject({ code: "AccessDenied" }); // from the error cache

      // A connection reset, retried within the refresh. (Hung calls abandoned after their attempt
      // timeout run in the fault matrix, under fake timers, with the same listener check.)
      clock += 10_000;
      world.sts.faults.dropNext(1, { action: "AssumeRoleWithWebIdentity" });
      done = ended();
      await provider.refresh();
      await done;

      // Calls nobody waits for, then close() with a refresh still running.
      world.sts.faults.latency(30);
      void provider.refresh().catch(() => undefined);
      provider.close();
      world.sts.faults.clear();
      for (let turn = 0; turn < 20; turn++) await nextTurn();

      expect(events.some((e) => e.type === "refresh-failed" && e.recoverable)).toBe(true);
      expect(events.some((e) => e.type === "refresh-failed" && !e.recoverable)).toBe(true);
      expect(unhandled).toEqual([]);
    } finally {
      provider.close();
    }
  });
});
