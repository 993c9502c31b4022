// The entry at a group's socket path in the share directory. A follower connects only to a
// socket owned by this user with no permission for anyone else; anything else there (a file, a
// foreign socket, a loose mode, a stale socket of a killed leader) is never trusted, and the
// member holding the group's claim replaces it.

import { chmodSync, lstatSync, rmSync } from "node:fs";

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

/** Removes whatever is at `path` (only the claim's holder calls this). Throws on failure. */
export function removeEntry(path: string): void {
  rmSync(path, { force: true, recursive: true });
}

/** Makes the leader's fresh socket 0600. Throws on failure. */
export function restrictSocket(path: string): void {
  chmodSync(path, 0o600);
}
