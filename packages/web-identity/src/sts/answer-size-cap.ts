import { Transform, type Readable } from "node:stream";

/**
 * Largest STS answer read: real answers are about 2 KB (a session token is ~1 KB), so 64 KiB is
 * far above any honest answer and far below what can hurt (a 100 MB body parsed synchronously
 * blocked the event loop for 31 s and took 3.9 GB).
 */
export const MAX_STS_ANSWER_BYTES = 64 * 1024;

/** The answer was larger than {@link MAX_STS_ANSWER_BYTES}; reading stopped there. Transient (`MalformedResponse`). */
export class StsAnswerTooLargeError extends Error {
  override name = "MalformedResponse";
  readonly code = "MalformedResponse";
  constructor(
    readonly maxBytes: number,
    seen: string,
  ) {
    super(`the STS answer is larger than ${maxBytes / 1024} KiB (${seen}); reading stopped before any parsing`);
  }
}

function isReadable(body: unknown): body is Readable {
  return typeof body === "object" && body !== null && typeof (body as Readable).pipe === "function";
}

/**
 * The response body, counted while it is read: past `maxBytes` the source stream is destroyed
 * (closing the socket) and the reader gets a `StsAnswerTooLargeError`, so no parser ever sees
 * more than `maxBytes`. A `Content-Length` above the cap fails at once, before a byte is read.
 */
export function capAnswerBody(body: unknown, contentLength: string | undefined, maxBytes: number = MAX_STS_ANSWER_BYTES): unknown {
  if (!isReadable(body)) return body;
  const declared = contentLength === undefined ? NaN : Number(contentLength);
  if (declared > maxBytes) {
    body.destroy();
    throw new StsAnswerTooLargeError(maxBytes, `Content-Length ${declared}`);
  }
  let bytes = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      if (bytes > maxBytes) {
        body.destroy();
        callback(new StsAnswerTooLargeError(maxBytes, `more than ${bytes} bytes sent`));
        return;
      }
      callback(null, chunk);
    },
  });
  body.once("error", (error) => counted.destroy(error));
  body.pipe(counted);
  return counted;
}
