// One connection between members: newline-delimited JSON, each message at most
// MAX_MESSAGE_BYTES. Anything else (an oversized line, a line that is not a JSON object, a
// message the receiver does not know) ends the connection: a member never guesses.

import type { Socket } from "node:net";

/** A credential answer is about 2 KB; nothing legitimate comes close to this. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

export type Message = Record<string, unknown> & { readonly t: string };

export class MessageChannel {
  private buffered = "";
  private closed = false;
  private readonly closeHandlers: Array<() => void> = [];

  constructor(
    readonly socket: Socket,
    /** Returns false for a message it does not accept: the connection then ends. */
    private onMessage: (message: Message) => boolean,
  ) {
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => this.receive(chunk));
    socket.on("error", () => this.close());
    socket.on("close", () => this.close());
  }

  /** Replaces the message handler (after the handshake). */
  handle(onMessage: (message: Message) => boolean): void {
    this.onMessage = onMessage;
  }

  onClose(handler: () => void): void {
    if (this.closed) handler();
    else this.closeHandlers.push(handler);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  send(message: Message): void {
    if (!this.closed) this.socket.write(`${JSON.stringify(message)}\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    for (const handler of this.closeHandlers.splice(0)) handler();
  }

  private receive(chunk: string): void {
    this.buffered += chunk;
    let newline = this.buffered.indexOf("\n");
    while (newline >= 0 && !this.closed) {
      const line = this.buffered.slice(0, newline);
      this.buffered = this.buffered.slice(newline + 1);
      if (!this.accept(line)) return this.close();
      newline = this.buffered.indexOf("\n");
    }
    if (Buffer.byteLength(this.buffered) > MAX_MESSAGE_BYTES) this.close();
  }

  private accept(line: string): boolean {
    if (Buffer.byteLength(line) > MAX_MESSAGE_BYTES) return false;
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      return false;
    }
    if (typeof message !== "object" || message === null || Array.isArray(message) || typeof (message as Message).t !== "string") return false;
    return this.onMessage(message as Message);
  }
}
