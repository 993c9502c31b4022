import { randomBytes } from "node:crypto";
import { hostname } from "node:os";

/** Prefix of a generated session name when the host name gives nothing usable. */
export const SESSION_NAME_PREFIX = "irsa";

const MAX_SESSION_NAME_LENGTH = 64;
const SUFFIX_HEX_CHARS = 8;

/**
 * A session name for one provider instance: `<pod name>-<8 hex chars>`. In a pod the host name
 * is the pod name, so CloudTrail shows which pod assumed the role; the random suffix keeps two
 * providers in one process apart. Generated once per provider and kept across refreshes, so one
 * pod's sessions line up in CloudTrail instead of changing name every hour.
 */
export function generateRoleSessionName(host: string = safeHostname(), suffix: string = randomSuffix()): string {
  const cleaned = host.replace(/[^\w+=,.@-]/g, "-").replace(/^-+|-+$/g, "");
  const base = cleaned.length >= 1 ? cleaned : SESSION_NAME_PREFIX;
  return `${base.slice(0, MAX_SESSION_NAME_LENGTH - suffix.length - 1)}-${suffix}`;
}

function randomSuffix(): string {
  return randomBytes(SUFFIX_HEX_CHARS / 2).toString("hex");
}

function safeHostname(): string {
  try {
    return hostname();
  } catch {
    return SESSION_NAME_PREFIX;
  }
}
