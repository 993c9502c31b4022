import { describe, expect, it } from "vitest";
import { ENGINE_KEY_VARIABLES, configurationKey, keyOf } from "./configuration-key.js";

describe("the configuration key", () => {
  it("takes plain data by value in sorted key order, functions and class instances by identity", () => {
    const handler = new (class Handler {})();
    expect(keyOf({ b: 1, a: [1, { y: 2, x: 1 }] })).toBe(keyOf({ a: [1, { x: 1, y: 2 }], b: 1 }));
    expect(keyOf({ a: 1, b: undefined })).toBe(keyOf({ a: 1 }));
    expect(keyOf({ requestHandler: handler })).toBe(keyOf({ requestHandler: handler }));
    expect(keyOf({ requestHandler: handler })).not.toBe(keyOf({ requestHandler: new (class Handler {})() }));
    const now = () => 0;
    expect(keyOf({ now })).not.toBe(keyOf({ now: () => 0 }));
  });

  it("leaves out logger and onEvent; counts every other field, even one added later", () => {
    const env = {};
    const key = (init: object) => configurationKey("fromWebIdentity", init, env);
    expect(key({ roleArn: "r", logger: console, onEvent: () => {} })).toBe(key({ roleArn: "r" }));
    expect(key({ roleArn: "r", someFutureOption: 1 })).not.toBe(key({ roleArn: "r" }));
    expect(configurationKey("chain", {}, env)).not.toBe(configurationKey("fromWebIdentity", {}, env));
  });

  it("includes the AWS_* variables that change the answer, and never holds a value in the clear", () => {
    expect(ENGINE_KEY_VARIABLES).toEqual(expect.arrayContaining(["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_REGION", "AWS_CONTAINER_AUTHORIZATION_TOKEN"]));
    const secret = "very-secret-container-token";
    const a = configurationKey("k", {}, { AWS_CONTAINER_AUTHORIZATION_TOKEN: secret });
    const b = configurationKey("k", {}, { AWS_CONTAINER_AUTHORIZATION_TOKEN: "other" });
    expect(a).not.toBe(b);
    expect(a).not.toContain(secret);
    expect(configurationKey("k", { policy: secret }, {})).not.toContain(secret);
    expect(configurationKey("k", {}, { AWS_REGION: "eu-west-1" })).not.toBe(configurationKey("k", {}, { AWS_REGION: "us-east-1" }));
  });
});
