import { inspect } from "node:util";
import type { AwsCredentialIdentity } from "@smithy/types";

/** What a secret prints as. */
export const REDACTED = "[redacted]";

// Field names whose values are secrets wherever they appear in a credential object.
const SECRET_FIELD = /secret|token|password/i;

/**
 * A copy of `credentials` whose fields stay readable (the SDK signs with them) but which prints
 * with its secrets replaced by `[redacted]` through `JSON.stringify`, `util.inspect`,
 * `console.log` and template strings of `inspect` output. The printing hooks are non-enumerable,
 * so spreading or iterating the object sees only the credential fields.
 */
export function redactedCredentials<T extends AwsCredentialIdentity>(credentials: T): T {
  const copy = { ...credentials };
  Object.defineProperty(copy, "toJSON", { value: credentialsToJSON, enumerable: false, configurable: true, writable: true });
  Object.defineProperty(copy, inspect.custom, {
    value: inspectCredentials,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return copy;
}

/** The printable view of a credential object: every secret field replaced, the rest kept. */
export function redactedView(credentials: object): Record<string, unknown> {
  const view: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(credentials)) {
    view[key] = SECRET_FIELD.test(key) && value !== undefined ? REDACTED : value;
  }
  return view;
}

function credentialsToJSON(this: object): Record<string, unknown> {
  return redactedView(this);
}

function inspectCredentials(this: object, depth: number, options: object): string {
  return `AwsCredentials ${inspect(redactedView(this), { ...options, depth })}`;
}

// Patterns of secrets that may show up in free text (error messages, response bodies).
const SECRET_PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // A JWT such as a projected service-account token: header.payload.signature.
  [/eyJ[\w-]*\.[\w-]+\.[\w-]*/g, "[redacted-jwt]"],
  // A named secret followed by its value: JSON, query strings, ini files, XML elements.
  [
    /\b((?:aws_)?secret_?access_?key|(?:aws_)?session_?token|web_?identity_?token|security_?token|x-amz-security-token)(\\?["']?[ \t]*[:=>][ \t]*\\?["']?)([^\s"'<,&;}\\]+)/gi,
    `$1$2${REDACTED}`,
  ],
  // Any long run of base64 (session tokens are hundreds of characters).
  [/[A-Za-z0-9+/]{100,}={0,2}/g, REDACTED],
];

/**
 * Replaces what looks like a secret in free text: JWTs, values of secret-access-key, session
 * token and web-identity-token fields (JSON, XML, query strings, ini files), and long base64
 * runs. Access key ids are kept: they are not secrets and they identify the set in logs.
 */
export function redactSecrets(text: string): string {
  let result = text;
  for (const [pattern, replacement] of SECRET_PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
