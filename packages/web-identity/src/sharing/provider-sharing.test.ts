import { describe, expect, it } from "vitest";
import { fromWebIdentity } from "../providers/from-web-identity.js";
import { fromWebIdentityChain } from "../providers/chain.js";
import { ConfigurationError } from "../shared/errors.js";
import { sharingScopeOf, SHARE_DIR_VARIABLE } from "./sharing-options.js";

describe("the sharing options", () => {
  it("threads by default; the pod tier from the option or IRSA_SHARE_DIR; false wins over the variable", () => {
    expect(sharingScopeOf({}, {})).toEqual({ scope: "threads" });
    expect(sharingScopeOf({ shareAcrossThreads: false }, {})).toEqual({ scope: "off" });
    expect(sharingScopeOf({}, { [SHARE_DIR_VARIABLE]: "/run/irsa" })).toEqual({ scope: "pod", directory: "/run/irsa" });
    expect(sharingScopeOf({ shareAcrossProcesses: { directory: "/a" } }, { [SHARE_DIR_VARIABLE]: "/b" })).toEqual({ scope: "pod", directory: "/a" });
    expect(sharingScopeOf({ shareAcrossProcesses: false }, { [SHARE_DIR_VARIABLE]: "/b" })).toEqual({ scope: "threads" });
  });

  it.each([
    [{ shareAcrossThreads: "yes" }, /shareAcrossThreads must be true or false/],
    [{ shareAcrossProcesses: true }, /shareAcrossProcesses must be false or \{ directory/],
    [{ shareAcrossProcesses: { directory: "" } }, /shareAcrossProcesses must be false or \{ directory/],
  ])("a malformed option is a ConfigurationError at construction: %j", (init, message) => {
    expect(() => fromWebIdentity(init as never)).toThrow(ConfigurationError);
    expect(() => fromWebIdentity(init as never)).toThrow(message);
  });

  it("the chain refuses them rather than ignore them", () => {
    expect(() => fromWebIdentityChain({ shareAcrossProcesses: { directory: "/run/irsa" } })).toThrow(/not supported here yet/);
  });
});
