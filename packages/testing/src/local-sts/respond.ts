import type { ServerResponse } from "node:http";
import type { LocalHttpServer } from "../local-http-server.js";
import type { HostileBody } from "./hostile.js";
import type { LocalStsRequest } from "./local-sts-types.js";
import type { StsError } from "./sts-error.js";
import { errorXml } from "./sts-xml.js";

/** Piece size of an oversized body: written with back-pressure, never held whole. */
const PADDING_CHUNK = Buffer.alloc(64 * 1024, " ");

/** Response headers of every answer; `Date` follows the server's own (maybe skewed) clock. */
function headers(requestId: string, serverNowMs: number): Record<string, string> {
  return { "content-type": "text/xml", "x-amzn-requestid": requestId, date: new Date(serverNowMs).toUTCString() };
}

/** Sends a whole XML answer with its length. */
export function send(res: ServerResponse, status: number, body: string, requestId: string, serverNowMs: number): void {
  if (res.destroyed) return;
  res.writeHead(status, { ...headers(requestId, serverNowMs), "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

/** Sends STS's XML error shape and records the status and code. */
export function sendError(res: ServerResponse, error: StsError, record: LocalStsRequest, serverNowMs: number): void {
  record.status = error.status;
  record.errorCode = error.code;
  send(res, error.status, errorXml(error, record.requestId), record.requestId, serverNowMs);
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/**
 * Sends a 200 answer the hostile way: `oversized` pads the result with whitespace up to the size
 * asked for (the XML stays valid, so only a size cap saves a client); `slow-drip` writes a few
 * bytes per interval. Both stop as soon as the client goes away.
 */
export async function sendHostile(
  res: ServerResponse,
  xml: string,
  body: HostileBody,
  requestId: string,
  serverNowMs: number,
  server: LocalHttpServer,
): Promise<void> {
  if (res.destroyed) return;
  res.writeHead(200, headers(requestId, serverNowMs)); // chunked: no Content-Length
  if (body.kind === "oversized") {
    const cut = xml.indexOf("\n", xml.indexOf("Result>")) + 1;
    let padding = Math.max(0, body.bytes - Buffer.byteLength(xml));
    if (!res.write(xml.slice(0, cut))) await drained(res);
    while (padding > 0 && !res.destroyed) {
      const chunk = padding >= PADDING_CHUNK.length ? PADDING_CHUNK : PADDING_CHUNK.subarray(0, padding);
      padding -= chunk.length;
      if (!res.write(chunk)) await drained(res);
    }
    if (!res.destroyed) res.end(xml.slice(cut));
    return;
  }
  const bytes = Buffer.from(xml);
  for (let offset = 0; offset < bytes.length; offset += body.chunkBytes) {
    if (res.destroyed) return;
    res.write(bytes.subarray(offset, offset + body.chunkBytes));
    if (!(await server.delay(body.intervalMs))) return;
  }
  if (!res.destroyed) res.end();
}
