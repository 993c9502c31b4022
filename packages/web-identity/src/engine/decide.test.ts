// The pure decision, case by case: no engine, no timers, only state, clock and trigger.
import { describe, expect, it } from "vitest";
import { answerAfterRefresh, decide, type CachedSet, type EngineState, type Hold } from "./decide.js";

const identity = { accessKeyId: "ASIAA", secretAccessKey: "s" };
const set: CachedSet = { identity, arrivedAt: 0, refreshAt: 100, mandatoryAt: 200, renewBy: 200, expiration: 300 };
const base: EngineState = { cached: set, invalidated: false, hold: undefined, flying: false, abandoned: false };
const hold = (rule: Hold["rule"], until: number): Hold => ({ rule, until, error: new Error(rule), streak: 0, signature: "Error" });

describe("decide", () => {
  it.each([
    ["nothing cached: wait", { ...base, cached: undefined }, 0, "call", "wait"],
    ["fresh: serve", base, 50, "call", "serve"],
    ["advisory: serve and refresh behind", base, 150, "call", "serve-and-refresh"],
    ["advisory during a hold: serve only", { ...base, hold: hold("backoff", 400) }, 150, "call", "serve"],
    ["advisory while a refresh runs: serve only", { ...base, flying: true }, 150, "call", "serve"],
    ["mandatory: wait", base, 250, "call", "wait"],
    ["mandatory under a backoff: serve the valid set", { ...base, hold: hold("backoff", 300) }, 250, "call", "serve"],
    ["mandatory after a backoff ended: serve, retry behind", { ...base, hold: hold("backoff", 220) }, 250, "call", "serve-and-refresh"],
    ["mandatory after a backoff, a retry running: serve", { ...base, hold: hold("backoff", 220), flying: true }, 250, "call", "serve"],
    ["mandatory under an error cache: raise", { ...base, hold: hold("error-cache", 260) }, 250, "call", "raise"],
    ["mandatory with an abandoned call: serve, start nothing", { ...base, abandoned: true }, 250, "call", "serve"],
    ["expired: wait", base, 300, "call", "wait"],
    ["expired under a recovery backoff: raise, never serve the expired set", { ...base, hold: hold("recovery", 310) }, 305, "call", "raise"],
    ["expired with an abandoned call: raise", { ...base, abandoned: true, hold: hold("recovery", 0) }, 305, "call", "raise"],
    ["invalidated: wait", { ...base, invalidated: true }, 50, "call", "wait"],
    ["refresh(): wait", base, 50, "forced", "wait"],
    ["refresh() under a backoff: the valid set", { ...base, hold: hold("backoff", 300) }, 250, "forced", "serve"],
    ["refresh() under a recovery backoff: raise", { ...base, cached: undefined, hold: hold("recovery", 10) }, 5, "forced", "raise"],
    ["timer when fresh: idle until the refresh instant", base, 50, "timer", "idle"],
    ["timer in the advisory window: refresh behind", base, 150, "timer", "serve-and-refresh"],
    ["timer during a hold: idle", { ...base, hold: hold("backoff", 400) }, 150, "timer", "idle"],
    ["timer with nothing cached: idle", { ...base, cached: undefined }, 0, "timer", "idle"],
  ] as const)("%s", (_name, state, now, trigger, action) => {
    expect(decide(state, now, trigger).action).toBe(action);
  });

  it("the timer wakes at the refresh instant or the hold's end", () => {
    expect(decide(base, 50, "timer")).toEqual({ action: "idle", wakeAt: 100 });
    expect(decide({ ...base, hold: hold("backoff", 400) }, 150, "timer")).toEqual({ action: "idle", wakeAt: 400 });
  });

  it("after a refresh: the new set; after a recoverable failure the still-valid set; else the error", () => {
    const error = new Error("x");
    expect(answerAfterRefresh({ ok: true, identity }, undefined, 0)).toEqual({ action: "serve", identity });
    expect(answerAfterRefresh({ ok: false, error, recoverable: true }, set, 299)).toEqual({ action: "serve", identity });
    expect(answerAfterRefresh({ ok: false, error, recoverable: true }, set, 300)).toEqual({ action: "raise", error });
    expect(answerAfterRefresh({ ok: false, error, recoverable: false }, set, 250)).toEqual({ action: "raise", error });
  });
});
