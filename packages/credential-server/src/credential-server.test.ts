import { EventEmitter, once } from "node:events";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { withCredentialCache } from "@irsa/web-identity";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCredentialServer, type CredentialServer } from "./credential-server.js";
import type { CredentialServerInit } from "./server-options.js";
import { CredentialServerConfigError } from "./errors.js";
import { CredentialServerMetrics } from "./metrics.js";
import { captureLogs, deferred, httpRequest } from "./test-helpers.js";

const SECRET = "fake-secret-access-key-0123456789";
const SESSION = "fake-session-token-abcdefghijklmnop";
const START = Date.parse("2030-01-01T00:00:00Z");

let clock = START;
const now = () => clock;
const started: CredentialServer[] = [];
let folder: string;

function fakeSource(overrides: { accountId?: string } = {}) {
  let n = 0;
  return vi.fn(async () => {
    n += 1;
    return {
      accessKeyId: `AKIAFAKE${n}`,
      secretAccessKey: SECRET,
      sessionToken: SESSION,
      expiration: new Date(clock + 3600_000),
      ...overrides,
    };
  });
}

function cached(source: () => Promise<{ accessKeyId: string; secretAccessKey: string }>) {
  const provider = withCredentialCache(source, { now, failureBackoffMs: [0, 0], recoveryBackoffMs: [0, 0], errorCacheMs: 0, proactive: false });
  return provider;
}

async function start(init: Partial<CredentialServerInit> & Pick<CredentialServerInit, "provider">) {
  const server = await createCredentialServer({ now, ...init });
  started.push(server);
  return server;
}

const auth = (server: CredentialServer) => ({ Authorization: server.authToken });

beforeEach(async () => {
  clock = START;
  folder = await mkdtemp(join(tmpdir(), "irsa-credential-server-"));
});

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
  await rm(folder, { recursive: true, force: true });
});

