import { describe, expect, it } from "vitest";
import { LOG_PREFIX, SILENT_LOGGER, guardedLogger, safeLogger, withSafeLogger } from "./logger.js";

describe("safeLogger", () => {
  it("prefixes every line once, rewrites the old prefix, keeps extra arguments", () => {
    const lines: unknown[][] = [];
    const logger = safeLogger({ info: (...content: unknown[]) => void lines.push(content) });
    logger.info("hello", { n: 1 });
    logger.info(`${LOG_PREFIX} already`);
    logger.info("@irsa/web-identity: legacy");
    logger.info({ structured: true });
    expect(lines).toEqual([
      ["[irsa-credentials] hello", { n: 1 }],
      ["[irsa-credentials] already"],
      ["[irsa-credentials] legacy"],
      ["[irsa-credentials]", { structured: true }],
    ]);
  });

  it("swallows a throwing method, a rejected promise, a missing method; wrapping twice is a no-op", async () => {
    const logger = safeLogger({
      debug: () => {
        throw new Error("bug");
      },
      warn: () => Promise.reject(new Error("down")),
    });
    expect(() => logger.debug("x")).not.toThrow();
    expect(() => logger.warn("x")).not.toThrow();
    expect(() => logger.error("x")).not.toThrow();
    expect(safeLogger(logger)).toBe(logger);
    expect(safeLogger(undefined)).toBe(SILENT_LOGGER);
  });

  it("withSafeLogger is a live view of init: a later change is seen, the logger is safe", () => {
    const init: { logger?: { debug(): void }; durationSeconds?: number } = { logger: { debug: () => { throw new Error("bug"); } } };
    const view = withSafeLogger(init);
    init.durationSeconds = 900;
    expect(view.durationSeconds).toBe(900);
    expect({ ...view }.durationSeconds).toBe(900);
    expect(() => view.logger!.debug()).not.toThrow();
  });
});

class PrefixLogger {
  readonly lines: string[] = [];
  constructor(private readonly prefix: string) {}
  info(message: string): void {
    this.lines.push(`${this.prefix} ${message}`);
  }
  warn(message: string): void {
    this.lines.push(`${this.prefix} WARN ${message}`);
  }
}

describe("guardedLogger (the credential server's lines: no prefix)", () => {
  it("calls a class-based logger's methods on the instance (prototype methods, this kept), messages unchanged", () => {
    const logger = new PrefixLogger("[app]");
    const safe = guardedLogger(logger);
    safe.info("hello");
    safe.warn("careful");
    safe.debug("dropped: no debug method");
    expect(logger.lines).toEqual(["[app] hello", "[app] WARN careful"]);
    expect(guardedLogger(safe)).toBe(safe);
  });

  it("swallows a throwing method and a rejected promise: no throw, no unhandled rejection", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const safe = guardedLogger({
        info: () => {
          throw new Error("logger broke");
        },
        warn: (() => Promise.reject(new Error("async logger broke"))) as unknown as () => void,
      });
      expect(() => safe.info("x")).not.toThrow();
      expect(() => safe.warn("y")).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });

  it("is silent without a logger", () => {
    expect(guardedLogger(undefined)).toBe(SILENT_LOGGER);
  });
});

