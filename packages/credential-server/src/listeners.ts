import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Logger } from "@irsa/web-identity";
import { ConnectionGuard } from "./connection-guard.js";
import { CredentialServerConfigError } from "./errors.js";
import type { ServerOptions } from "./server-options.js";

/**
 * Node's own header-timeout check is left a margin behind the guard's timers: measured on Node 20,
 * when Node's check fires first on a connection that sent nothing, it marks the socket destroyed
 * yet the client sees no close until its own side gives up, so the guard must always act first.
 */
const NODE_CHECK_MARGIN_MS = 1000;

/** One bound HTTP listener with its connection guard. */
export interface Listener {
  server: Server;
  guard: ConnectionGuard;
  port: number;
}

/** Binds one listener; a clear `CredentialServerConfigError` when the address cannot be bound. */
export async function listen(
  options: ServerOptions,
  host: string,
  port: number,
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<Listener> {
  const server = createServer(
    {
      maxHeaderSize: options.maxHeaderBytes,
      requestTimeout: options.requestTimeoutMs + NODE_CHECK_MARGIN_MS,
      headersTimeout: options.headersTimeoutMs + NODE_CHECK_MARGIN_MS,
      keepAliveTimeout: Math.min(5000, options.headersTimeoutMs),
      noDelay: true,
    },
    handler,
  );
  const guard = new ConnectionGuard({ maxConnections: options.maxConnections, idleTimeoutMs: options.headersTimeoutMs });
  guard.attach(server);
  server.listen({ host, port });
  try {
    await Promise.race([
      once(server, "listening"),
      once(server, "error").then(([error]) => {
        throw new CredentialServerConfigError(`Cannot listen on ${host}:${port}: ${(error as Error).message}`, { cause: error });
      }),
    ]);
  } catch (error) {
    server.close();
    throw error;
  }
  const address = server.address();
  return { server, guard, port: typeof address === "object" && address !== null ? address.port : port };
}

/**
 * Graceful stop of every listener: no new connections, idle ones closed now, requests in flight
 * get `graceMs` before their sockets are cut.
 */
export async function closeListeners(listeners: readonly Listener[], graceMs: number, logger: Required<Logger>): Promise<void> {
  const servers = listeners.map((listener) => listener.server);
  const allClosed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  for (const server of servers) server.closeIdleConnections();
  const grace = setTimeout(() => {
    logger.warn("shutdown grace period over: closing remaining connections");
    for (const server of servers) server.closeAllConnections();
  }, graceMs);
  grace.unref();
  await allClosed;
  clearTimeout(grace);
}
