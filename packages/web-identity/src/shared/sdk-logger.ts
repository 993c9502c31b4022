import { safeLogger, type Logger } from "./logger.js";

/** The SDK's logger shape: every level present (the SDK's providers call them unguarded). */
export interface CompleteLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

/**
 * Our optional-method logger as the SDK's providers need it: the one safe logger (see
 * `safeLogger`). Without a logger the SDK's providers fall back to `console` for some warnings;
 * this keeps them silent unless the user asked for logs.
 */
export function toSdkLogger(logger: Logger | undefined): CompleteLogger {
  return safeLogger(logger);
}
