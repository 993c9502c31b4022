// The entry at a group's socket path in the share directory. A follower connects only to a
// socket owned by this user with no permission for anyone else; anything else there (a file, a
// foreign socket, a loose mode, a stale socket of a killed leader) is never trusted, and the
// member holding the group's claim replaces it.

import { chmodSync, lstatSync, renameSync, rmSync, unlinkSync } from "node:fs";

export type SocketEntry = "missing" | "trusted" | "untrusted";

/** What is at `path` now, for a follower about to connect. Never throws. */
export function socketEntryAt(path: string, uid: number): SocketEntry {
  try {
    const stat = lstatSync(path);
    return stat.isSocket() && stat.uid === uid && (stat.mode & 0o077) === 0 ? "trusted" : "untrusted";
  } catch {
    return "missing";
  }
}

/**
 * Puts the socket bound at `from` in place of whatever is at `path` (only the claim's holder
 * calls this) and returns its inode. A directory planted there is removed first. Throws on failure.
 */
export function replaceEntry(from: string, path: string): number {
  if (lstatSync(path, { throwIfNoEntry: false })?.isDirectory() === true) rmSync(path, { force: true, recursive: true });
  renameSync(from, path);
  return lstatSync(path).ino;
}

/** Removes the leader's socket file when it goes, if the file is still its own (by inode). Never throws. */
export function removeOwnEntry(path: string, ino: number): void {
  try {
    if (lstatSync(path).ino === ino) unlinkSync(path);
  } catch {
    // gone already, or not ours to remove
  }
}

/** Makes the leader's fresh socket 0600. Throws on failure. */
export function restrictSocket(path: string): void {
  chmodSync(path, 0o600);
}
