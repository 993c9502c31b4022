import { redactSecrets } from "../shared/redact.js";

/** Longest service error text kept in our messages, logs and events. */
export const MAX_SERVICE_TEXT_LENGTH = 512;

// C0 and C1 control characters (newlines and escape sequences included) and bidi overrides.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]+/g;

/**
 * A service's own error text made safe to print: control characters replaced by a space (no
 * forged log lines, no terminal escapes), secrets redacted, cut to a bounded length.
 */
export function boundedServiceText(text: string, maxLength: number = MAX_SERVICE_TEXT_LENGTH): string {
  // Cut first (with room for what redaction shortens), so a huge text costs nothing to clean.
  const clean = redactSecrets(text.slice(0, maxLength * 4).replace(CONTROL, " ").trim());
  const total = Math.max(clean.length, text.length);
  return total <= maxLength ? clean : `${clean.slice(0, maxLength)}… (${total - maxLength} more characters)`;
}