describe("credentials endpoint", () => {
  it("serves the container-credentials JSON to a request with the token", async () => {
    const server = await start({ provider: cached(fakeSource({ accountId: "123456789012" })) });
    const answer = await httpRequest(server.url, { headers: auth(server) });
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(answer.body)).toEqual({
      AccessKeyId: "AKIAFAKE1",
      SecretAccessKey: SECRET,
      Token: SESSION,
      Expiration: new Date(START + 3600_000).toISOString(),
      AccountId: "123456789012",
    });
  });

  it("leaves AccountId out when the source does not know it", async () => {
    const server = await start({ provider: cached(fakeSource()) });
    const body = JSON.parse((await httpRequest(server.url, { headers: auth(server) })).body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual(["AccessKeyId", "SecretAccessKey", "Token", "Expiration"]);
  });

  it.each([
    ["missing", undefined],
    ["wrong", "not-the-token"],
    ["empty", ""],
  ])("answers 401 without detail to a %s token", async (_, token) => {
    const server = await start({ provider: cached(fakeSource()) });
    const answer = await httpRequest(server.url, { headers: token === undefined ? {} : { Authorization: token } });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({ Code: "Unauthorized", Message: "Unauthorized." });
  });

  it("refuses a token that only shares a prefix with the real one", async () => {
    const server = await start({ provider: cached(fakeSource()) });
    const answer = await httpRequest(server.url, { headers: { Authorization: `${server.authToken}x` } });
    expect(answer.status).toBe(401);
    const prefix = await httpRequest(server.url, { headers: { Authorization: server.authToken.slice(0, -1) } });
    expect(prefix.status).toBe(401);
  });

  it.each(["evil.example", "evil.example:80", "169.254.169.254", "10.0.0.1:8080", "localhost.evil.example", "[::2]"])(
    "refuses the Host %s with 403 (DNS rebinding)",
    async (host) => {
      const server = await start({ provider: cached(fakeSource()) });
      const answer = await httpRequest(server.url, { headers: { ...auth(server), Host: host } });
      expect(answer.status).toBe(403);
      expect(answer.body).not.toContain(SECRET);
    },
  );

  it.each(["localhost", "LOCALHOST:1234", "127.0.0.1", "127.9.8.7:80", "[::1]:9000", "[0:0:0:0:0:0:0:1]"])(
    "accepts the loopback Host %s",
    async (host) => {
      const server = await start({ provider: cached(fakeSource()) });
      const answer = await httpRequest(server.url, { headers: { ...auth(server), Host: host } });
      expect(answer.status).toBe(200);
    },
  );

  it("accepts a Host listed in allowedHosts", async () => {
    const server = await start({ provider: cached(fakeSource()), allowedHosts: ["sidecar.internal"] });
    expect((await httpRequest(server.url, { headers: { ...auth(server), Host: "sidecar.internal:80" } })).status).toBe(200);
    expect((await httpRequest(server.url, { headers: { ...auth(server), Host: "other.internal" } })).status).toBe(403);
  });

  it("allows only GET on the credentials path, 404 elsewhere, no body", async () => {
    const server = await start({ provider: cached(fakeSource()) });
    const post = await httpRequest(server.url, { method: "POST", headers: auth(server) });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe("GET");
    expect((await httpRequest(server.url, { method: "PUT", headers: auth(server) })).status).toBe(405);
    expect((await httpRequest(`${server.url}/../other`, { headers: auth(server) })).status).toBe(404);
    expect((await httpRequest(new URL("/latest/meta-data/", server.url).href, { headers: auth(server) })).status).toBe(404);
    const withBody = await httpRequest(server.url, {
      headers: { ...auth(server), "Content-Length": "100" },
      body: "x".repeat(100),
    });
    expect(withBody.status).toBe(413);
    const chunked = await httpRequest(server.url, {
      headers: { ...auth(server), "Transfer-Encoding": "chunked" },
      body: "x".repeat(100),
    });
    expect(chunked.status).toBe(413);
  });

  it("answers 431 to a request head larger than maxHeaderBytes", async () => {
    const server = await start({ provider: cached(fakeSource()), maxHeaderBytes: 1024 });
    const answer = await httpRequest(server.url, { headers: { ...auth(server), "X-Padding": "p".repeat(4096) } });
    expect(answer.status).toBe(431);
  });

  it("answers 503 with a retry hint while the source fails, without the error's text", async () => {
    const source = vi.fn(async () => {
      throw new Error("sts is down");
    });
    const server = await start({ provider: cached(source), schedule: () => () => {} });
    const answer = await httpRequest(server.url, { headers: auth(server) });
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("1");
    expect(answer.body).not.toContain("sts is down");
  });

  it("answers 503 beyond maxConcurrentRequests", async () => {
    const gate = deferred<void>();
    const source = fakeSource();
    const provider = cached(async () => {
      await gate.promise;
      return source();
    });
    const logs = captureLogs();
    const server = await start({ provider, maxConcurrentRequests: 2, logger: logs.logger });
    const first = httpRequest(server.url, { headers: auth(server) });
    const second = httpRequest(server.url, { headers: auth(server) });
    await logs.waitForMessage("credentials request received", 2);
    const third = await httpRequest(server.url, { headers: auth(server) });
    expect(third.status).toBe(503);
    gate.resolve();
    expect((await first).status).toBe(200);
    expect((await second).status).toBe(200);
    expect(source).toHaveBeenCalledTimes(1);
  });
});

