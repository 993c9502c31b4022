import { describe, expect, it } from "vitest";
import { classifyStsError, normaliseStsCode } from "./sts-errors.js";

/** An error shaped like the v3 client's service exceptions. */
function serviceError(name: string, message: string, httpStatusCode: number, extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? "server" : "client",
    $metadata: { httpStatusCode, requestId: "req-123" },
    ...extra,
  });
}

describe("normaliseStsCode", () => {
  it("drops the modeled Exception suffix only", () => {
    expect(normaliseStsCode("IDPCommunicationErrorException")).toBe("IDPCommunicationError");
    expect(normaliseStsCode("ThrottlingException")).toBe("Throttling");
    expect(normaliseStsCode("Throttling")).toBe("Throttling");
    expect(normaliseStsCode("Exception")).toBe("Exception");
  });
});

describe("classifyStsError", () => {
  it.each([
    ["IDPCommunicationErrorException", 400],
    ["IDPCommunicationError", 400],
    ["Throttling", 400],
    ["ThrottlingException", 400],
    ["RequestLimitExceeded", 400],
    ["ServiceUnavailable", 503],
    ["InternalFailure", 500],
    ["SomethingNew", 502],
    ["TooManyRequests", 429],
  ])("%s (HTTP %i) is retried", (name, status) => {
    expect(classifyStsError(serviceError(name, "x", status)).action).toBe("retry");
  });

  it("a 2xx answer the client could not parse (truncated XML) is retried as MalformedResponse", () => {
    const parseError = Object.assign(new Error("Unexpected end of XML"), { $metadata: { httpStatusCode: 200 } });
    const classified = classifyStsError(parseError);
    expect(classified.action).toBe("retry");
    expect(classified.code).toBe("MalformedResponse");
  });

  it.each([
    ["AccessDenied", "Not authorized to perform sts:AssumeRoleWithWebIdentity"],
    ["ValidationError", "1 validation error detected"],
    ["MalformedPolicyDocumentException", "bad policy"],
    ["MalformedPolicyDocument", "bad policy"],
    ["PackedPolicyTooLargeException", "too large"],
    ["RegionDisabledException", "STS is not activated in this region"],
    ["IDPRejectedClaimException", "claim rejected"],
    ["IDPRejectedClaim", "claim rejected"],
    ["InvalidIdentityTokenException", "Incorrect token audience"],
    ["InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://oidc.example.test"],
    ["SomeNew4xx", "?"],
  ])("%s (%s) fails at once", (name, message) => {
    const result = classifyStsError(serviceError(name, message, 400));
    expect(result.action).toBe("fail");
    expect(result.hint).not.toBe("");
    expect(result.requestId).toBe("req-123");
    expect(result.httpStatus).toBe(400);
  });

  it("InvalidIdentityToken \"Couldn't retrieve verification key\" is retried, on both spellings", () => {
    const message = "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation";
    expect(classifyStsError(serviceError("InvalidIdentityTokenException", message, 400)).action).toBe("retry");
    expect(classifyStsError(serviceError("InvalidIdentityToken", message, 400)).action).toBe("retry");
  });

  it("other InvalidIdentityToken and ExpiredToken mean: read the token again", () => {
    expect(classifyStsError(serviceError("InvalidIdentityTokenException", "Token signature invalid", 400)).action).toBe("reread-token");
    expect(classifyStsError(serviceError("ExpiredTokenException", "Token expired", 400))).toMatchObject({
      action: "reread-token",
      code: "ExpiredToken",
    });
  });

  it("reads the raw Code and the nested Error.Code when the name is generic", () => {
    expect(classifyStsError(Object.assign(new Error("m"), { name: "ServiceException", Code: "AccessDenied" }))).toMatchObject({
      code: "AccessDenied",
      action: "fail",
    });
    expect(classifyStsError({ Error: { Code: "IDPCommunicationError" }, message: "m" }).action).toBe("retry");
  });

  it("socket errors and our timeout are retried", () => {
    for (const code of ["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE"]) {
      expect(classifyStsError(Object.assign(new Error("socket hang up"), { code })).action).toBe("retry");
    }
    expect(classifyStsError(Object.assign(new Error("t"), { name: "TimeoutError" })).action).toBe("retry");
    expect(classifyStsError(Object.assign(new Error("a"), { name: "AbortError" })).action).toBe("retry");
  });

  it("a code named like an Object.prototype member is not mistaken for a known one", () => {
    expect(classifyStsError(serviceError("constructor", "x", 400))).toMatchObject({ action: "fail" });
    expect(typeof classifyStsError(serviceError("toString", "x", 400)).hint).toBe("string");
  });
});
