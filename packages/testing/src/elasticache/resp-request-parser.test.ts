import { describe, expect, it } from "vitest";
import { encodeRequest, MAX_INLINE_BYTES, RespProtocolError, RespRequestParser } from "./resp-request-parser.js";

const words = (request: { args: readonly Buffer[] }) => request.args.map((arg) => arg.toString("utf8"));

describe("RespRequestParser", () => {
  it("returns pipelined requests in order, each with its exact bytes", () => {
    const bytes = Buffer.concat([encodeRequest(["SET", "k", "v"]), encodeRequest(["GET", "k"])]);
    const requests = new RespRequestParser().push(bytes);
    expect(requests.map(words)).toEqual([["SET", "k", "v"], ["GET", "k"]]);
    expect(Buffer.concat(requests.map((r) => r.raw)).equals(bytes)).toBe(true);
  });

  it("reassembles requests split at every byte, binary values included", () => {
    const value = Buffer.from([0, 13, 10, 255, 42]);
    const bytes = Buffer.concat([encodeRequest(["SET", "k", value]), encodeRequest(["PING"])]);
    const parser = new RespRequestParser();
    const requests = [...bytes].flatMap((byte) => parser.push(Buffer.from([byte])));
    expect(requests).toHaveLength(2);
    expect(requests[0]?.args[2]?.equals(value)).toBe(true);
    expect(requests[0]?.raw.equals(encodeRequest(["SET", "k", value]))).toBe(true);
    expect(parser.pendingBytes).toBe(0);
  });

  it("holds a large value until all of it has arrived", () => {
    const big = Buffer.alloc(200_000, 0x61);
    const bytes = encodeRequest(["SET", "k", big]);
    const parser = new RespRequestParser();
    expect(parser.push(bytes.subarray(0, 100_000))).toEqual([]);
    expect(parser.push(bytes.subarray(100_000, bytes.length - 1))).toEqual([]);
    const [request] = parser.push(bytes.subarray(bytes.length - 1));
    expect(request?.args[2]?.length).toBe(200_000);
  });

  it("reads inline commands and skips empty lines", () => {
    const requests = new RespRequestParser().push(Buffer.from("PING\r\n\r\nAUTH  app  pw\n"));
    expect(requests.map(words)).toEqual([["PING"], ["AUTH", "app", "pw"]]);
  });

  it("rejects malformed requests with Redis's messages", () => {
    expect(() => new RespRequestParser().push(Buffer.from("*x\r\n"))).toThrow(new RespProtocolError("Protocol error: invalid multibulk length"));
    expect(() => new RespRequestParser().push(Buffer.from("*1\r\n:1\r\n"))).toThrow("Protocol error: expected '$', got ':'");
    expect(() => new RespRequestParser().push(Buffer.from("*1\r\n$-5\r\n"))).toThrow("Protocol error: invalid bulk length");
    expect(() => new RespRequestParser().push(Buffer.alloc(MAX_INLINE_BYTES + 1, 0x61))).toThrow("Protocol error: too big inline request");
  });
});