describe("readiness", () => {
  it("is not ready until the first fetch succeeds, which starts at start-up", async () => {
    const gate = deferred<void>();
    const source = fakeSource();
    const server = await start({
      provider: cached(async () => {
        await gate.promise;
        return source();
      }),
    });
    expect((await httpRequest(new URL("/readyz", server.url).href)).status).toBe(503);
    expect((await httpRequest(new URL("/healthz", server.url).href)).status).toBe(200);
    gate.resolve();
    await server.whenReady();
    expect((await httpRequest(new URL("/readyz", server.url).href)).status).toBe(200);
    expect(source).toHaveBeenCalledTimes(1);
  });

  it("retries the first fetch with growing, jittered delays until it works", async () => {
    const timers: { callback: () => void; delayMs: number }[] = [];
    let failuresLeft = 3;
    const source = fakeSource();
    const logs = captureLogs();
    const server = await start({
      provider: cached(async () => {
        if (failuresLeft-- > 0) throw new Error("throttled");
        return source();
      }),
      random: () => 1,
      readinessRetryInitialMs: 1000,
      readinessRetryMaxMs: 3000,
      logger: logs.logger,
      schedule: (callback, delayMs) => {
        timers.push({ callback, delayMs });
        return () => {};
      },
    });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await logs.waitForMessage("credentials fetch failed; retrying", attempt);
      expect(server.isReady()).toBe(false);
      timers.at(-1)!.callback();
    }
    await server.whenReady();
    expect(timers.map((timer) => timer.delayMs)).toEqual([1000, 2000, 3000]);
    expect(server.isReady()).toBe(true);
  });

  it("lets a scheduled retry stand when probed, and re-fetches an expired set when probed", async () => {
    const timers: (() => void)[] = [];
    let failuresLeft = 1;
    const source = fakeSource();
    const events = new EventEmitter();
    const provider = withCredentialCache(
      async () => {
        if (failuresLeft-- > 0) throw new Error("throttled");
        return source();
      },
      { now, proactive: false, failureBackoffMs: [0, 0], recoveryBackoffMs: [0, 0], errorCacheMs: 0, onEvent: (event) => events.emit(event.type, event) },
    );
    const failed = once(events, "refresh-failed");
    const server = await start({ provider, schedule: (callback) => (timers.push(callback), () => {}) });
    await failed;
    const readyz = new URL("/readyz", server.url).href;
    expect((await httpRequest(readyz)).status).toBe(503);
    expect(provider.stats.sourceCalls).toBe(1);
    timers[0]!();
    await server.whenReady();
    expect(provider.stats.sourceCalls).toBe(2);
    clock += 3600_000;
    const refreshed = once(events, "refresh-succeeded");
    expect((await httpRequest(readyz)).status).toBe(503);
    await refreshed;
    expect((await httpRequest(readyz)).status).toBe(200);
    expect(provider.stats.sourceCalls).toBe(3);
  });

  it("is not ready while the cached credentials are expired", async () => {
    const server = await start({ provider: cached(fakeSource()), schedule: () => () => {} });
    await server.whenReady();
    expect(server.isReady()).toBe(true);
    clock += 3600_000;
    expect(server.isReady()).toBe(false);
    expect((await httpRequest(new URL("/readyz", server.url).href)).status).toBe(503);
  });
});

