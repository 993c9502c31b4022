import { constants } from "node:fs";
import { open } from "node:fs/promises";

/** Reads at most `maxBytes` of a file. A seam for tests (EACCES cannot be produced as root). */
export type ReadFileCapped = (path: string, maxBytes: number) => Promise<Buffer>;

/** What a path that is not a regular file turned out to be, for the error message. */
export type NotRegularFileKind = "directory" | "fifo" | "character-device" | "block-device" | "socket" | "other";

/** Raised (as `code: "ENOTREG"`, or `EISDIR` for a directory) when the path is not a regular file. */
export interface NotRegularFileError extends Error {
  code: "ENOTREG" | "EISDIR";
  kind: NotRegularFileKind;
}

function notRegular(path: string, kind: NotRegularFileKind): NotRegularFileError {
  const code = kind === "directory" ? "EISDIR" : "ENOTREG";
  return Object.assign(new Error(`${code}: not a regular file (${kind}), open '${path}'`), { code, kind }) as NotRegularFileError;
}

/**
 * Reads a regular file through one handle, never blocking on anything else. `O_NONBLOCK` makes
 * `open` of a FIFO (or a tty) return at once instead of waiting for a writer, which would hold
 * one of libuv's four thread-pool threads for ever; `fstat` on the same handle then refuses
 * anything that is not a regular file before a single byte is read. On a regular file
 * `O_NONBLOCK` changes nothing. An oversized file is cut at `maxBytes`, so the caller sees it
 * without reading it all.
 */
export const readFileCapped: ReadFileCapped = async (path, maxBytes) => {
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind: NotRegularFileKind = stat.isDirectory()
        ? "directory"
        : stat.isFIFO()
          ? "fifo"
          : stat.isCharacterDevice()
            ? "character-device"
            : stat.isBlockDevice()
              ? "block-device"
              : stat.isSocket()
                ? "socket"
                : "other";
      throw notRegular(path, kind);
    }
    const buffer = Buffer.alloc(maxBytes);
    let length = 0;
    while (length < maxBytes) {
      const { bytesRead } = await handle.read(buffer, length, maxBytes - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
};
