import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../shared/errors.js";
import { validateRoleChain } from "./role-chain.js";

const ROLE = "arn:aws:iam::222233334444:role/target";

describe("validateRoleChain", () => {
  it("undefined and [] mean no hops", () => {
    expect(validateRoleChain(undefined)).toEqual([]);
    expect(validateRoleChain([])).toEqual([]);
  });

  it("keeps the fields it knows", () => {
    expect(
      validateRoleChain([{ roleArn: ROLE }, { roleArn: "arn:aws-cn:iam::333344445555:role/path/x", externalId: "ext:1", roleSessionName: "job", durationSeconds: 900 }]),
    ).toEqual([{ roleArn: ROLE }, { roleArn: "arn:aws-cn:iam::333344445555:role/path/x", externalId: "ext:1", roleSessionName: "job", durationSeconds: 900 }]);
  });

  it.each([
    ["not an array", { roleArn: ROLE }, "`roleChain` must be an array"],
    ["a hop that is not an object", [ROLE], "roleChain[0]"],
    ["a missing role", [{ roleArn: ROLE }, {}], "roleChain[1].roleArn"],
    ["a malformed role", [{ roleArn: "arn:aws:iam::1:role/x" }], "roleChain[0].roleArn"],
    ["a bad session name", [{ roleArn: ROLE, roleSessionName: "a b" }], "roleChain[0].roleSessionName"],
    ["a duration past the one-hour chaining cap", [{ roleArn: ROLE, durationSeconds: 7200 }], "roleChain[0].durationSeconds"],
    ["a duration under 15 minutes", [{ roleArn: ROLE, durationSeconds: 60 }], "roleChain[0].durationSeconds"],
  ])("%s: ConfigurationError naming %s", (_case, roleChain, named) => {
    expect(() => validateRoleChain(roleChain)).toThrow(ConfigurationError);
    expect(() => validateRoleChain(roleChain)).toThrow(named);
  });

  it("a bad external id is refused without echoing it", () => {
    let message = "";
    try {
      validateRoleChain([{ roleArn: ROLE, externalId: "has spaces in it" }]);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("roleChain[0].externalId");
    expect(message).not.toContain("has spaces in it");
  });
});
