import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
// Internal deadlines use node:timers, which vitest's fake timers leave real: a test that fakes
// time must not stall the start of redis-server or its stop.
import { clearTimeout, setTimeout } from "node:timers";
import { setTimeout as delay } from "node:timers/promises";
import { LocalElastiCacheError } from "./local-elasticache-error.js";

/** Where Debian's package installs redis-server. */
export const DEFAULT_REDIS_SERVER_PATH = "/usr/bin/redis-server";
/** Environment variable naming the redis-server binary (CI sets it). */
export const REDIS_SERVER_PATH_ENV = "IRSA_TEST_REDIS_SERVER";
/** How long redis-server may take to answer its first PING. */
export const DEFAULT_REDIS_START_TIMEOUT_MS = 10_000;
/** How long a stopping redis-server gets after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2_000;
/**
 * Runs redis-server ("$0" "$@") under a watchdog that stops it when its stdin, a pipe from this
 * process, reaches end of file: when `stop()` closes it, and also when this process dies
 * without `stop()` (a killed test worker), so no redis-server outlives the tests; then removes
 * its folder. (A background job's stdin is /dev/null, hence the copy of the pipe on fd 3.)
 */
const WATCHDOG_SCRIPT = [
  "exec 3<&0",
  '"$0" "$@" </dev/null &',
  "pid=$!",
  '( read -r _ <&3; kill -TERM "$pid" ) >/dev/null 2>&1 &',
  'wait "$pid"',
  "status=$?",
  'rm -rf "$IRSA_REDIS_SERVER_DIR"',
  'exit "$status"',
].join("\n");
/** Last bytes of redis-server's output kept for error messages. */
const OUTPUT_TAIL_BYTES = 4_096;
const PROBE_INTERVAL_MS = 20;

/** redis-server path: the option, else `IRSA_TEST_REDIS_SERVER`, else `/usr/bin/redis-server`. */
export function resolveRedisServerPath(path: string | undefined): string {
  return path ?? process.env[REDIS_SERVER_PATH_ENV] ?? DEFAULT_REDIS_SERVER_PATH;
}

/**
 * A redis-server child on a Unix socket in its own temporary folder (no TCP port, so no port
 * race and nothing reachable from the network), without persistence. Only the front talks to it.
 */
export class RedisServerProcess {
  readonly #child: ChildProcess;
  readonly #dir: string;
  readonly #exited: Promise<void>;
  #output = "";
  #stopping: Promise<void> | undefined;

  /** The Unix socket redis-server listens on. */
  readonly socketPath: string;

  private constructor(child: ChildProcess, dir: string, socketPath: string) {
    this.#child = child;
    this.#dir = dir;
    this.socketPath = socketPath;
    const keep = (data: Buffer): void => void (this.#output = (this.#output + data.toString("utf8")).slice(-OUTPUT_TAIL_BYTES));
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    this.#exited = new Promise((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", () => resolve());
    });
    child.stdin?.on("error", () => undefined);
  }

  /** Starts redis-server and waits until it answers PING. */
  static async start(path: string, timeoutMs: number): Promise<RedisServerProcess> {
    try {
      await access(path, constants.X_OK);
    } catch (cause) {
      throw new LocalElastiCacheError(
        "REDIS_SERVER_NOT_FOUND",
        `No executable redis-server at ${path}: install Debian's redis-server (apt-get install redis-server), or set ${REDIS_SERVER_PATH_ENV} or the redisServerPath option to its path`,
        { cause },
      );
    }
    const dir = await mkdtemp(join(tmpdir(), "irsa-redis-"));
    const socketPath = join(dir, "redis.sock");
    const child = spawn(
      "/bin/sh",
      ["-c", WATCHDOG_SCRIPT, path, "--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700", "--dir", dir, "--save", "", "--appendonly", "no",
        "--daemonize", "no", "--logfile", "", "--loglevel", "warning"],
      { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, IRSA_REDIS_SERVER_DIR: dir } },
    );
    const server = new RedisServerProcess(child, dir, socketPath);
    try {
      await server.#waitReady(path, timeoutMs);
    } catch (error) {
      await server.stop();
      throw error;
    }
    return server;
  }

  async #waitReady(path: string, timeoutMs: number): Promise<void> {
    let exited = false;
    let late = false;
    void this.#exited.then(() => (exited = true));
    const deadline = setTimeout(() => (late = true), timeoutMs);
    try {
      while (!late && !exited) {
        if (await ping(this.socketPath)) return;
        await delay(PROBE_INTERVAL_MS);
      }
    } finally {
      clearTimeout(deadline);
    }
    const why = exited ? `exited (code ${this.#child.exitCode ?? this.#child.signalCode})` : `did not answer PING within ${timeoutMs} ms`;
    throw new LocalElastiCacheError("REDIS_SERVER_START_FAILED", `redis-server at ${path} ${why}; its output: ${this.#output.trim() || "(none)"}`);
  }

  /** Stops redis-server (the watchdog's SIGTERM), waits for it, removes its folder. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.#child.stdin?.destroy();
      if (this.#child.exitCode === null && this.#child.signalCode === null) {
        const grace = setTimeout(() => this.#child.kill("SIGKILL"), STOP_GRACE_MS);
        await this.#exited;
        clearTimeout(grace);
      }
      this.#child.stdout?.destroy();
      this.#child.stderr?.destroy();
      await rm(this.#dir, { recursive: true, force: true });
    })();
    return this.#stopping;
  }
}

/** True if a PING on the socket gets `+PONG` within a short deadline. */
function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    let answer = "";
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 500);
    socket.on("error", () => done(false));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"));
    });
  });
}
