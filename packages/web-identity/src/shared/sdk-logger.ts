import type { Logger } from "./logger.js";

/** The SDK's logger shape: every level present (the SDK's providers call them unguarded). */
export interface CompleteLogger {
  debug(...content: unknown[]): void;
  info(...content: unknown[]): void;
  warn(...content: unknown[]): void;
  error(...content: unknown[]): void;
}

/**
 * Our optional-method logger as the SDK's providers need it. Without a logger the SDK's providers
 * fall back to `console` for some warnings; this keeps them silent unless the user asked for logs.
 */
export function toSdkLogger(logger: Logger | undefined): CompleteLogger {
  const level = (name: keyof Logger) => (...content: unknown[]) => {
    try {
      logger?.[name]?.(...content);
    } catch {
      // A failing logger must not fail a fetch.
    }
  };
  return { debug: level("debug"), info: level("info"), warn: level("warn"), error: level("error") };
}
