// Shared wrappers: one per (provider, horizon). Owned wrappers: fresh, closeable. Both refuse an
// unmeetable horizon with the same HorizonUnmeetable error.
import { fromWebIdentity } from "@irsa/web-identity";
import { describe, expect, it } from "vitest";
import { IamAuthConfigurationError } from "./errors.js";
import { ownedSigningCredentials, SIGNING_MARGIN_MS, sharedSigningCredentials } from "./signing-credentials.js";
import { thrownBy } from "./test-support/failures.js";

const ASKED = { fn: "test", option: "expiresIn", what: "a test URL" };
const engineProvider = (durationSeconds?: number) =>
  fromWebIdentity({
    roleArn: "arn:aws:iam::111122223333:role/r",
    webIdentityTokenFile: "/nonexistent/token",
    region: "us-east-1",
    shared: false,
    ...(durationSeconds !== undefined ? { durationSeconds } : {}),
  });


describe("sharedSigningCredentials", () => {
  it("answers the same wrapper for the same provider and horizon, another for another horizon or provider", () => {
    const a = engineProvider();
    const b = engineProvider();
    try {
      const first = sharedSigningCredentials(a, 600_000, ASKED);
      expect(sharedSigningCredentials(a, 600_000, ASKED)).toBe(first);
      expect(first.minimumValidityMs).toBe(600_000);
      expect(sharedSigningCredentials(a, 900_000, ASKED)).not.toBe(first);
      expect(sharedSigningCredentials(b, 600_000, ASKED)).not.toBe(first);
    } finally {
      a.close();
      b.close();
    }
  });

  it("refuses 2 h on 1-hour sets and accepts it on 4-hour sets", () => {
    const hourly = engineProvider();
    const fourHourly = engineProvider(14_400);
    try {
      const error = thrownBy(() => sharedSigningCredentials(hourly, 2 * 3_600_000, ASKED));
      expect(error).toBeInstanceOf(IamAuthConfigurationError);
      expect(error).toMatchObject({ code: "HorizonUnmeetable", option: "expiresIn" });
      expect((error as Error).message).toMatch(/test: a test URL cannot be backed .*durationSeconds/);
      expect(sharedSigningCredentials(fourHourly, 2 * 3_600_000, ASKED).minimumValidityMs).toBe(7_200_000);
    } finally {
      hourly.close();
      fourHourly.close();
    }
  });
});

describe("ownedSigningCredentials", () => {
  const OWNED = { fn: "createTest", what: "a 15-minute test token" };

  it("answers a fresh wrapper per call, the token's life plus SIGNING_MARGIN_MS", () => {
    const provider = engineProvider();
    try {
      const first = ownedSigningCredentials(provider, 900_000, OWNED);
      const second = ownedSigningCredentials(provider, 900_000, OWNED);
      expect(second).not.toBe(first);
      expect(first.minimumValidityMs).toBe(900_000 + SIGNING_MARGIN_MS);
      expect(SIGNING_MARGIN_MS).toBe(300_000);
      first.close();
      second.close();
    } finally {
      provider.close();
    }
  });

  it("refuses credentials that are not a provider function: InvalidOption naming credentials", () => {
    expect(thrownBy(() => ownedSigningCredentials({ accessKeyId: "AKIA" }, 900_000, OWNED))).toMatchObject({
      name: "IamAuthConfigurationError",
      code: "InvalidOption",
      option: "credentials",
    });
  });

  it("refuses a horizon 15-minute sets can never meet: HorizonUnmeetable naming credentials and durationSeconds", () => {
    const quarterHourly = engineProvider(900);
    try {
      const error = thrownBy(() => ownedSigningCredentials(quarterHourly, 900_000, OWNED));
      expect(error).toBeInstanceOf(IamAuthConfigurationError);
      expect(error).toMatchObject({ code: "HorizonUnmeetable", option: "credentials" });
      expect((error as Error).message).toMatch(/^createTest: a 15-minute test token cannot be backed .*durationSeconds/);
    } finally {
      quarterHourly.close();
    }
  });
});
