/**
 * An SDK-style logger. Every method is optional; `console` fits, and so does an instance of a
 * logger class (methods are called on the object, never copied off it). Messages passed to it
 * never contain a token, a secret access key or a session token.
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

/** The one prefix of every line this library logs. */
export const LOG_PREFIX = "[irsa-credentials]";

const LEVELS = ["debug", "info", "warn", "error"] as const;
const SAFE = Symbol("irsa-credentials.safe-logger");
const GUARDED = Symbol("irsa-credentials.guarded-logger");
// Messages written before the prefix was unified; rewritten so every line has one prefix.
const LEGACY_PREFIX = "@irsa/web-identity: ";

/**
 * The user's logger as every module of this library calls it: each level present, a throwing
 * method or a rejected promise it returns swallowed (an observer cannot fail a refresh), string
 * messages prefixed with `[irsa-credentials]`. Wrapping twice returns the same wrapper.
 */
export function safeLogger(logger: Logger | undefined): Required<Logger> {
  return guard(logger, SAFE, prefixed);
}

/**
 * A logger behind the guard every `@irsa` package calls a user's logger through: each level
 * present (a missing method is skipped), each method called on the logger itself (so a logger
 * class keeps its `this`), and a method that throws or returns a rejected promise swallowed, so
 * logging can never break a refresh or a request. Messages pass unchanged (no prefix); wrapping
 * twice returns the same wrapper.
 *
 * @example
 * const log = guardedLogger(init.logger);
 * log.info("listening", { url }); // never throws, even if init.logger does
 */
export function guardedLogger(logger: Logger | undefined): Required<Logger> {
  return guard(logger, GUARDED, (content) => content);
}

function guard(logger: Logger | undefined, marker: symbol, rewrite: (content: unknown[]) => unknown[]): Required<Logger> {
  if (logger === undefined) return SILENT_LOGGER;
  if ((logger as { [marker]?: true })[marker] === true || logger === SILENT_LOGGER) return logger as Required<Logger>;
  const safe = { [marker]: true } as Required<Logger> & { [marker]: true };
  for (const level of LEVELS) {
    safe[level] = (...content: unknown[]) => {
      try {
        const method = logger[level];
        if (typeof method !== "function") return;
        const result: unknown = method.call(logger, ...rewrite(content));
        if (isThenable(result)) result.then(undefined, () => {});
      } catch {
        // A failing logger must not fail a fetch or a request.
      }
    };
  }
  return safe;
}

function prefixed(content: unknown[]): unknown[] {
  const [first, ...rest] = content;
  if (typeof first !== "string") return [LOG_PREFIX, ...content];
  if (first.startsWith(LOG_PREFIX)) return content;
  const text = first.startsWith(LEGACY_PREFIX) ? first.slice(LEGACY_PREFIX.length) : first;
  return [`${LOG_PREFIX} ${text}`, ...rest];
}

/** Whether `value` has a callable `then`: a returned promise is given a rejection handler. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as { then?: unknown }).then === "function";
}

/**
 * `init` as the sources read it, with its logger made safe. A view, not a copy: an option the
 * caller changes later is still read on the next fetch, as without the wrapper.
 */
export function withSafeLogger<T extends { logger?: Logger }>(init: T): T {
  if (init.logger === undefined) return init;
  const logger = safeLogger(init.logger);
  return new Proxy(init, { get: (target, key, receiver) => (key === "logger" ? logger : Reflect.get(target, key, receiver)) });
}
