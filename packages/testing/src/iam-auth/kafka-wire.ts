/** Largest Kafka request accepted from a client; SASL exchanges are a few kilobytes. */
export const MAX_KAFKA_REQUEST_BYTES = 1024 * 1024;

/** Kafka API keys the local broker answers. */
export const KAFKA_API = { SaslHandshake: 17, ApiVersions: 18, SaslAuthenticate: 36 } as const;

/** A request's header (v1: key, version, correlation id, client id) and the rest of its body. */
export interface KafkaRequest {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly body: Buffer;
}

/** Splits a byte stream into size-prefixed Kafka requests and reads their v1 headers. */
export class KafkaRequestReader {
  #pending: Buffer = Buffer.alloc(0);

  /** Adds received bytes; returns the requests now complete. Throws on an oversized or broken request. */
  push(chunk: Buffer): KafkaRequest[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const requests: KafkaRequest[] = [];
    while (this.#pending.length >= 4) {
      const size = this.#pending.readInt32BE(0);
      if (size < 10 || size > MAX_KAFKA_REQUEST_BYTES) throw new RangeError("bad Kafka request size");
      if (this.#pending.length < 4 + size) break;
      const frame = Buffer.from(this.#pending.subarray(4, 4 + size));
      this.#pending = this.#pending.subarray(4 + size);
      const clientIdLength = frame.readInt16BE(8);
      const bodyStart = 10 + Math.max(0, clientIdLength);
      if (bodyStart > frame.length) throw new RangeError("bad Kafka request header");
      requests.push({ apiKey: frame.readInt16BE(0), apiVersion: frame.readInt16BE(2), correlationId: frame.readInt32BE(4), body: frame.subarray(bodyStart) });
    }
    return requests;
  }
}

/** A response frame: size, correlation id (response header v0), body. */
export function kafkaResponse(correlationId: number, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeInt32BE(4 + body.length, 0);
  head.writeInt32BE(correlationId, 4);
  return Buffer.concat([head, body]);
}

/** Builds a response body field by field. */
export class KafkaWriter {
  readonly #parts: Buffer[] = [];

  int16(value: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(value);
    this.#parts.push(b);
    return this;
  }

  int32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(value);
    this.#parts.push(b);
    return this;
  }

  int64(value: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(value);
    this.#parts.push(b);
    return this;
  }

  /** A nullable string (int16 length, -1 for null). */
  string(value: string | null): this {
    if (value === null) return this.int16(-1);
    const bytes = Buffer.from(value, "utf8");
    this.int16(bytes.length);
    this.#parts.push(bytes);
    return this;
  }

  /** Bytes (int32 length). */
  bytes(value: Buffer): this {
    this.int32(value.length);
    this.#parts.push(value);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.#parts);
  }
}

/** Reads a request's string field (int16 length) at `offset`. */
export function readString(body: Buffer, offset: number): { value: string; next: number } | undefined {
  if (body.length < offset + 2) return undefined;
  const length = body.readInt16BE(offset);
  if (length < 0 || body.length < offset + 2 + length) return undefined;
  return { value: body.subarray(offset + 2, offset + 2 + length).toString("utf8"), next: offset + 2 + length };
}

/** Reads a request's bytes field (int32 length) at `offset`. */
export function readBytes(body: Buffer, offset: number): Buffer | undefined {
  if (body.length < offset + 4) return undefined;
  const length = body.readInt32BE(offset);
  if (length < 0 || body.length < offset + 4 + length) return undefined;
  return body.subarray(offset + 4, offset + 4 + length);
}
