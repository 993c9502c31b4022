/**
 * An SDK-style logger. Every method is optional; `console` fits. Messages passed to it never
 * contain a token, a secret access key or a session token.
 */
export interface Logger {
  debug?(...content: unknown[]): void;
  info?(...content: unknown[]): void;
  warn?(...content: unknown[]): void;
  error?(...content: unknown[]): void;
}

/** A logger that drops everything: the default, so the library is silent unless asked. */
export const SILENT_LOGGER: Required<Logger> = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};
