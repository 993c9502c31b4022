import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** Limits of one listener's connections. */
export interface ConnectionGuardInit {
  /** Connections open at once. At the limit, the oldest idle one makes room for a new one. */
  maxConnections: number;
  /** A connection with no request in progress (idle, or still sending its head) is closed after this. */
  idleTimeoutMs: number;
}

/**
 * Keeps idle and slow connections from holding the listener. Node checks `headersTimeout` only on
 * its `connectionsCheckingInterval` cycle (30 s by default), and drops new connections once
 * `maxConnections` are open, so idle sockets could starve an authorized request. Here every
 * connection gets its own timer while it has no request in progress (from accept until its head
 * is complete, and again between keep-alive requests), and at the limit the oldest idle connection
 * is closed to admit the new one; only when every connection is busy is the new one refused.
 */
export class ConnectionGuard {
  readonly #init: ConnectionGuardInit;
  /** Connections without a request in progress, oldest first (Map keeps insertion order). */
  readonly #idle = new Map<Socket, NodeJS.Timeout>();
  /** Connections with requests in progress, with their count. */
  readonly #busy = new Map<Socket, number>();
  #evicted = 0;
  #refused = 0;
  #timedOut = 0;

  constructor(init: ConnectionGuardInit) {
    this.#init = init;
  }

  /** Watches `server`'s connections; Node's own connection cap is lifted (this one replaces it). */
  attach(server: Server): void {
    server.maxConnections = Number.POSITIVE_INFINITY;
    server.on("connection", (socket: Socket) => this.#admit(socket));
    server.on("request", (request: IncomingMessage, response: ServerResponse) => this.#requestStarted(request.socket, response));
  }

  /** Counters: idle connections closed to make room, connections refused, idle timeouts. */
  get stats() {
    return { open: this.#idle.size + this.#busy.size, idle: this.#idle.size, evicted: this.#evicted, refused: this.#refused, timedOut: this.#timedOut };
  }

  #admit(socket: Socket): void {
    if (this.#idle.size + this.#busy.size >= this.#init.maxConnections) {
      const oldest = this.#idle.keys().next();
      if (oldest.done) {
        this.#refused += 1;
        socket.destroy();
        return;
      }
      this.#evicted += 1;
      this.#close(oldest.value);
    }
    socket.once("close", () => this.#forget(socket));
    this.#markIdle(socket);
  }

  #markIdle(socket: Socket): void {
    const timer = setTimeout(() => {
      this.#timedOut += 1;
      this.#close(socket);
    }, this.#init.idleTimeoutMs);
    timer.unref();
    this.#idle.set(socket, timer);
  }

  #requestStarted(socket: Socket, response: ServerResponse): void {
    const timer = this.#idle.get(socket);
    if (timer !== undefined) {
      clearTimeout(timer);
      this.#idle.delete(socket);
    }
    this.#busy.set(socket, (this.#busy.get(socket) ?? 0) + 1);
    response.once("close", () => {
      const left = (this.#busy.get(socket) ?? 1) - 1;
      if (left > 0) return void this.#busy.set(socket, left);
      this.#busy.delete(socket);
      if (!socket.destroyed) this.#markIdle(socket);
    });
  }

  #close(socket: Socket): void {
    this.#forget(socket);
    socket.destroy();
  }

  #forget(socket: Socket): void {
    const timer = this.#idle.get(socket);
    if (timer !== undefined) clearTimeout(timer);
    this.#idle.delete(socket);
    this.#busy.delete(socket);
  }
}
