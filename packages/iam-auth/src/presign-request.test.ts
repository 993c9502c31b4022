// presignRequest over @smithy/signature-v4: the set outlives the request; options checked.
import { HttpRequest } from "@smithy/protocol-http";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IamAuthConfigurationError } from "./errors.js";
import { presignRequest } from "./presign-request.js";

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const MINUTE = 60_000;
const request = () => new HttpRequest({ method: "GET", protocol: "https:", hostname: "api.example.com", path: "/items", headers: { host: "api.example.com" } });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("presignRequest", () => {
  it("presigns for the service and region with a set that outlives expiresIn (a 5-minute set is replaced once)", async () => {
    const calls: boolean[] = [];
    const credentials = async (properties?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
      const forced = properties?.forceRefresh === true;
      calls.push(forced);
      return { accessKeyId: forced ? "AKIAFRESH" : "AKIASTALE", secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + (forced ? 60 : 5) * MINUTE) };
    };
    const signed = await presignRequest(request(), { credentials, region: "eu-west-1", service: "execute-api", expiresIn: 600 });
    expect(signed.query["X-Amz-Credential"]).toBe("AKIAFRESH/20261206/eu-west-1/execute-api/aws4_request");
    expect(signed.query["X-Amz-Expires"]).toBe("600");
    expect(signed.query["X-Amz-Signature"]).toMatch(/^[0-9a-f]{64}$/);
    expect(calls).toEqual([false, true]);
  });

  it.each([
    [{ region: undefined }, "MissingOption", "region"],
    [{ service: "" }, "MissingOption", "service"],
    [{ credentials: undefined }, "MissingOption", "credentials"],
    [{ expiresIn: -1 }, "InvalidOption", "expiresIn"],
    [{ expiresIn: 60, signingRegion: "x" }, "UnknownOption", "signingRegion"],
  ])("bad option %j: %s naming %s", async (change, code, option) => {
    const credentials = async (): Promise<AwsCredentialIdentity> => ({ accessKeyId: "A", secretAccessKey: "s" });
    const options: Record<string, unknown> = { credentials, region: "eu-west-1", service: "execute-api", ...change };
    for (const [key, value] of Object.entries(change)) if (value === undefined) delete options[key];
    const error = await presignRequest(request(), options as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(IamAuthConfigurationError);
    expect(error).toMatchObject({ code, option });
  });
});
