// One wrapper (one registered horizon) per (provider, horizon); an unmeetable horizon is refused.
import { fromWebIdentity } from "@irsa/web-identity";
import { describe, expect, it } from "vitest";
import { IamAuthConfigurationError } from "./errors.js";
import { signingCredentials } from "./signing-credentials.js";

const ASKED = { fn: "test", option: "expiresIn", what: "a test URL" };
const engineProvider = (durationSeconds?: number) =>
  fromWebIdentity({
    roleArn: "arn:aws:iam::111122223333:role/r",
    webIdentityTokenFile: "/nonexistent/token",
    region: "us-east-1",
    shared: false,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  });

describe("signingCredentials", () => {
  it("answers the same wrapper for the same provider and horizon, another for another horizon or provider", () => {
    const a = engineProvider();
    const b = engineProvider();
    try {
      const first = signingCredentials(a, 600_000, ASKED);
      expect(signingCredentials(a, 600_000, ASKED)).toBe(first);
      expect(first.minimumValidityMs).toBe(600_000);
      expect(signingCredentials(a, 900_000, ASKED)).not.toBe(first);
      expect(signingCredentials(b, 600_000, ASKED)).not.toBe(first);
    } finally {
      a.close();
      b.close();
    }
  });

  it("refuses 2 h on 1-hour sets and accepts it on 4-hour sets", () => {
    const hourly = engineProvider();
    const fourHourly = engineProvider(14_400);
    try {
      let error: unknown;
      try {
        signingCredentials(hourly, 2 * 3_600_000, ASKED);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(IamAuthConfigurationError);
      expect(error).toMatchObject({ code: "HorizonUnmeetable", option: "expiresIn" });
      expect((error as Error).message).toMatch(/test: a test URL cannot be backed .*durationSeconds/);
      expect(signingCredentials(fourHourly, 2 * 3_600_000, ASKED).minimumValidityMs).toBe(7_200_000);
    } finally {
      hourly.close();
      fourHourly.close();
    }
  });
});
