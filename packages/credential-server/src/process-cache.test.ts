import { chmod, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { CliIo } from "./cli-io.js";
import { decideProcessCache, processCacheBackoffUntil } from "./process-cache-decision.js";
import { PROCESS_CACHE_FORMAT, processCacheKey, processCachePath, readProcessCache, writeProcessCache, type ProcessCacheEntry } from "./process-cache-file.js";
import { processCommand } from "./process-command.js";

const HOUR = 3600_000;
const T0 = Date.parse("2030-01-01T00:00:00Z");

function entry(overrides: Partial<ProcessCacheEntry> = {}, expiresInMs = HOUR): ProcessCacheEntry {
  return {
    format: PROCESS_CACHE_FORMAT,
    key: "k",
    receivedAt: T0,
    credentials: { Version: 1, AccessKeyId: "AKIAFAKE", SecretAccessKey: "fake-secret", SessionToken: "fake-session", Expiration: new Date(T0 + expiresInMs).toISOString() },
    ...overrides,
  };
}

describe("decideProcessCache: the engine's windows for a one-call process", () => {
  it.each([
    ["nothing cached", undefined, 0, "refresh"],
    ["a 1-hour set, 44 min left", entry(), 16 * 60_000, "serve"],
    ["a 1-hour set, exactly 15 min left (advisory window)", entry(), 45 * 60_000, "refresh-or-serve"],
    ["a 1-hour set, 61 s left", entry(), HOUR - 61_000, "refresh-or-serve"],
    ["a 1-hour set, 60 s left (mandatory window)", entry(), HOUR - 60_000, "refresh"],
    ["an expired set", entry(), HOUR + 1, "refresh"],
    ["in backoff, 10 min left", entry({ backoffUntil: T0 + 55 * 60_000 }), 50 * 60_000, "serve"],
    ["backoff over, 5 min left", entry({ backoffUntil: T0 + 50 * 60_000 }), 55 * 60_000, "refresh-or-serve"],
    ["a set without expiration", entry({ credentials: { Version: 1, AccessKeyId: "A", SecretAccessKey: "s" } }), 0, "refresh"],
    ["a 15-min set, 6 min left (5-min advisory tier)", entry({}, 15 * 60_000), 9 * 60_000, "serve"],
  ] as const)("%s: %s", (_name, cached, elapsed, expected) => {
    expect(decideProcessCache(cached, T0 + elapsed)).toBe(expected);
  });

  it("backs off 300-600 s after a failure, never into the mandatory window", () => {
    expect(processCacheBackoffUntil(entry(), T0 + 46 * 60_000, () => 0)).toBe(T0 + 51 * 60_000);
    expect(processCacheBackoffUntil(entry(), T0 + 56 * 60_000, () => 0.99)).toBe(T0 + HOUR - 60_000);
  });
});

describe("the cache file", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "irsa-process-cache-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("is written atomically with mode 0600 in a 0700 folder, named by a hash without any secret, and read back", async () => {
    const key = processCacheKey({ roleArn: "arn:aws:iam::111122223333:role/app", region: "eu-west-1" });
    expect(key).toMatch(/^[0-9a-f]{40}$/);
    const cacheDir = join(dir, "nested");
    const file = processCachePath(cacheDir, key);
    await writeProcessCache(cacheDir, file, entry({ key }));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await stat(cacheDir)).mode & 0o777).toBe(0o700);
    expect(await readdir(cacheDir)).toEqual([`process-${key}.json`]);
    expect(await readProcessCache(file, key)).toEqual({ entry: entry({ key }) });
  });

  it("differs by configuration", () => {
    expect(processCacheKey({ roleArn: "a" })).not.toBe(processCacheKey({ roleArn: "b" }));
    expect(processCacheKey({ roleArn: "a", region: undefined })).toBe(processCacheKey({ roleArn: "a" }));
  });

  it.each([
    ["corrupt JSON", async (file: string) => writeFile(file, "{not json", { mode: 0o600 }), "not valid JSON"],
    ["another configuration's entry", async (file: string) => writeFile(file, JSON.stringify(entry({ key: "other" })), { mode: 0o600 }), "not a cache entry of this configuration"],
    ["a foreign JSON file", async (file: string) => writeFile(file, JSON.stringify({ hello: 1 }), { mode: 0o600 }), "not a cache entry of this configuration"],
    ["a file others can read", async (file: string) => {
      await writeFile(file, JSON.stringify(entry()), { mode: 0o644 });
      await chmod(file, 0o644);
    }, "mode 0644 lets others read it"],
    ["a symlink", async (file: string) => {
      await writeFile(`${file}.target`, JSON.stringify(entry()), { mode: 0o600 });
      await symlink(`${file}.target`, file);
    }, "not a regular file"],
  ])("ignores %s, and the next write replaces it", async (_name, plant, reason) => {
    const file = processCachePath(dir, "k");
    await plant(file);
    expect(await readProcessCache(file, "k")).toEqual({ ignored: reason });
    await writeProcessCache(dir, file, entry());
    expect((await readProcessCache(file, "k")).entry).toEqual(entry());
  });
});

