// A raw TCP client for the ElastiCache emulator's own tests: sends exact bytes (pipelines, split
// requests, inline commands) and waits for the reply text, with a deadline.
import { connect, type Socket } from "node:net";
import { clearTimeout, setTimeout } from "node:timers"; // real even under vitest's fake timers
import { encodeRequest } from "../elasticache/resp-request-parser.js";

const DEFAULT_WAIT_MS = 3_000;

export class RawRespClient {
  readonly socket: Socket;
  #received = "";
  #closed = false;
  readonly #waiters = new Set<() => void>();

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (data: Buffer) => {
      this.#received += data.toString("utf8");
      this.#notify();
    });
    socket.on("close", () => {
      this.#closed = true;
      this.#notify();
    });
    socket.on("error", () => undefined);
  }

  static connect(port: number): Promise<RawRespClient> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => resolve(new RawRespClient(socket)));
      socket.once("error", reject);
    });
  }

  /** Everything received so far. */
  get received(): string {
    return this.#received;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Writes RESP arrays of the given commands in one write (a pipeline). */
  send(...commands: string[][]): void {
    this.socket.write(Buffer.concat(commands.map(encodeRequest)));
  }

  /** Waits until the received text satisfies `done`; rejects past the deadline with what came. */
  until(done: (received: string, closed: boolean) => boolean, timeoutMs = DEFAULT_WAIT_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!done(this.#received, this.#closed)) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(this.#received);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no matching reply within ${timeoutMs} ms; received ${JSON.stringify(this.#received)}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits for `count` CRLF-terminated reply lines in total. */
  lines(count: number): Promise<string[]> {
    return this.until((text) => text.split("\r\n").length - 1 >= count).then((text) => text.split("\r\n").slice(0, count));
  }

  /** Waits until the emulator closes the connection. */
  untilClosed(): Promise<string> {
    return this.until((_, closed) => closed);
  }

  close(): void {
    this.socket.destroy();
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}
