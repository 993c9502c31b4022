// What a group shares: the whole identity. A configuration joins a group only when every value
// in it can be compared across isolates (plain data: strings, numbers, plain objects, arrays);
// one holding a function or a class instance (a custom STS client, a request handler, a test
// clock) keeps its own engine, since two such values cannot be told apart from another thread.
// The key is a hash of: the provider kind, every plain option, the AWS_* variables that change
// the answer, and the token's issuer, subject and audience (so a rotated token keeps its group,
// and a token of another service account never joins it). No secret is in the key.

import { createHash } from "node:crypto";
import { environmentFingerprint, keyOf, PER_PROVIDER_FIELDS } from "../engine/configuration-key.js";

type Env = Readonly<Record<string, string | undefined>>;

/** True when `value` holds only plain data (the per-provider observers aside at the top level). */
export function isPlainConfiguration(value: unknown, top = true): boolean {
  if (value === undefined || value === null) return true;
  const type = typeof value;
  if (type === "string" || type === "number" || type === "boolean") return true;
  if (type !== "object") return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) return false;
  return Object.entries(value as object).every(([name, field]) => (top && PER_PROVIDER_FIELDS.has(name)) || isPlainConfiguration(field, false));
}

/** The claims that name an identity; read from the token's payload (never verified here: STS does). */
export interface IdentityClaims {
  readonly iss?: unknown;
  readonly sub?: unknown;
  readonly aud?: unknown;
}

/** The claims of a JWT's payload, or undefined when it is not one. */
export function identityClaimsOf(token: string): IdentityClaims | undefined {
  const parts = token.trim().split(".");
  if (parts.length !== 3) return undefined;
  try {
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8")) as unknown;
    if (typeof payload !== "object" || payload === null) return undefined;
    const { iss, sub, aud } = payload as IdentityClaims;
    return { iss, sub, aud };
  } catch {
    return undefined;
  }
}

/** The group key (base64url SHA-256) of a configuration whose token has `claims`. */
export function groupKeyOf(kind: string, init: object, env: Env, tokenFile: string, claims: IdentityClaims): string {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(init)) if (!PER_PROVIDER_FIELDS.has(name)) fields[name] = value;
  const text = ["irsa-credentials group v1", kind, keyOf(fields), environmentFingerprint(env), tokenFile, keyOf(claims)].join("\n");
  return createHash("sha256").update(text).digest("base64url");
}
