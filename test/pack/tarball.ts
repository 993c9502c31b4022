import { readFile } from "node:fs/promises";
import { gunzipSync } from "node:zlib";

/** One regular file of a packed `.tgz`, as npm and pnpm write them (ustar, gzip). */
export interface TarballEntry {
  /** Path inside the tarball, e.g. `package/dist/index.js`. */
  path: string;
  /** Unix permission bits, e.g. `0o755`. */
  mode: number;
  /** Size in bytes, unpacked. */
  size: number;
  /** The file's bytes. */
  content: Buffer;
}

const BLOCK = 512;

/**
 * Reads every regular file of a gzip'd tar. Written here (about 40 lines) rather than taken
 * from a dependency: the pack test should need nothing that the workspace does not already have,
 * and the `tar` binary's listing format differs between GNU and BSD.
 */
export async function readTarball(tgzPath: string): Promise<TarballEntry[]> {
  const tar = gunzipSync(await readFile(tgzPath));
  const entries: TarballEntry[] = [];
  let longName: string | undefined;
  for (let offset = 0; offset + BLOCK <= tar.length; ) {
    const header = tar.subarray(offset, offset + BLOCK);
    if (header.every((byte) => byte === 0)) break; // end-of-archive marker
    const size = parseOctal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const body = tar.subarray(offset + BLOCK, offset + BLOCK + size);
    offset += BLOCK + Math.ceil(size / BLOCK) * BLOCK;
    if (type === "L") {
      // GNU long name: the next header's name is in this body.
      longName = cString(body);
      continue;
    }
    const prefix = cString(header.subarray(345, 500));
    const name = longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
    longName = undefined;
    if (type !== "0" && type !== "\0") continue; // directories, links, pax headers
    entries.push({ path: name, mode: parseOctal(header.subarray(100, 108)) & 0o777, size, content: Buffer.from(body) });
  }
  return entries;
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? bytes.length : end).toString("utf8");
}

function parseOctal(bytes: Buffer): number {
  const text = cString(bytes).trim();
  return text === "" ? 0 : Number.parseInt(text, 8);
}
