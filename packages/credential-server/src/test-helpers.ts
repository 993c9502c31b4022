// Helpers for this package's tests (not exported, not built).
import { EventEmitter, once } from "node:events";
import { request } from "node:http";
import { createJsonLogger } from "./json-logger.js";

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request on a fresh connection (no agent), so nothing lingers after the test. */
export function httpRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/** A JSON logger whose lines are kept, with a way to await a line. */
export function captureLogs(level: "debug" | "info" = "debug") {
  const lines: string[] = [];
  const events = new EventEmitter();
  const logger = createJsonLogger({
    level,
    write: (line) => {
      lines.push(line);
      events.emit("line", JSON.parse(line) as Record<string, unknown>);
    },
  });
  /** Settles when `count` lines with `msg` have been written in total. */
  const waitForMessage = async (msg: string, count = 1): Promise<void> => {
    const seen = () => lines.filter((line) => (JSON.parse(line) as { msg: string }).msg === msg).length;
    while (seen() < count) await once(events, "line");
  };
  return { logger, lines, text: () => lines.join(""), waitForMessage };
}

/** A promise with its resolve and reject in hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