describe("irsa-credentials process with its cache, against the local world", () => {
  let world: IrsaWorld;
  let dir: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    world = await startIrsaWorld();
  });
  afterAll(async () => {
    await world.close();
  });
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "irsa-process-run-"));
    for (const name of Object.keys(process.env)) if (name.startsWith("AWS_")) delete process.env[name];
    Object.assign(process.env, world.env, { AWS_EC2_METADATA_DISABLED: "true" });
  });
  afterEach(async () => {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
    Object.assign(process.env, saved);
    await rm(dir, { recursive: true, force: true });
  });

  async function run(args: string[], now?: () => number) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (text) => void out.push(text), stderr: (text) => void err.push(text), waitForStopSignal: () => ({ promise: new Promise(() => {}), dispose: () => {} }) };
    const code = await processCommand(args, io, now);
    return { code, stdout: out.join(""), stderr: err.join("") };
  }
  const stsCalls = () => world.sts.calls("AssumeRoleWithWebIdentity");

  it("10 runs: 1 STS call, the same set each time; --no-cache calls every time and writes nothing", async () => {
    const before = stsCalls();
    const outputs = new Set<string>();
    for (let i = 0; i < 10; i += 1) {
      const result = await run(["--cache-dir", dir]);
      expect(result).toMatchObject({ code: 0, stderr: "" });
      outputs.add(result.stdout);
    }
    expect(stsCalls() - before).toBe(1);
    expect(outputs.size).toBe(1);
    const [file] = await readdir(dir);
    expect(file).toMatch(/^process-[0-9a-f]{40}\.json$/);
    expect(await readFile(join(dir, file ?? ""), "utf8")).not.toContain(world.tokenFile.currentToken);

    const noCacheDir = await mkdtemp(join(tmpdir(), "irsa-process-nocache-"));
    process.env.IRSA_CREDENTIALS_CACHE_DIR = noCacheDir;
    const mid = stsCalls();
    for (let i = 0; i < 3; i += 1) expect((await run(["--no-cache"])).code).toBe(0);
    expect(stsCalls() - mid).toBe(3);
    expect(await readdir(noCacheDir)).toEqual([]);
    await rm(noCacheDir, { recursive: true, force: true });
  });

  it("in the advisory window it refreshes; if STS fails it serves the valid cached set and backs off", async () => {
    const first = await run(["--cache-dir", dir]);
    const cached = JSON.parse(first.stdout) as { AccessKeyId: string; Expiration: string };
    const inAdvisory = () => Date.parse(cached.Expiration) - 10 * 60_000;
    const before = stsCalls();

    world.sts.faults.failNext(10, { code: "InternalFailure", action: "AssumeRoleWithWebIdentity" });
    const failed = await run(["--cache-dir", dir, "--log-level", "warn"], inAdvisory);
    expect(failed.code).toBe(0);
    expect(JSON.parse(failed.stdout).AccessKeyId).toBe(cached.AccessKeyId);
    expect(failed.stderr).toMatch(/refresh failed; serving the cached credentials/);
    const callsForFailure = stsCalls() - before;
    expect(callsForFailure).toBeGreaterThanOrEqual(1);

    // In the backoff: no STS call at all.
    const during = await run(["--cache-dir", dir], inAdvisory);
    expect(JSON.parse(during.stdout).AccessKeyId).toBe(cached.AccessKeyId);
    expect(stsCalls() - before).toBe(callsForFailure);
    world.sts.faults.clear();
  });

  it("replaces a corrupt cache file, saying so on stderr", async () => {
    await run(["--cache-dir", dir]);
    const [file] = await readdir(dir);
    await writeFile(join(dir, file ?? ""), "garbage");
    const before = stsCalls();
    const result = await run(["--cache-dir", dir]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/cache file ignored; it will be replaced.*not valid JSON/);
    expect(stsCalls() - before).toBe(1);
    expect((await run(["--cache-dir", dir])).stderr).toBe("");
    expect(stsCalls() - before).toBe(1);
  });
});
