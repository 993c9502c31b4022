import type { Logger } from "@irsa/web-identity";

/** Severity of a log line, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** Options of `createJsonLogger`. */
export interface JsonLoggerInit {
  /** Receives each line, newline included. Default: `process.stdout.write`. */
  write?: (line: string) => void;
  /** Lowest level written. Default `"info"`. */
  level?: LogLevel;
  /** Clock, in epoch milliseconds, for the `time` field. Default `Date.now`. */
  now?: () => number;
}

/**
 * A logger that writes one JSON object per line:
 * `{"time":"…","level":"info","msg":"…", …fields}`. It has the SDK-style `Logger` shape, so it
 * can be handed to `@irsa/web-identity` too: a leading string becomes `msg`, plain objects are
 * merged as fields, errors become `errorName` and `error` (their message). Callers pass no
 * secret; this logger does not try to guess one.
 *
 * @example
 * ```ts
 * const logger = createJsonLogger({ level: "debug" });
 * const credentials = fromWebIdentity({ logger });
 * ```
 */
export function createJsonLogger(init: JsonLoggerInit = {}): Required<Logger> {
  const write = init.write ?? ((line: string) => void process.stdout.write(line));
  const threshold = LEVELS.indexOf(init.level ?? "info");
  const now = init.now ?? (() => Date.now());
  const emit = (level: LogLevel, content: unknown[]) => {
    if (LEVELS.indexOf(level) < threshold) return;
    const fields: Record<string, unknown> = {};
    const words: string[] = [];
    for (const part of content) {
      if (part instanceof Error) {
        fields.errorName = part.name;
        fields.error = part.message;
      } else if (typeof part === "object" && part !== null && !Array.isArray(part)) {
        Object.assign(fields, part);
      } else {
        words.push(String(part));
      }
    }
    const head = { time: new Date(now()).toISOString(), level, msg: words.join(" ") };
    // The head's keys come first and cannot be overwritten by a field of the same name.
    write(`${JSON.stringify(Object.assign({ ...head }, fields, head))}\n`);
  };
  return {
    debug: (...content) => emit("debug", content),
    info: (...content) => emit("info", content),
    warn: (...content) => emit("warn", content),
    error: (...content) => emit("error", content),
  };
}

/** True when `value` names a log level. */
export function isLogLevel(value: string): value is LogLevel {
  return (LEVELS as readonly string[]).includes(value);
}
