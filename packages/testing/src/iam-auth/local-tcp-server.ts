import { createServer, type Server, type Socket } from "node:net";
import { listenOnLoopback } from "../local-http-server.js";

/**
 * A TCP server on 127.0.0.1 with a random port that tracks its sockets, so that `close()`
 * destroys every connection and leaves no open handle behind.
 */
export class LocalTcpServer {
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #closed = false;
  #port = 0;

  private constructor(onConnection: (socket: Socket) => void) {
    this.#server = createServer((socket) => {
      this.#sockets.add(socket);
      socket.once("close", () => this.#sockets.delete(socket));
      // A client that resets the connection must not crash the host.
      socket.on("error", () => socket.destroy());
      onConnection(socket);
    });
  }

  /** Listens on 127.0.0.1, port 0 (the kernel picks a free one). */
  static async start(onConnection: (socket: Socket) => void): Promise<LocalTcpServer> {
    const local = new LocalTcpServer(onConnection);
    local.#port = await listenOnLoopback(local.#server);
    return local;
  }

  /** The port chosen by the kernel. */
  get port(): number {
    return this.#port;
  }

  /** Number of TCP connections currently open. */
  get openConnections(): number {
    return this.#sockets.size;
  }

  /** True once `close()` has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Stops listening and destroys every open connection. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const closing = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    await closing;
  }
}
