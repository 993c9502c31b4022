import { describe, expect, it } from "vitest";
import { toSafeLogger } from "./safe-logger.js";

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

describe("toSafeLogger", () => {
  it("calls a class-based logger's methods on the instance (prototype methods, this kept)", () => {
    const logger = new PrefixLogger("[app]");
    const safe = toSafeLogger(logger);
    safe.info("hello");
    safe.warn("careful");
    safe.debug("dropped: no debug method");
    expect(logger.lines).toEqual(["[app] hello", "[app] WARN careful"]);
  });

  it("swallows a throwing method and a rejected promise", async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const safe = toSafeLogger({
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
    expect(() => toSafeLogger(undefined).error("nothing")).not.toThrow();
  });
});
