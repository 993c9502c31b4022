import { describe, expect, it } from "vitest";
import { ROLE_SESSION_NAME_PATTERN } from "./config.js";
import { SESSION_NAME_PREFIX, generateRoleSessionName } from "./session-name.js";

describe("generateRoleSessionName", () => {
  it("uses the host name (the pod name) and a random suffix", () => {
    expect(generateRoleSessionName("api-7d9f8c6b5-x2x9z", "0a1b2c3d")).toBe("api-7d9f8c6b5-x2x9z-0a1b2c3d");
  });

  it("is valid for STS whatever the host name", () => {
    for (const host of ["", "---", "a b/c:d", "x".repeat(300), "ünïcode", "node.example.internal"]) {
      expect(generateRoleSessionName(host)).toMatch(ROLE_SESSION_NAME_PATTERN);
    }
  });

  it("falls back to a fixed prefix when the host name gives nothing usable", () => {
    expect(generateRoleSessionName("///", "00112233")).toBe(`${SESSION_NAME_PREFIX}-00112233`);
  });

  it("differs between two providers on one host", () => {
    expect(generateRoleSessionName("pod")).not.toBe(generateRoleSessionName("pod"));
  });

  it("fits 64 characters and keeps the suffix", () => {
    const name = generateRoleSessionName("p".repeat(100), "deadbeef");
    expect(name).toHaveLength(64);
    expect(name.endsWith("-deadbeef")).toBe(true);
  });
});