describe("metrics", () => {
  it("exposes source calls, failures, expiry, readiness, requests by status and source latency", async () => {
    const metrics = new CredentialServerMetrics();
    const provider = withCredentialCache(fakeSource(), { now, proactive: false, onEvent: metrics.observeCacheEvent });
    const server = await start({ provider, metrics });
    await server.whenReady();
    await httpRequest(server.url, { headers: auth(server) });
    await httpRequest(server.url, { headers: { Authorization: "wrong" } });
    clock += 600_000;
    const answer = await httpRequest(new URL("/metrics", server.url).href);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toContain("text/plain");
    expect(answer.body).toMatch(/^irsa_credentials_source_calls_total 1$/m);
    expect(answer.body).toMatch(/^irsa_credentials_source_failures_total 0$/m);
    expect(answer.body).toMatch(/^irsa_credentials_expiry_seconds 3000$/m);
    expect(answer.body).toMatch(/^irsa_credentials_ready 1$/m);
    expect(answer.body).toMatch(/^irsa_credentials_http_requests_total\{route="credentials",code="200"\} 1$/m);
    expect(answer.body).toMatch(/^irsa_credentials_http_requests_total\{route="credentials",code="401"\} 1$/m);
    expect(answer.body).toMatch(/^irsa_credentials_http_requests_in_flight 1$/m);
    expect(answer.body).not.toContain(SECRET);
    expect(answer.body).not.toContain(SESSION);
  });

  it("records the duration of source calls from the engine's events", async () => {
    const metrics = new CredentialServerMetrics();
    metrics.observeCacheEvent({ type: "refresh-succeeded", reason: "empty", at: START, durationMs: 120, accessKeyId: "AKIA1" });
    metrics.observeCacheEvent({
      type: "refresh-failed",
      reason: "advisory",
      at: START,
      durationMs: 3000,
      recoverable: true,
      errorName: "Throttling",
      message: "slow down",
    });
    const { body } = await metrics.render();
    expect(body).toMatch(/^irsa_credentials_source_call_duration_seconds_count\{outcome="success"\} 1$/m);
    expect(body).toMatch(/^irsa_credentials_source_call_duration_seconds_sum\{outcome="failure"\} 3$/m);
    expect(body).toMatch(/^irsa_credentials_source_call_duration_seconds_bucket\{le="0.25",outcome="success"\} 1$/m);
  });
});

describe("authorization token", () => {
  it("writes a generated token atomically, without newline, with mode 0640", async () => {
    const file = join(folder, "token");
    const server = await start({ provider: cached(fakeSource()), writeAuthTokenFile: file });
    const content = await readFile(file, "utf8");
    expect(content).toBe(server.authToken);
    expect(content).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await stat(file)).mode & 0o777).toBe(0o640);
    expect(server.authTokenFile).toBe(file);
    expect((await httpRequest(server.url, { headers: { Authorization: content } })).status).toBe(200);
  });

  it("honours authTokenFileMode and replaces an existing file", async () => {
    const file = join(folder, "token");
    await writeFile(file, "old");
    const server = await start({ provider: cached(fakeSource()), writeAuthTokenFile: file, authTokenFileMode: 0o600 });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, "utf8")).toBe(server.authToken);
  });

  it("generates a different token at each start", async () => {
    const a = await start({ provider: cached(fakeSource()) });
    const b = await start({ provider: cached(fakeSource()) });
    expect(a.authToken).not.toBe(b.authToken);
  });

  it("reads a token from a given file", async () => {
    const file = join(folder, "given");
    await writeFile(file, "a-token-from-a-secret");
    const server = await start({ provider: cached(fakeSource()), authTokenFile: file });
    expect((await httpRequest(server.url, { headers: { Authorization: "a-token-from-a-secret" } })).status).toBe(200);
  });

  it("refuses a given token file with a trailing newline, or missing, with the fix in the message", async () => {
    const file = join(folder, "given");
    await writeFile(file, "a-token\n");
    await expect(createCredentialServer({ provider: cached(fakeSource()), authTokenFile: file })).rejects.toThrow(
      /trailing newline.*printf/,
    );
    await expect(
      createCredentialServer({ provider: cached(fakeSource()), authTokenFile: join(folder, "absent") }),
    ).rejects.toThrow(/Cannot read the authorization token file .*ENOENT/);
  });

  it("keeps the token out of JSON.stringify and inspect of the server", async () => {
    const server = await start({ provider: cached(fakeSource()) });
    expect(JSON.stringify(server)).not.toContain(server.authToken);
    expect(inspect(server, { depth: 5 })).not.toContain(server.authToken);
  });
});

