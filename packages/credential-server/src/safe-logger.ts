import type { Logger } from "@irsa/web-identity";

type Level = "debug" | "info" | "warn" | "error";

/**
 * The given logger behind a guard: each method is called on the logger itself (so class-based
 * loggers keep their `this`), a missing method is skipped, and a method that throws or returns a
 * rejected promise is swallowed: logging can never break a request or a refresh.
 */
export function toSafeLogger(logger: Logger | undefined): Required<Logger> {
  const call =
    (level: Level) =>
    (...content: unknown[]): void => {
      if (logger === undefined) return;
      try {
        const method = logger[level];
        if (typeof method !== "function") return;
        const result: unknown = method.apply(logger, content);
        if (result instanceof Promise) result.catch(() => {});
      } catch {
        // A failing logger must not turn an answer into a 500.
      }
    };
  return { debug: call("debug"), info: call("info"), warn: call("warn"), error: call("error") };
}
