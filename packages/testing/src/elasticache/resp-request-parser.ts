/** One client request: its arguments and the exact bytes it arrived as (relayed verbatim). */
export interface RespRequest {
  readonly args: readonly Buffer[];
  readonly raw: Buffer;
}

/** Largest bulk string a request may carry here (Redis allows 512 MB; a test never needs that). */
export const MAX_REQUEST_BULK_BYTES = 64 * 1024 * 1024;
/** Most arguments in one request (Redis's own limit for a multibulk is 1024 * 1024). */
export const MAX_REQUEST_ARGS = 1024 * 1024;
/** Longest inline command line, as Redis (`PROTO_INLINE_MAX_SIZE`). */
export const MAX_INLINE_BYTES = 64 * 1024;

/** A request that breaks RESP; the message is the one Redis answers with (after `-ERR `). */
export class RespProtocolError extends Error {
  override readonly name = "RespProtocolError";
}

const CR = 13;
const LF = 10;
const NOT_YET = Symbol("incomplete");

/**
 * Incremental parser of client requests: RESP arrays of bulk strings (what every client sends)
 * and minimal inline commands (space-separated words on one line, no quoting). Chunks may split
 * a request anywhere; `push` returns the requests completed so far, in order.
 */
export class RespRequestParser {
  #buffer: Buffer = Buffer.alloc(0);
  /** Bytes the buffer must hold before parsing again is worth it (skips re-scans of big values). */
  #needed = 0;
  /** Chunks received while waiting for `#needed` bytes, not yet appended to `#buffer`. */
  #waiting: Buffer[] = [];
  #waitingBytes = 0;

  /** Adds bytes; returns complete requests. Throws {@link RespProtocolError} on malformed input. */
  push(chunk: Buffer): RespRequest[] {
    const requests: RespRequest[] = [];
    this.#waiting.push(chunk);
    this.#waitingBytes += chunk.length;
    // Concatenate only once the awaited bytes are all here: a large value costs one copy.
    if (this.#buffer.length + this.#waitingBytes < this.#needed) return requests;
    this.#buffer = this.#buffer.length === 0 && this.#waiting.length === 1 ? chunk : Buffer.concat([this.#buffer, ...this.#waiting]);
    this.#waiting = [];
    this.#waitingBytes = 0;
    let offset = 0;
    while (offset < this.#buffer.length) {
      const parsed = this.#buffer[offset] === 0x2a ? this.#multibulk(offset) : this.#inline(offset);
      if (parsed === NOT_YET) break;
      this.#needed = 0;
      if (parsed.args.length > 0) requests.push({ args: parsed.args, raw: this.#buffer.subarray(offset, parsed.end) });
      offset = parsed.end;
    }
    // Copy the rest so the relayed `raw` slices never alias bytes that later chunks overwrite.
    this.#buffer = offset === 0 ? this.#buffer : Buffer.from(this.#buffer.subarray(offset));
    if (this.#needed > 0) this.#needed -= offset;
    return requests;
  }

  /** Bytes held for an incomplete request. */
  get pendingBytes(): number {
    return this.#buffer.length + this.#waitingBytes;
  }

  #line(start: number, limit: number, what: string): { text: string; next: number } | typeof NOT_YET {
    const end = this.#buffer.indexOf(LF, start);
    if (end === -1) {
      if (this.#buffer.length - start > limit) throw new RespProtocolError(`Protocol error: too big ${what}`);
      return NOT_YET;
    }
    const lineEnd = end > start && this.#buffer[end - 1] === CR ? end - 1 : end;
    return { text: this.#buffer.toString("latin1", start, lineEnd), next: end + 1 };
  }

  #multibulk(start: number): { args: Buffer[]; end: number } | typeof NOT_YET {
    const header = this.#line(start + 1, 32, "mbulk count string");
    if (header === NOT_YET) return NOT_YET;
    const count = strictInteger(header.text);
    if (count === undefined || count > MAX_REQUEST_ARGS) throw new RespProtocolError("Protocol error: invalid multibulk length");
    const args: Buffer[] = [];
    let cursor = header.next;
    for (let i = 0; i < count; i += 1) {
      if (cursor >= this.#buffer.length) return NOT_YET;
      if (this.#buffer[cursor] !== 0x24) {
        throw new RespProtocolError(`Protocol error: expected '$', got '${String.fromCharCode(this.#buffer[cursor] ?? 0)}'`);
      }
      const bulkHeader = this.#line(cursor + 1, 32, "bulk count string");
      if (bulkHeader === NOT_YET) return NOT_YET;
      const length = strictInteger(bulkHeader.text);
      if (length === undefined || length > MAX_REQUEST_BULK_BYTES) throw new RespProtocolError("Protocol error: invalid bulk length");
      const valueEnd = bulkHeader.next + length;
      if (this.#buffer.length < valueEnd + 2) {
        this.#needed = valueEnd + 2;
        return NOT_YET;
      }
      args.push(this.#buffer.subarray(bulkHeader.next, valueEnd));
      cursor = valueEnd + 2;
    }
    return { args, end: cursor };
  }

  #inline(start: number): { args: Buffer[]; end: number } | typeof NOT_YET {
    const line = this.#line(start, MAX_INLINE_BYTES, "inline request");
    if (line === NOT_YET) return NOT_YET;
    const args = line.text.split(/[ \t]+/).filter((word) => word.length > 0).map((word) => Buffer.from(word, "latin1"));
    return { args, end: line.next };
  }
}

/** A non-negative decimal integer with no sign, spaces or leading `+`; else undefined. */
function strictInteger(text: string): number | undefined {
  if (!/^\d{1,12}$/.test(text)) return undefined;
  return Number(text);
}

/** Encodes a request as a RESP array of bulk strings. */
export function encodeRequest(args: readonly (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`, "latin1")];
  for (const arg of args) {
    const value = typeof arg === "string" ? Buffer.from(arg, "utf8") : arg;
    parts.push(Buffer.from(`$${value.length}\r\n`, "latin1"), value, Buffer.from("\r\n", "latin1"));
  }
  return Buffer.concat(parts);
}

/** Encodes a RESP simple error line (`-CODE message\r\n`). */
export function encodeError(message: string): Buffer {
  return Buffer.from(`-${message.replace(/[\r\n]+/g, " ")}\r\n`, "utf8");
}
