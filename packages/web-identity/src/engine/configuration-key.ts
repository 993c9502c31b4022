// What "the same configuration" means for sharing one engine: every `init` field by value
// (primitives; plain objects and arrays in sorted key order), every function or class instance
// by identity, the per-provider observers left out, and the values of the AWS_* variables that
// can change the answer. Generic over the fields, so an option added later is covered as is.
// Secret-bearing values are hashed: the key never holds a secret.

import { createHash } from "node:crypto";

/** The variables whose values can change which credentials a provider returns. */
export const ENGINE_KEY_VARIABLES = [
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_SESSION_NAME",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_STS_REGIONAL_ENDPOINTS",
  "AWS_ENDPOINT_URL",
  "AWS_ENDPOINT_URL_STS",
  "AWS_PROFILE",
  "AWS_DEFAULT_PROFILE",
  "AWS_CONFIG_FILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_SDK_LOAD_CONFIG",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
] as const;

/** Init fields attached per provider, not part of the key: each provider sees every event. */
export const PER_PROVIDER_FIELDS: ReadonlySet<string> = new Set(["logger", "onEvent"]);

type Env = Readonly<Record<string, string | undefined>>;

const identities = new WeakMap<object, number>();
let nextIdentity = 1;

function identityOf(value: object): string {
  let id = identities.get(value);
  if (id === undefined) {
    id = nextIdentity++;
    identities.set(value, id);
  }
  return `#${id}`;
}

function isPlain(value: object): boolean {
  const prototype = Object.getPrototypeOf(value) as unknown;
  return Array.isArray(value) || prototype === Object.prototype || prototype === null;
}

/** A stable text for `value`: plain data by value, anything else by identity. */
export function keyOf(value: unknown, seen: Set<object> = new Set()): string {
  if (value === undefined) return "u";
  if (value === null || typeof value === "boolean" || typeof value === "number" || typeof value === "string") {
    return JSON.stringify(value) ?? String(value);
  }
  if (typeof value === "bigint" || typeof value === "symbol") return `${typeof value}:${String(value)}`;
  const object = value as object;
  if (typeof value === "function" || !isPlain(object) || seen.has(object)) return identityOf(object);
  seen.add(object);
  const text = Array.isArray(object)
    ? `[${object.map((item) => keyOf(item, seen)).join(",")}]`
    : `{${Object.keys(object)
        .filter((name) => (object as Record<string, unknown>)[name] !== undefined)
        .sort()
        .map((name) => `${JSON.stringify(name)}:${keyOf((object as Record<string, unknown>)[name], seen)}`)
        .join(",")}}`;
  seen.delete(object);
  return text;
}

/** A short hash of the watched variables' values (never the values themselves). */
export function environmentFingerprint(env: Env): string {
  const hash = createHash("sha256");
  for (const name of ENGINE_KEY_VARIABLES) hash.update(`${name}=${env[name] ?? "\u0000"}\n`);
  return hash.digest("base64url").slice(0, 22);
}

/**
 * The registry key of a provider: its kind (which factory built it), its init without the
 * per-provider observers, any extra parts (a test seam) and the environment's fingerprint.
 */
export function configurationKey(kind: string, init: object, env: Env, extra: readonly unknown[] = []): string {
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(init)) if (!PER_PROVIDER_FIELDS.has(name)) fields[name] = value;
  // The parts are hashed too, so a key printed by mistake shows nothing of the init.
  const text = `${kind}\n${keyOf(fields)}\n${keyOf(extra)}\n${environmentFingerprint(env)}`;
  return createHash("sha256").update(text).digest("base64url");
}
