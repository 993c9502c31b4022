// The pod tier's directory: it must be a real directory (not a symbolic link) owned by this
// user, with no permission for anyone else and writable by its owner. A missing one is created
// 0700. Anything else is refused, never repaired: someone else may be relying on it.

import { lstatSync, mkdirSync } from "node:fs";
import { isAbsolute } from "node:path";

/** Longest Unix socket path Linux accepts (sun_path is 108 bytes, one for the final NUL). */
export const MAX_SOCKET_PATH_BYTES = 107;

export type ShareDirectoryCheck = { readonly ok: true; readonly dev: number; readonly ino: number } | { readonly ok: false; readonly reason: string };

/** Checks (and creates if missing) the directory of the pod tier. Never throws. */
export function checkShareDirectory(directory: string, uid: number): ShareDirectoryCheck {
  if (!isAbsolute(directory)) return { ok: false, reason: `the share directory ${JSON.stringify(directory)} is not an absolute path` };
  try {
    try {
      lstatSync(directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      mkdirSync(directory, { recursive: true, mode: 0o700 });
    }
    const stat = lstatSync(directory);
    if (!stat.isDirectory()) return { ok: false, reason: `${directory} is not a directory (a symbolic link or a file)` };
    if (stat.uid !== uid) return { ok: false, reason: `${directory} is owned by uid ${stat.uid}, not by this process's uid ${uid}` };
    if ((stat.mode & 0o077) !== 0) return { ok: false, reason: `${directory} has mode ${(stat.mode & 0o777).toString(8)}; it must be 700 (no access for group or others)` };
    if ((stat.mode & 0o700) !== 0o700) return { ok: false, reason: `${directory} has mode ${(stat.mode & 0o777).toString(8)}; it must be 700 (read, write and search for its owner)` };
    return { ok: true, dev: stat.dev, ino: stat.ino };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unknown error";
    return { ok: false, reason: `${directory} cannot be used (${code})` };
  }
}
