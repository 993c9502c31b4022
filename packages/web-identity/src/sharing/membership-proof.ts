// Who may join a group: whoever can read the identity's current web-identity token (and could
// therefore call STS with it anyway). On connect both sides send a random nonce and prove,
// with an HMAC keyed by a digest of the token and the group key, that they hold it. The leader
// proves itself too, so a follower never takes credentials from an impostor. Needed because an
// abstract socket has no file permissions; done on the pod tier's socket too, for one protocol.

import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** Bytes of each side's nonce. */
export const NONCE_BYTES = 32;

export function newNonce(): string {
  return randomBytes(NONCE_BYTES).toString("base64url");
}

/** The HMAC key of a group for the token read now (never sent, never stored). */
export function proofKeyOf(groupKey: string, token: string): Buffer {
  return createHash("sha256").update(`irsa-credentials proof v1\n${groupKey}\n${token.trim()}`).digest();
}

/** What `side` sends to prove it holds the key, bound to both nonces. */
export function proofOf(key: Buffer, side: "leader" | "follower", leaderNonce: string, followerNonce: string): string {
  return createHmac("sha256", key).update(`${side}\n${leaderNonce}\n${followerNonce}`).digest("base64url");
}

/** Constant-time check of a received proof. */
export function proofMatches(expected: string, received: unknown): boolean {
  if (typeof received !== "string") return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(received);
  return a.length === b.length && timingSafeEqual(a, b);
}
