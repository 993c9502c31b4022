import { describe, expect, it } from "vitest";
import { LOG_PREFIX, SILENT_LOGGER, safeLogger, withSafeLogger } from "./logger.js";

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
