import { describe, expect, it } from "vitest";
import { signedAccessKeyId } from "./signed-access-key.js";

describe("signedAccessKeyId", () => {
  it("reads the key of a SigV4 Authorization header", () => {
    expect(
      signedAccessKeyId({
        Authorization:
          "AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEKEY123456/20260101/us-east-1/sts/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc",
      }),
    ).toBe("ASIAEXAMPLEKEY123456");
  });

  it("reads the key of the legacy S3 signer", () => {
    expect(signedAccessKeyId({ Authorization: "AWS ASIAEXAMPLEKEY123456:c2lnbmF0dXJl" })).toBe("ASIAEXAMPLEKEY123456");
  });

  it("accepts a lower-case header name", () => {
    expect(signedAccessKeyId({ authorization: "AWS4-HMAC-SHA256 Credential=AKID/x/y/z/aws4_request" })).toBe("AKID");
  });

  it("is undefined without a recognisable Authorization header", () => {
    expect(signedAccessKeyId(undefined)).toBeUndefined();
    expect(signedAccessKeyId({})).toBeUndefined();
    expect(signedAccessKeyId({ Authorization: "Bearer token" })).toBeUndefined();
  });
});
