import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { connect } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { RedisServerProcess, resolveRedisServerPath } from "./redis-server-process.js";
import { itWithRedis } from "../test-support/redis-server-for-tests.js";

const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const CHILD = fileURLToPath(new URL("../test-support/redis-orphan-child.ts", import.meta.url));

/** How long one PING may take before the test counts it as unanswered. */
const PING_DEADLINE_MS = 1_000;

/**
 * PING over the socket: "PONG", the connection error's code, "CLOSED" when the server closed the
 * connection without answering (it is shutting down), or "TIMEOUT". Never waits without end.
 */
function ping(socketPath: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    const done = (answer: string): void => {
      clearTimeout(deadline);
      socket.destroy();
      resolve(answer);
    };
    const deadline = setTimeout(() => done("TIMEOUT"), PING_DEADLINE_MS);
    socket.on("error", (error: NodeJS.ErrnoException) => done(error.code ?? "error"));
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (data: Buffer) => done(data.toString().trim()));
    socket.on("close", () => done("CLOSED"));
  });
}

async function pollUntilGone(socketPath: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let answer = await ping(socketPath);
  // A ping that lands while redis-server shuts down is reset, closed unanswered or left waiting:
  // it is going, look again.
  const stillGoing = new Set(["+PONG", "ECONNRESET", "CLOSED", "TIMEOUT"]);
  while (stillGoing.has(answer) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    answer = await ping(socketPath);
  }
  return answer;
}

describe("RedisServerProcess", () => {
  itWithRedis("runs redis-server on a Unix socket without persistence; stop() ends it and removes its folder", async () => {
    const server = await RedisServerProcess.start(resolveRedisServerPath(undefined), 10_000);
    expect(await ping(server.socketPath)).toBe("+PONG");
    const config = await new Promise<string>((resolve) => {
      const socket = connect(server.socketPath, () => socket.write("CONFIG GET save\r\nCONFIG GET appendonly\r\nCONFIG GET port\r\n"));
      let text = "";
      socket.on("data", (data: Buffer) => {
        text += data.toString();
        if (text.split("\r\n").length > 15) {
          socket.destroy();
          resolve(text);
        }
      });
    });
    expect(config.split("\r\n").filter((line) => !line.startsWith("*") && !line.startsWith("$"))).toEqual(
      ["save", "", "appendonly", "no", "port", "0", ""],
    );
    await server.stop();
    await server.stop();
    expect(existsSync(dirname(server.socketPath))).toBe(false);
  });

  itWithRedis("redis-server stops by itself when the process that started it is killed", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    const guard = setTimeout(() => child.kill("SIGKILL"), 15_000);
    let socketPath = "";
    try {
      socketPath = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (data: Buffer) => {
          out += data.toString();
          if (out.includes("\n")) resolve(out.trim());
        });
        child.once("exit", () => reject(new Error(`the child exited early: ${out}`)));
      });
      expect(await ping(socketPath)).toBe("+PONG");
      child.kill("SIGKILL");
      expect(await pollUntilGone(socketPath, 5_000)).toMatch(/^(ENOENT|ECONNREFUSED)$/);
      for (let waited = 0; existsSync(dirname(socketPath)) && waited < 5_000; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(existsSync(dirname(socketPath)), "the watchdog removes the folder too").toBe(false);
    } finally {
      clearTimeout(guard);
      child.kill("SIGKILL");
      // In case the watchdog failed: no litter either way.
      if (socketPath !== "") await rm(dirname(socketPath), { recursive: true, force: true });
    }
    // Bounded by the parts: start 15 s (the guard), a PING 1 s, going 5 s (+1 s), folder 5 s.
  }, 30_000);
});
