// Helpers of the credential-server end-to-end tests.
import { EventEmitter, once } from "node:events";
import { createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A pass-through HTTP proxy in front of a local server that holds every request until
 * `release()`: it lets a test keep an STS call in flight for exactly as long as it needs,
 * without timing assumptions.
 */
export async function startHoldingProxy(target: string) {
  const held: (() => void)[] = [];
  const events = new EventEmitter();
  let released = false;
  let received = 0;
  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const upstream = request(new URL(req.url ?? "/", target), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  };
  const server = createServer((req, res) => {
    received += 1;
    if (released) forward(req, res);
    else held.push(() => forward(req, res));
    events.emit("request");
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** Settles once `count` requests have arrived in total. */
    async waitForRequests(count = 1) {
      while (received < count) await once(events, "request");
    },
    /** Forwards the held requests and every later one. */
    release() {
      released = true;
      for (const go of held.splice(0)) go();
    },
    async close() {
      this.release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Collects JSON log lines and lets a test await a message. */
export function logCollector() {
  const lines: string[] = [];
  const events = new EventEmitter();
  let pending = "";
  const parse = (line: string): Record<string, unknown> | undefined => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  };
  const entries: Record<string, unknown>[] = [];
  const counts = new Map<unknown, number>();
  return {
    lines,
    /** Feeds text (one or more lines, possibly partial) in. */
    write(text: string) {
      const parts = (pending + text).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts.filter((part) => part.length > 0)) {
        lines.push(line);
        const entry = parse(line);
        if (entry === undefined) continue;
        entries.push(entry);
        counts.set(entry.msg, (counts.get(entry.msg) ?? 0) + 1);
      }
      events.emit("line");
    },
    /** The first line with this message, parsed. */
    find(msg: string) {
      return entries.find((entry) => entry.msg === msg);
    },
    /** Everything written so far, partial last line included. */
    text() {
      return lines.join("\n") + pending;
    },
    async waitFor(msg: string, times = 1) {
      while ((counts.get(msg) ?? 0) < times) await once(events, "line");
    },
  };
}
