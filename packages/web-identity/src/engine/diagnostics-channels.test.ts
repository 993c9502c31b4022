import { execFile } from "node:child_process";
import { channel, subscribe, unsubscribe } from "node:diagnostics_channel";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CredentialCacheEvent } from "./cache-types.js";
import { DIAGNOSTICS_CHANNELS, publishEngineEvent } from "./diagnostics-channels.js";
import { withCredentialCache } from "./cached-provider.js";

const SECRET = "fake-secret-access-key-for-channels";
const SESSION = "fake-session-token-for-channels";
const T0 = Date.parse("2030-01-01T00:00:00Z");
const subscriptions: [string, (message: unknown) => void][] = [];

function listen(): { messages: [string, CredentialCacheEvent][] } {
  const messages: [string, CredentialCacheEvent][] = [];
  for (const name of Object.values(DIAGNOSTICS_CHANNELS)) {
    const listener = (message: unknown) => void messages.push([name, message as CredentialCacheEvent]);
    subscribe(name, listener);
    subscriptions.push([name, listener]);
  }
  return { messages };
}

afterEach(() => {
  for (const [name, listener] of subscriptions.splice(0)) unsubscribe(name, listener);
});

describe("engine events on diagnostics_channel", () => {
  it("names one channel per event type, irsa-credentials:<type>", () => {
    expect(DIAGNOSTICS_CHANNELS).toEqual({
      "refresh-started": "irsa-credentials:refresh-started",
      "refresh-succeeded": "irsa-credentials:refresh-succeeded",
      "refresh-failed": "irsa-credentials:refresh-failed",
      "refresh-timed-out": "irsa-credentials:refresh-timed-out",
      backoff: "irsa-credentials:backoff",
      "error-cached": "irsa-credentials:error-cached",
      invalidated: "irsa-credentials:invalidated",
      "clock-skew": "irsa-credentials:clock-skew",
    });
  });

  it("publishes the very event objects onEvent gets, each on its channel, with no secret", async () => {
    const { messages } = listen();
    const seen: CredentialCacheEvent[] = [];
    let clock = T0;
    let calls = 0;
    const source = async () => {
      calls += 1;
      if (calls === 2) throw Object.assign(new Error("throttled"), { name: "Throttling" });
      return { accessKeyId: `AKIAFAKE${calls}`, secretAccessKey: SECRET, sessionToken: SESSION, expiration: new Date(clock + 3600_000) };
    };
    const provider = withCredentialCache(source, { now: () => clock, proactive: false, onEvent: (event) => void seen.push(event) });
    await provider();
    provider.invalidate("AKIAFAKE1");
    await provider().catch(() => {});
    clock += 1000;
    await provider();
    provider.close();

    expect(messages.map(([, event]) => event)).toEqual(seen);
    for (const [index, [name, event]] of messages.entries()) {
      expect(name).toBe(`irsa-credentials:${event.type}`);
      expect(event).toBe(seen[index]);
    }
    const types = new Set(messages.map(([, event]) => event.type));
    expect(types).toEqual(new Set(["refresh-started", "refresh-succeeded", "invalidated", "refresh-failed", "backoff"]));
    const text = JSON.stringify(messages);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SESSION);
  });

  it("publishes nothing when nobody subscribed", () => {
    const target = channel(DIAGNOSTICS_CHANNELS["refresh-started"]);
    expect(target.hasSubscribers).toBe(false);
    const publish = vi.spyOn(target, "publish");
    publishEngineEvent({ type: "refresh-started", reason: "empty", at: T0, background: false });
    expect(publish).not.toHaveBeenCalled();
    publish.mockRestore();
  });

  it("a throwing subscriber never breaks a refresh (Node reports it as the subscriber's own uncaught error)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "irsa-channels-"));
    try {
      const engine = pathToFileURL(fileURLToPath(new URL("./cached-provider.ts", import.meta.url))).href;
      const script = join(dir, "throwing-subscriber.mts");
      await writeFile(
        script,
        [
          `import { subscribe } from "node:diagnostics_channel";`,
          `import { withCredentialCache } from ${JSON.stringify(engine)};`,
          `const uncaught: string[] = [];`,
          `process.on("uncaughtException", (error) => uncaught.push(error.message));`,
          `subscribe("irsa-credentials:refresh-succeeded", () => { throw new Error("subscriber broke"); });`,
          `const provider = withCredentialCache(async () => ({ accessKeyId: "AKIAFAKE", secretAccessKey: "s", expiration: new Date(Date.now() + 3600_000) }), { proactive: false });`,
          `const credentials = await provider();`,
          `await new Promise((resolve) => setTimeout(resolve, 50));`,
          `console.log(JSON.stringify({ accessKeyId: credentials.accessKeyId, sourceCalls: provider.stats.sourceCalls, uncaught }));`,
        ].join("\n"),
      );
      const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", tsx, script], { timeout: 30_000 });
      expect(JSON.parse(stdout)).toEqual({ accessKeyId: "AKIAFAKE", sourceCalls: 1, uncaught: ["subscriber broke"] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
