import { describe, expect, it } from "vitest";
import { fromWireSet, toWireError, toWireSet } from "./wire-format.js";
import { StsRequestError } from "../shared/errors.js";

describe("sets and errors on the wire", () => {
  it("a set keeps every field it travels with", () => {
    const set = { accessKeyId: "ASIA1", secretAccessKey: "s", sessionToken: "t", expiration: new Date(1_000), accountId: "1", credentialScope: "c", $source: { X: "k" } };
    const back = fromWireSet(JSON.parse(JSON.stringify(toWireSet(set))));
    expect(back).toEqual(set);
  });

  it.each([null, "x", {}, { accessKeyId: "", secretAccessKey: "s" }, { accessKeyId: "A", secretAccessKey: 1 }, { accessKeyId: "A", secretAccessKey: "s", expiration: "soon" }, { accessKeyId: "A", secretAccessKey: "s", $source: { a: 1 } }])(
    "a malformed set is refused: %j",
    (value) => {
      expect(fromWireSet(value)).toBeUndefined();
    },
  );

  it("an error keeps its name, code and class, and no secret", () => {
    const error = new StsRequestError("denied for token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln", { code: "AccessDenied", recoverable: false } as never);
    const wire = toWireError(error);
    expect(wire).toMatchObject({ name: "StsRequestError", recoverable: false });
    expect(wire.message).not.toContain("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0");
  });
});
