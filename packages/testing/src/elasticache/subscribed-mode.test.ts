import { describe, expect, it } from "vitest";
import { SubscribedMode } from "./subscribed-mode.js";

const args = (...words: string[]) => words.map((word) => Buffer.from(word));

describe("SubscribedMode", () => {
  it("is active in RESP2 while any channel, pattern or shard channel is subscribed", () => {
    const mode = new SubscribedMode();
    mode.observe(args("subscribe", "a", "b"));
    mode.observe(args("PSUBSCRIBE", "n*"));
    expect(mode.active).toBe(true);
    mode.observe(args("UNSUBSCRIBE", "a"));
    mode.observe(args("PUNSUBSCRIBE"));
    expect(mode.active).toBe(true);
    mode.observe(args("UNSUBSCRIBE", "b"));
    expect(mode.active).toBe(false);
    mode.observe(args("SSUBSCRIBE", "s"));
    expect(mode.active).toBe(true);
    mode.observe(args("RESET"));
    expect(mode.active).toBe(false);
  });

  it("is never active in RESP3", () => {
    const mode = new SubscribedMode();
    mode.switchProtocol(3);
    mode.observe(args("SUBSCRIBE", "a"));
    expect(mode.active).toBe(false);
    mode.observe(args("GET", "a"));
    mode.switchProtocol(2);
    expect(mode.active).toBe(true);
  });
});
