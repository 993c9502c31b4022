// Framed requests on a connection, handled one at a time in arrival order, as a server answers
// them: bytes that cannot be framed, or a handler that throws, close the connection.
import type { Socket } from "node:net";

/** Splits a byte stream into messages; throws on bytes that cannot be one. */
export interface MessageReader<T> {
  push(chunk: Buffer): T[];
}

/** Feeds `socket`'s data through `reader` and runs `handle` on each message, in order, one at a time. */
export function serveInOrder<T>(socket: Socket, reader: MessageReader<T>, handle: (message: T) => Promise<void>): void {
  let queue: Promise<void> = Promise.resolve();
  socket.on("data", (chunk: Buffer) => {
    let messages: T[];
    try {
      messages = reader.push(chunk);
    } catch {
      socket.destroy();
      return;
    }
    queue = queue
      .then(async () => {
        for (const message of messages) if (!socket.destroyed) await handle(message);
      })
      .catch(() => void socket.destroy());
  });
}
