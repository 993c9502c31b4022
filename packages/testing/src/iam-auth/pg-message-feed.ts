import type { Socket } from "node:net";
import type { PostgresConnection } from "pg-gateway";

/** Largest frontend message accepted; a bigger one is a broken or hostile client. */
export const MAX_PG_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Feeds a pg-gateway connection one whole frontend message at a time, in order, each handled
 * before the next. pg-gateway 0.2 slices the second and later messages of one socket chunk
 * wrongly (clients pipeline Parse/Bind/Describe/Execute/Sync in one write), so the socket is
 * taken from it and framed here.
 */
export function feedWholeMessages(socket: Socket, connection: PostgresConnection): void {
  connection.removeSocketHandlers(socket);
  let pending: Buffer = Buffer.alloc(0);
  let queue: Promise<void> = Promise.resolve();

  const nextMessage = (): Buffer | undefined => {
    // Before startup a message has no type byte: length first (SSLRequest, StartupMessage).
    const header = connection.hasStarted ? 1 : 0;
    if (pending.length < header + 4) return undefined;
    const length = pending.readUInt32BE(header);
    if (length < 4 || length > MAX_PG_MESSAGE_BYTES) {
      socket.destroy();
      return undefined;
    }
    if (pending.length < header + length) return undefined;
    const message = pending.subarray(0, header + length);
    pending = pending.subarray(header + length);
    return Buffer.from(message);
  };

  socket.on("data", (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    queue = queue.then(async () => {
      for (let message = nextMessage(); message !== undefined && !socket.destroyed; message = nextMessage()) {
        await connection.handleData(message);
      }
    });
  });
}
