import { describe, expect, it } from "vitest";
import { classifyRequest, RELAY_ACCEPTED_USER, RELAY_PLACEHOLDER_PASSWORD, RELAY_REFUSED_USER } from "./auth-commands.js";
import { encodeRequest } from "./resp-request-parser.js";

const args = (...words: string[]) => words.map((word) => Buffer.from(word));

describe("classifyRequest", () => {
  it("reads AUTH user password and AUTH password (the default user)", () => {
    const two = classifyRequest(args("auth", "app", "tok"));
    expect(two).toMatchObject({ kind: "authenticate", command: "AUTH", credentials: { user: "app", password: "tok" } });
    expect(classifyRequest(args("AUTH", "tok"))).toMatchObject({ credentials: { user: "default", password: "tok" } });
  });

  it("relays AUTH and HELLO with a placeholder, never the password", () => {
    const auth = classifyRequest(args("AUTH", "app", "tok"));
    if (auth.kind !== "authenticate") throw new Error("expected authenticate");
    expect(auth.relay(true).equals(encodeRequest(["AUTH", RELAY_ACCEPTED_USER, RELAY_PLACEHOLDER_PASSWORD]))).toBe(true);
    expect(auth.relay(false).equals(encodeRequest(["AUTH", RELAY_REFUSED_USER, RELAY_PLACEHOLDER_PASSWORD]))).toBe(true);
    const hello = classifyRequest(args("HELLO", "3", "AUTH", "app", "tok", "SETNAME", "me"));
    expect(hello).toMatchObject({ kind: "authenticate", command: "HELLO", protocol: 3, credentials: { user: "app", password: "tok" } });
    if (hello.kind !== "authenticate") throw new Error("expected authenticate");
    expect(hello.relay(true).toString()).toBe(encodeRequest(["HELLO", "3", "AUTH", RELAY_ACCEPTED_USER, RELAY_PLACEHOLDER_PASSWORD, "SETNAME", "me"]).toString());
  });

  it("checks HELLO's arguments in Redis's order", () => {
    expect(classifyRequest(args("HELLO"))).toEqual({ kind: "hello" });
    expect(classifyRequest(args("HELLO", "3", "SETNAME", "me"))).toEqual({ kind: "hello", protocol: 3 });
    expect(classifyRequest(args("HELLO", "three"))).toMatchObject({ kind: "malformed", error: "ERR Protocol version is not an integer or out of range" });
    expect(classifyRequest(args("HELLO", "4", "AUTH", "app", "tok"))).toMatchObject({ kind: "malformed", error: "NOPROTO unsupported protocol version" });
    const bad = classifyRequest(args("HELLO", "3", "AUTH", "app", "tok", "BOGUS"));
    expect(bad).toMatchObject({ kind: "malformed", error: "ERR Syntax error in HELLO option 'BOGUS'" });
    if (bad.kind !== "malformed") throw new Error("expected malformed");
    expect(bad.relay.toString()).not.toContain("tok");
  });

  it("answers a wrong AUTH arity without relaying the arguments", () => {
    const bad = classifyRequest(args("AUTH", "a", "b", "secret"));
    expect(bad).toMatchObject({ kind: "malformed", error: "ERR wrong number of arguments for 'auth' command" });
    if (bad.kind !== "malformed") throw new Error("expected malformed");
    expect(bad.relay.toString()).not.toContain("secret");
  });

  it("leaves every other command alone", () => {
    expect(classifyRequest(args("GET", "AUTH"))).toEqual({ kind: "other" });
    expect(classifyRequest(args("quit"))).toEqual({ kind: "quit" });
  });
});
