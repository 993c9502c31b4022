// Observers cannot break anything: a throwing or rejecting onEvent, a throwing logger, a
// class-based logger; each provider sharing an engine sees every event.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialSet, settle } from "@irsa/testing";
import type { CredentialCacheEvent } from "./cache-types.js";
import { withCredentialCache } from "./cached-provider.js";

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
beforeAll(() => process.on("unhandledRejection", onUnhandled));
afterAll(() => process.off("unhandledRejection", onUnhandled));

const failing = async () => {
  throw new Error("ServiceUnavailable");
};

describe("observers", () => {
  it("an onEvent that returns a rejected promise or throws: caught, never unhandled, the refresh unaffected", async () => {
    const source = async () => credentialSet("A", Date.now() + 3_600_000);
    const rejecting = withCredentialCache(source, { shared: false, onEvent: () => Promise.reject(new Error("observer down")) });
    const throwing = withCredentialCache(source, { shared: false, onEvent: () => {
      throw new Error("observer bug");
    } });
    expect((await rejecting()).accessKeyId).toBe("ASIAA");
    expect((await throwing()).accessKeyId).toBe("ASIAA");
    const failingProvider = withCredentialCache(failing, { shared: false, onEvent: () => Promise.reject(new Error("observer down")) });
    await expect(failingProvider()).rejects.toThrow("ServiceUnavailable");
    for (let i = 0; i < 5; i++) await settle();
    expect(unhandled).toEqual([]);
    for (const provider of [rejecting, throwing, failingProvider]) provider.close();
  });

  it("a logger whose methods throw or reject does not fail a fetch", async () => {
    let sourceCalls = 0;
    const logger = {
      debug: () => {
        throw new Error("logger bug");
      },
      warn: () => Promise.reject(new Error("log shipper down")),
    };
    const provider = withCredentialCache(async () => (sourceCalls++, credentialSet("A", Date.now() + 3_600_000)), { logger });
    expect((await provider()).accessKeyId).toBe("ASIAA");
    expect(sourceCalls).toBe(1);
    for (let i = 0; i < 5; i++) await settle();
    expect(unhandled).toEqual([]);
    provider.close();
  });

  it("a class-based logger is called on its instance (methods on the prototype, using `this`), one prefix", async () => {
    class Recorder {
      readonly lines: string[] = [];
      debug(message: string) {
        this.lines.push(message);
      }
    }
    const recorder = new Recorder();
    const provider = withCredentialCache(async () => credentialSet("A", Date.now() + 3_600_000), { logger: recorder });
    await provider();
    expect(recorder.lines.length).toBeGreaterThan(0);
    for (const line of recorder.lines) expect(line).toMatch(/^\[irsa-credentials\] /);
    provider.close();
  });

  it("providers sharing one engine each see every event in their own onEvent", async () => {
    const source = async () => credentialSet("SHARED", Date.now() + 3_600_000);
    const seen: CredentialCacheEvent[][] = [[], []];
    const first = withCredentialCache(source, { onEvent: (event) => seen[0]!.push(event) });
    const second = withCredentialCache(source, { onEvent: (event) => seen[1]!.push(event) });
    await Promise.all([first(), second()]);
    expect(first.stats.sourceCalls).toBe(1);
    expect(seen[0]!.map((event) => event.type)).toEqual(["refresh-started", "refresh-succeeded"]);
    expect(seen[1]).toEqual(seen[0]);
    first.close();
    await second.refresh();
    expect(seen[0]).toHaveLength(2); // closed: detached
    expect(seen[1]).toHaveLength(4);
    second.close();
  });
});
