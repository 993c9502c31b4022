// The RDS token provider over the real @aws-sdk/rds-signer: reuse while the token has enough life,
// one signing for concurrent logins, every option checked, nothing secret printed.
import { inspect } from "node:util";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IamAuthConfigurationError, PeerDependencyError } from "./errors.js";
import { createRdsAuthTokenProvider, type RdsAuthTokenProviderInit } from "./rds-auth-token-provider.js";
import { authTokenExpiresAt } from "./auth-token-expiry.js";
import { notInstalled, thrownBy } from "./test-support/failures.js";

const T0 = Date.UTC(2026, 11, 6, 12, 0, 0);
const MINUTE = 60_000;
const SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const SESSION = "session-token-that-must-never-be-printed";

/** A plain provider (not an engine) counting its calls; each set lives `lifetimeMs` from now. */
function countingProvider(lifetimeMs = 60 * MINUTE) {
  const calls: Array<Record<string, unknown> | undefined> = [];
  const provider = async (properties?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
    calls.push(properties);
    return { accessKeyId: `AKIA${calls.length}`, secretAccessKey: SECRET, sessionToken: SESSION, expiration: new Date(Date.now() + lifetimeMs) };
  };
  return { provider, calls };
}

const base = (credentials: RdsAuthTokenProviderInit["credentials"]): RdsAuthTokenProviderInit => ({
  hostname: "db.local",
  port: 5432,
  username: "app",
  region: "us-east-1",
  credentials,
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"], now: T0 });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("createRdsAuthTokenProvider", () => {
  it("signs with rds-signer for host:port and user, reuses the token while 10 min are left, then signs again", async () => {
    const { provider } = countingProvider();
    const tokens = createRdsAuthTokenProvider(base(provider));
    const first = await tokens();
    expect(first).toMatch(/^db\.local:5432\/\?Action=connect&DBUser=app&X-Amz-Algorithm=AWS4-HMAC-SHA256&/);
    expect(authTokenExpiresAt(first)).toBe(T0 + 15 * MINUTE);
    vi.setSystemTime(T0 + 5 * MINUTE);
    expect(await tokens()).toBe(first); // 10 min left: still enough for a login
    vi.setSystemTime(T0 + 5 * MINUTE + 1_000);
    const second = await tokens();
    expect(second).not.toBe(first);
    expect(tokens.stats).toEqual({ tokensSigned: 2, tokensReused: 1 });
  });

  it("50 concurrent logins share one signing", async () => {
    const { provider, calls } = countingProvider();
    const tokens = createRdsAuthTokenProvider(base(provider));
    const all = await Promise.all(Array.from({ length: 50 }, () => tokens()));
    expect(new Set(all).size).toBe(1);
    expect(tokens.stats.tokensSigned).toBe(1);
    expect(calls).toHaveLength(1);
  });

  it("over a provider that is not an engine, a set with less than 16 min is refreshed once with forceRefresh", async () => {
    let n = 0;
    const provider = async (properties?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
      n++;
      const lifetime = properties?.forceRefresh === true ? 60 * MINUTE : 10 * MINUTE;
      return { accessKeyId: `AKIA${n}`, secretAccessKey: SECRET, sessionToken: SESSION, expiration: new Date(Date.now() + lifetime) };
    };
    const tokens = createRdsAuthTokenProvider(base(provider));
    const token = await tokens();
    expect(token).toContain("AKIA2");
    expect(n).toBe(2);
  });

  it("a set that stays too short is refused with MinimumValidityError, not signed into a token that dies early", async () => {
    const { provider } = countingProvider(10 * MINUTE);
    const tokens = createRdsAuthTokenProvider(base(provider));
    await expect(tokens()).rejects.toMatchObject({ name: "MinimumValidityError", code: "MinimumValidityUnmet" });
    expect(tokens.stats.tokensSigned).toBe(0);
  });

  it.each([
    [{ hostnme: "x" }, "UnknownOption", "hostnme"],
    [{ hostname: undefined }, "MissingOption", "hostname"],
    [{ hostname: " db " }, "InvalidOption", "hostname"],
    [{ port: undefined }, "MissingOption", "port"],
    [{ port: 70_000 }, "InvalidOption", "port"],
    [{ port: "5432" }, "InvalidOption", "port"],
    [{ username: "" }, "MissingOption", "username"],
    [{ region: 3 }, "InvalidOption", "region"],
    [{ region: "EU West" }, "InvalidOption", "region"],
    [{ region: "" }, "MissingOption", "region"],
    [{ minimumTokenLifeMs: 15 * MINUTE }, "InvalidOption", "minimumTokenLifeMs"],
    [{ credentials: "AKIA" }, "InvalidOption", "credentials"],
  ])("bad input %j: IamAuthConfigurationError %s naming %s", (change, code, option) => {
    const { provider } = countingProvider();
    const init = { ...base(provider), ...change } as RdsAuthTokenProviderInit;
    for (const key of Object.keys(change)) if ((change as Record<string, unknown>)[key] === undefined) delete (init as unknown as Record<string, unknown>)[key];
    const error = thrownBy(() => createRdsAuthTokenProvider(init));
    expect(error).toBeInstanceOf(IamAuthConfigurationError);
    expect(error).toMatchObject({ code, option, recoverable: false });
    expect((error as Error).message).toContain(option);
  });

  it("no region anywhere: MissingOption naming region and the variables", () => {
    vi.stubEnv("AWS_REGION", "");
    vi.stubEnv("AWS_DEFAULT_REGION", "");
    const { provider } = countingProvider();
    const { region: _region, ...init } = base(provider);
    try {
      expect(() => createRdsAuthTokenProvider(init)).toThrow(/region is required .*AWS_REGION/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("rds-signer not installed: PeerDependencyError naming the package, at the first call", async () => {
    const { provider } = countingProvider();
    const tokens = createRdsAuthTokenProvider({
      ...base(provider),
      loadPeer: notInstalled,
    });
    const error = await tokens().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PeerDependencyError);
    expect(error).toMatchObject({ code: "PeerDependencyMissing", packageName: "@aws-sdk/rds-signer", recoverable: false });
    expect((error as Error).message).toContain("npm install @aws-sdk/rds-signer");
  });

  it("prints no token, secret or session token: the provider, its stats and its errors", async () => {
    const { provider } = countingProvider();
    const tokens = createRdsAuthTokenProvider(base(provider));
    const token = await tokens();
    const printed = [inspect(tokens, { showHidden: true, depth: 5 }), JSON.stringify(tokens), JSON.stringify(tokens.stats)].join("\n");
    for (const secret of [token, SECRET, SESSION, token.split("X-Amz-Signature=")[1]!]) expect(printed).not.toContain(secret);
    const short = createRdsAuthTokenProvider(base(countingProvider(MINUTE).provider));
    const error = await short().catch((caught: unknown) => caught);
    const errorText = [inspect(error, { showHidden: true, depth: 5 }), JSON.stringify(error), String(error)].join("\n");
    for (const secret of [SECRET, SESSION]) expect(errorText).not.toContain(secret);
  });
});
