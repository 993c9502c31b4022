import { randomBytes } from "node:crypto";

/** Largest MySQL packet payload accepted from a client (the protocol's single-packet limit). */
export const MAX_MYSQL_PAYLOAD_BYTES = 0xff_ffff - 1;

/** Capabilities the local server offers: 4.1 protocol, secure connection, plugin auth; no TLS, no DEPRECATE_EOF. */
const SERVER_CAPABILITIES =
  0x1 | 0x2 | 0x4 | 0x8 | 0x200 | 0x2000 | 0x8000 | 0x2_0000 | 0x8_0000 | 0x10_0000 | 0x20_0000;
const STATUS_AUTOCOMMIT = 0x0002;
const UTF8MB4 = 255;
const BINARY_CHARSET = 63;
const TYPE_LONGLONG = 0x08;

/** One whole packet: its sequence id and payload. */
export interface MysqlPacket {
  readonly sequence: number;
  readonly payload: Buffer;
}

/** Splits a byte stream into packets (3-byte little-endian length, 1-byte sequence id). */
export class MysqlPacketReader {
  #pending: Buffer = Buffer.alloc(0);

  /** Adds received bytes; returns the packets now complete. Throws on an oversized packet. */
  push(chunk: Buffer): MysqlPacket[] {
    this.#pending = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const packets: MysqlPacket[] = [];
    while (this.#pending.length >= 4) {
      const length = this.#pending.readUIntLE(0, 3);
      if (length > MAX_MYSQL_PAYLOAD_BYTES) throw new RangeError("MySQL packet too large");
      if (this.#pending.length < 4 + length) break;
      packets.push({ sequence: this.#pending[3]!, payload: Buffer.from(this.#pending.subarray(4, 4 + length)) });
      this.#pending = this.#pending.subarray(4 + length);
    }
    return packets;
  }
}

/** Frames a payload as a packet with the given sequence id. */
export function packet(sequence: number, payload: Buffer): Buffer {
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  header[3] = sequence & 0xff;
  return Buffer.concat([header, payload]);
}

function lengthEncodedString(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length >= 251) throw new RangeError("only short strings are written by the local MySQL");
  return Buffer.concat([Buffer.of(bytes.length), bytes]);
}

function uint16(value: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(value);
  return b;
}

function uint32(value: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return b;
}

/** Protocol::HandshakeV10, offering `mysql_native_password` like a stock server (the switch comes later). */
export function initialHandshake(connectionId: number, serverVersion: string): Buffer {
  const scramble = randomBytes(20).map((byte) => (byte % 94) + 33); // printable, no NUL
  return Buffer.concat([
    Buffer.of(10),
    Buffer.from(`${serverVersion}\0`, "latin1"),
    uint32(connectionId),
    scramble.subarray(0, 8),
    Buffer.of(0),
    uint16(SERVER_CAPABILITIES & 0xffff),
    Buffer.of(UTF8MB4),
    uint16(STATUS_AUTOCOMMIT),
    uint16(SERVER_CAPABILITIES >>> 16),
    Buffer.of(21),
    Buffer.alloc(10),
    scramble.subarray(8, 20),
    Buffer.of(0),
    Buffer.from("mysql_native_password\0", "latin1"),
  ]);
}

/** The user name of a Protocol::HandshakeResponse41 (after caps, max packet, charset, 23 filler bytes). */
export function handshakeResponseUser(payload: Buffer): string | undefined {
  const end = payload.indexOf(0, 32);
  return payload.length < 33 || end < 0 ? undefined : payload.subarray(32, end).toString("utf8");
}

/** Protocol::AuthSwitchRequest to `mysql_clear_password`, the plugin RDS IAM auth uses. */
export function authSwitchToClearPassword(): Buffer {
  return Buffer.from("\xfemysql_clear_password\0", "latin1");
}

/** The cleartext password of an AuthSwitchResponse (NUL-terminated). */
export function clearPassword(payload: Buffer): string {
  const end = payload.indexOf(0);
  return payload.subarray(0, end < 0 ? payload.length : end).toString("utf8");
}

/** OK_Packet. */
export function okPacket(): Buffer {
  return Buffer.concat([Buffer.of(0, 0, 0), uint16(STATUS_AUTOCOMMIT), uint16(0)]);
}

/** ERR_Packet with a SQL state. */
export function errPacket(code: number, sqlState: string, message: string): Buffer {
  return Buffer.concat([Buffer.of(0xff), uint16(code), Buffer.from(`#${sqlState}`, "latin1"), Buffer.from(message, "utf8")]);
}

/** EOF_Packet (the server does not offer CLIENT_DEPRECATE_EOF). */
function eofPacket(): Buffer {
  return Buffer.concat([Buffer.of(0xfe), uint16(0), uint16(STATUS_AUTOCOMMIT)]);
}

/** The payloads of a text result set of one BIGINT column with one row, as `SELECT 1` answers. */
export function singleIntegerResultSet(name: string, value: number): Buffer[] {
  const column = Buffer.concat([
    lengthEncodedString("def"),
    lengthEncodedString(""),
    lengthEncodedString(""),
    lengthEncodedString(""),
    lengthEncodedString(name),
    lengthEncodedString(""),
    Buffer.of(0x0c),
    uint16(BINARY_CHARSET),
    uint32(String(value).length),
    Buffer.of(TYPE_LONGLONG),
    uint16(0x81), // NOT_NULL | BINARY
    Buffer.of(0),
    uint16(0),
  ]);
  return [Buffer.of(1), column, eofPacket(), lengthEncodedString(String(value)), eofPacket()];
}