describe("configuration", () => {
  it("refuses a non-loopback address unless allowNonLoopback is set", async () => {
    const attempt = createCredentialServer({ provider: cached(fakeSource()), host: "0.0.0.0" });
    await expect(attempt).rejects.toBeInstanceOf(CredentialServerConfigError);
    await expect(attempt).rejects.toThrow(/--allow-non-loopback/);
  });

  it("refuses two token options, a bad port and a provider that is not one", async () => {
    await expect(
      createCredentialServer({ provider: cached(fakeSource()), authToken: "abc", writeAuthTokenFile: join(folder, "t") }),
    ).rejects.toThrow(/at most one/);
    await expect(createCredentialServer({ provider: cached(fakeSource()), port: 70000 })).rejects.toThrow(/port must be/);
    await expect(
      createCredentialServer({ provider: (async () => ({})) as unknown as CredentialServerInit["provider"] }),
    ).rejects.toThrow(/CachedCredentialProvider/);
  });
});

describe("health listener", () => {
  it("serves probes without the Host check and never the credentials", async () => {
    const server = await start({ provider: cached(fakeSource()), healthPort: 0, healthHost: "127.0.0.1" });
    await server.whenReady();
    const base = server.healthUrl!;
    expect((await httpRequest(`${base}/readyz`, { headers: { Host: "10.1.2.3:9912" } })).status).toBe(200);
    expect((await httpRequest(`${base}/metrics`)).status).toBe(200);
    const credentials = await httpRequest(`${base}${new URL(server.url).pathname}`, { headers: auth(server) });
    expect(credentials.status).toBe(404);
    expect(credentials.body).not.toContain(SECRET);
  });
});

describe("shutdown", () => {
  it("finishes requests in flight, then stops accepting", async () => {
    const gate = deferred<void>();
    const source = fakeSource();
    const logs = captureLogs();
    const server = await start({
      provider: cached(async () => {
        await gate.promise;
        return source();
      }),
      logger: logs.logger,
    });
    const inFlight = [1, 2, 3].map(() => httpRequest(server.url, { headers: auth(server) }));
    await logs.waitForMessage("credentials request received", 3);
    const closed = server.close();
    await logs.waitForMessage("stopping: finishing requests in flight");
    gate.resolve();
    const answers = await Promise.all(inFlight);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(answers.every((answer) => answer.headers.connection === "close")).toBe(true);
    await closed;
    await expect(httpRequest(server.url, { headers: auth(server) })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("logs", () => {
  it("are JSON lines without any secret", async () => {
    const logs = captureLogs("debug");
    const file = join(folder, "token");
    const server = await start({ provider: cached(fakeSource()), logger: logs.logger, writeAuthTokenFile: file });
    await httpRequest(server.url, { headers: auth(server) });
    await httpRequest(server.url, { headers: { Authorization: "wrong-token" } });
    await server.close();
    expect(logs.lines.length).toBeGreaterThan(3);
    for (const line of logs.lines) expect(() => JSON.parse(line)).not.toThrow();
    const text = logs.text();
    expect(text).toContain('"msg":"listening"');
    for (const secret of [SECRET, SESSION, server.authToken, "wrong-token"]) expect(text).not.toContain(secret);
  });
});

describe("a class-based logger", () => {
  it("keeps its prototype methods and this (the server never spreads the logger)", async () => {
    class AppLogger {
      readonly messages: string[] = [];
      info(message: string): void {
        this.messages.push(message);
      }
      warn(message: string): void {
        this.messages.push(`warn: ${message}`);
      }
    }
    const logger = new AppLogger();
    const server = await start({ provider: cached(fakeSource()), logger });
    await server.whenReady();
    await server.close();
    expect(logger.messages).toEqual(expect.arrayContaining(["listening", "ready: first credentials in hand", "stopped"]));
  });

  it("a throwing logger breaks no answer", async () => {
    const broken = {
      debug: () => {
        throw new Error("debug broke");
      },
      info: () => {
        throw new Error("info broke");
      },
    };
    const server = await start({ provider: cached(fakeSource()), logger: broken });
    expect((await httpRequest(server.url, { headers: auth(server) })).status).toBe(200);
  });
});
