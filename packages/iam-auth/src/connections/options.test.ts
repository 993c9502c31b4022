import { afterEach, describe, expect, it } from "vitest";
import { IamAuthConfigurationError } from "../errors.js";
import { signingRegion } from "./options.js";
import { thrownBy } from "../test-support/failures.js";

const saved = { AWS_REGION: process.env.AWS_REGION, AWS_DEFAULT_REGION: process.env.AWS_DEFAULT_REGION };
const setEnv = (env: Record<string, string | undefined>) => {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
};
afterEach(() => setEnv(saved));

describe("signingRegion", () => {
  it("takes the option first, then AWS_REGION, then AWS_DEFAULT_REGION; an empty variable counts as unset", () => {
    setEnv({ AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "us-west-2" });
    expect(signingRegion("fn", "ap-south-1")).toBe("ap-south-1");
    expect(signingRegion("fn", undefined)).toBe("eu-west-1");
    setEnv({ AWS_REGION: "" });
    expect(signingRegion("fn", undefined)).toBe("us-west-2");
  });

  it("no region anywhere is MissingOption naming the option and both variables; a malformed one InvalidOption", () => {
    setEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: "" });
    const error = thrownBy(() => signingRegion("createX", undefined));
    expect(error).toBeInstanceOf(IamAuthConfigurationError);
    expect(error).toMatchObject({ code: "MissingOption", option: "region" });
    expect(error.message).toMatch(/^createX: region is required .*AWS_REGION or AWS_DEFAULT_REGION/);
    expect(() => signingRegion("createX", "US East")).toThrow(expect.objectContaining({ code: "InvalidOption", option: "region" }));
    expect(() => signingRegion("createX", null)).toThrow(expect.objectContaining({ code: "MissingOption" }));
  });
});
