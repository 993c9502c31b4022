// Where a group meets. Threads of one process: a Linux abstract socket named from the pid and
// the group key (nothing on disk; released by the kernel when the process dies). Processes of
// one pod: a claim (an abstract socket named from the share directory's device and inode and
// the group key: whoever binds it leads, and the kernel releases it when the leader dies, so a
// SIGKILLed leader is replaced without a stale lock) and a socket file in the directory, where
// file permissions say who may connect. Names hold hashes only, never a secret.

import { join } from "node:path";
import { MAX_SOCKET_PATH_BYTES } from "./share-directory.js";

export type GroupPlan =
  | { readonly scope: "threads"; readonly address: string }
  | { readonly scope: "pod"; readonly claim: string; readonly path: string; readonly uid: number };

const PREFIX = "\0irsa-credentials.v1";

export function threadsPlan(groupKey: string, pid: number = process.pid): GroupPlan {
  return { scope: "threads", address: `${PREFIX}/t/${pid}/${groupKey}` };
}

/** The pod tier's plan, or a reason it cannot be (a path too long for a Unix socket). */
export function podPlan(groupKey: string, directory: string, dir: { dev: number; ino: number }, uid: number): GroupPlan | string {
  const path = join(directory, `${groupKey}.sock`);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) return `the socket path in ${directory} would be longer than ${MAX_SOCKET_PATH_BYTES} bytes; use a shorter directory`;
  return { scope: "pod", claim: `${PREFIX}/p/${dir.dev}-${dir.ino}/${groupKey}`, path, uid };
}
