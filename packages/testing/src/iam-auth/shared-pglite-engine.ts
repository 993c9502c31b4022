/**
 * The Postgres engine behind the local RDS endpoint: a PGlite instance (`@electric-sql/pglite`),
 * described by the calls the endpoint and tests make, so the kit's public types do not pull
 * PGlite's own declarations into its users' compilations.
 */
export interface PostgresEngine {
  /** Runs one raw Postgres wire-protocol message; resolves with the raw answer. */
  execProtocolRaw(message: Uint8Array): Promise<Uint8Array>;
  /** Runs SQL (several statements allowed). */
  exec(sql: string): Promise<unknown>;
  /** Runs one query with optional parameters. */
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
  /** Stops the engine. */
  close(): Promise<void>;
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const IDLE = 0x49; // 'I'
const QUERY = 0x51; // 'Q'
const SYNC = Uint8Array.of(0x53, 0, 0, 0, 4);

/** Transaction status of the last ReadyForQuery in a backend answer; undefined when there is none. */
function lastReadyStatus(answer: Uint8Array): number | undefined {
  let status: number | undefined;
  for (let at = 0; at + 5 <= answer.length; ) {
    const length = ((answer[at + 1]! << 24) | (answer[at + 2]! << 16) | (answer[at + 3]! << 8) | answer[at + 4]!) >>> 0;
    if (answer[at] === READY_FOR_QUERY && length === 5) status = answer[at + 5];
    at += 1 + length;
  }
  return status;
}

/** A simple-protocol Query message. */
function queryMessage(sql: string): Uint8Array {
  const text = Buffer.from(`${sql}\0`, "utf8");
  const message = Buffer.alloc(5 + text.length);
  message[0] = QUERY;
  message.writeUInt32BE(4 + text.length, 1);
  text.copy(message, 5);
  return message;
}

/**
 * One PGlite engine (a single Postgres backend) shared by many client connections: a connection
 * takes the engine with its first message and keeps it until the engine says it is idle again
 * (ReadyForQuery 'I'), so extended-protocol exchanges and transactions of two clients never mix.
 */
export class SharedPgliteEngine {
  readonly #engine: PostgresEngine;
  #owner: object | undefined;
  /** Sessions whose client left while not holding the engine: they must not take it any more. */
  readonly #ended = new WeakSet<object>();
  #waiting: Array<() => void> = [];

  constructor(engine: PostgresEngine) {
    this.#engine = engine;
  }

  async #take(session: object): Promise<boolean> {
    while (this.#owner !== undefined && this.#owner !== session) {
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    if (this.#ended.has(session)) return false;
    this.#owner = session;
    return true;
  }

  #release(): void {
    this.#owner = undefined;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const wake of waiting) wake();
  }

  /** Runs one frontend message of `session` and returns the backend's answer (empty once the session ended). */
  async run(session: object, message: Uint8Array): Promise<Uint8Array> {
    if (!(await this.#take(session))) return new Uint8Array(0);
    try {
      // A copy: PGlite may take over the buffer, and the gateway's messages are views of one socket chunk.
      const answer = await this.#engine.execProtocolRaw(Uint8Array.from(message));
      if (lastReadyStatus(answer) === IDLE) this.#release();
      return answer;
    } catch (error) {
      await this.end(session);
      throw error;
    }
  }

  /** The session's client went away: roll back what it left open and hand the engine on. */
  async end(session: object): Promise<void> {
    this.#ended.add(session);
    if (this.#owner !== session) return;
    try {
      // Sync ends an extended-protocol exchange left half way; then roll back an open transaction.
      await this.#engine.execProtocolRaw(SYNC);
      await this.#engine.execProtocolRaw(queryMessage("ROLLBACK"));
    } catch {
      // The engine is closing; nothing to roll back.
    }
    this.#release();
  }
}
