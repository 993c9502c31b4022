import { spawn, type ChildProcess } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdtemp, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalElastiCacheError } from "./local-elasticache-error.js";

/** Where Debian's package installs redis-server. */
export const DEFAULT_REDIS_SERVER_PATH = "/usr/bin/redis-server";
/** Environment variable naming the redis-server binary (CI sets it). */
export const REDIS_SERVER_PATH_ENV = "IRSA_TEST_REDIS_SERVER";
/** How long redis-server may take to answer its first PING. */
export const DEFAULT_REDIS_START_TIMEOUT_MS = 10_000;
/** How long a stopping redis-server gets after SIGTERM before SIGKILL. */
const STOP_GRACE_MS = 2_000;
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
  readonly #killOnExit = (): void => void this.#child.kill("SIGKILL");
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
      child.once("close", () => resolve());
      child.once("error", () => resolve());
    });
    // A test run that dies without close() must not leave a redis-server behind.
    process.once("exit", this.#killOnExit);
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
      path,
      ["--port", "0", "--unixsocket", socketPath, "--unixsocketperm", "700", "--dir", dir, "--save", "", "--appendonly", "no",
        "--daemonize", "no", "--logfile", "", "--loglevel", "warning"],
      { stdio: ["ignore", "pipe", "pipe"] },
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
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.#exited.then(() => (exited = true));
    while (Date.now() < deadline) {
      if (exited) break;
      if (await ping(this.socketPath)) return;
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
    const why = exited ? `exited (code ${this.#child.exitCode ?? this.#child.signalCode})` : `did not answer PING within ${timeoutMs} ms`;
    throw new LocalElastiCacheError("REDIS_SERVER_START_FAILED", `redis-server at ${path} ${why}; its output: ${this.#output.trim() || "(none)"}`);
  }

  /** Kills redis-server (SIGTERM, SIGKILL after a grace period) and removes its folder. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      process.off("exit", this.#killOnExit);
      if (this.#child.exitCode === null && this.#child.signalCode === null) {
        this.#child.kill("SIGTERM");
        const grace = setTimeout(() => this.#child.kill("SIGKILL"), STOP_GRACE_MS);
        await this.#exited;
        clearTimeout(grace);
      }
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
