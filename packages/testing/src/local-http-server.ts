import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Server as NetServer, Socket } from "node:net";

/** Loopback address every local server binds to: tests never leave the machine. */
export const LOOPBACK_HOST = "127.0.0.1";

/** Largest request body the local servers accept; anything bigger is a test bug. */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/** A request handler; `server` gives access to cancellable timers bound to the server's life. */
export type LocalRequestHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  server: LocalHttpServer,
) => void | Promise<void>;

/**
 * A real HTTP server on 127.0.0.1 with a random port, which tracks its sockets and timers so
 * that `close()` leaves no open handle behind (hung requests included).
 */
export class LocalHttpServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #timers = new Map<NodeJS.Timeout, () => void>();
  #closed = false;
  #port = 0;

  private constructor(handler: LocalRequestHandler, onHandlerError: (res: ServerResponse, error: unknown) => void) {
    this.#server = createServer((req, res) => {
      Promise.resolve()
        .then(() => handler(req, res, this))
        .catch((error: unknown) => onHandlerError(res, error));
    });
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.once("close", () => this.#sockets.delete(socket));
    });
  }

  /** Starts a server on 127.0.0.1, port 0 (the kernel picks a free one). */
  static async start(
    handler: LocalRequestHandler,
    onHandlerError: (res: ServerResponse, error: unknown) => void = defaultHandlerError,
  ): Promise<LocalHttpServer> {
    const local = new LocalHttpServer(handler, onHandlerError);
    local.#port = await listenOnLoopback(local.#server);
    return local;
  }

  /** The port chosen by the kernel. */
  get port(): number {
    return this.#port;
  }

  /** `http://127.0.0.1:PORT` (no trailing slash). */
  get origin(): string {
    return `http://${LOOPBACK_HOST}:${this.#port}`;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Number of TCP connections currently open to this server. */
  get openConnections(): number {
    return this.#sockets.size;
  }

  /**
   * Waits `ms` milliseconds with `setTimeout` (so fake timers drive it). Resolves `false`
   * instead of waiting on if the server closes first.
   */
  delay(ms: number): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    if (ms <= 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        resolve(true);
      }, ms);
      timer.unref();
      this.#timers.set(timer, () => resolve(false));
    });
  }

  /** Stops listening, destroys every open connection and cancels pending timers. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const [timer, cancel] of this.#timers) {
      clearTimeout(timer);
      cancel();
    }
    this.#timers.clear();
    const closing = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await closing;
  }
}

function defaultHandlerError(res: ServerResponse, _error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, { "content-type": "text/plain" }).end("internal error in local test server");
}

/** Reads a request body as UTF-8, refusing bodies above {@link MAX_REQUEST_BODY_BYTES}. */
export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_REQUEST_BODY_BYTES) throw new Error("request body too large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Listens on 127.0.0.1, port 0 (the kernel picks a free one); resolves with that port. */
export async function listenOnLoopback(server: NetServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, LOOPBACK_HOST, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}
