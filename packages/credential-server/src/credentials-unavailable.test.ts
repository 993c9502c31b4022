import { inspect } from "node:util";
import { TokenFileError, withCredentialCache, type CachedCredentialProvider, type CredentialCacheStats } from "@irsa/web-identity";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCredentialServer, type CredentialServer } from "./credential-server.js";
import { httpRequest } from "./test-helpers.js";

const SECRET = "fake-secret-access-key-0123456789";
const SESSION = "fake-session-token-abcdefghijklmnop";
const START = Date.parse("2030-01-01T00:00:00Z");
const started: CredentialServer[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close()));
});

/** A provider that keeps handing out the set it holds, as an engine in backoff does once it expired. */
function holdingProvider(expiration: Date, stats: Partial<CredentialCacheStats>): CachedCredentialProvider {
  const identity = { accessKeyId: "AKIAFAKEEXPIRED", secretAccessKey: SECRET, sessionToken: SESSION, expiration };
  const provider = Object.assign(async () => identity, {
    refresh: async () => identity,
    invalidate: () => {},
    close: () => {},
    stats: { sourceCalls: 1, failures: 0, blockedCalls: 0, ...stats },
    peek: () => ({ credentials: identity, wouldBlock: false }),
  });
  return provider;
}

async function start(provider: CachedCredentialProvider, now: () => number) {
  const server = await createCredentialServer({ provider, now, schedule: () => () => {} });
  started.push(server);
  return server;
}

describe("the credentials path never answers 200 with an expired set", () => {
  it("answers 503 with Retry-After up to the engine's next try and a JSON body saying what failed", async () => {
    const now = () => START;
    const provider = holdingProvider(new Date(START - 1000), { failures: 3, backoffUntil: START + 42_500 });
    const server = await start(provider, now);
    const answer = await httpRequest(server.url, { headers: { Authorization: server.authToken } });
    expect(answer.status).toBe(503);
    expect(answer.headers["retry-after"]).toBe("43");
    expect(answer.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(answer.body)).toEqual({
      Code: "CredentialsExpired",
      Message: expect.stringMatching(/expired at 2029-12-31T23:59:59\.000Z .*3 failed refreshes.*next try is at 2030-01-01T00:00:42\.500Z/),
      ExpiredAt: "2029-12-31T23:59:59.000Z",
      RetryAt: "2030-01-01T00:00:42.500Z",
    });
    expect(answer.body).not.toContain(SECRET);
    expect(answer.body).not.toContain(SESSION);
    expect(answer.body).not.toContain("AKIAFAKEEXPIRED");
    expect(server.isReady()).toBe(false);
  });

  it("serves the same set with 200 while it is still valid, and 503 from the millisecond it expires", async () => {
    let clock = START;
    const server = await start(holdingProvider(new Date(START + 10_000), {}), () => clock);
    const get = () => httpRequest(server.url, { headers: { Authorization: server.authToken } });
    expect((await get()).status).toBe(200);
    clock = START + 9_999;
    expect((await get()).status).toBe(200);
    clock = START + 10_000;
    const expired = await get();
    expect(expired.status).toBe(503);
    // No backoff known: come back in a second.
    expect(expired.headers["retry-after"]).toBe("1");
  });

  it("names the error and, for our own typed errors, says what to fix; another error's text stays out", async () => {
    const now = () => START;
    const typed = withCredentialCache(
      vi.fn(async () => {
        throw new TokenFileError("AWS_WEB_IDENTITY_TOKEN_FILE /var/run/token does not exist: check the projected volume.", {
          problem: "not-found",
          path: "/var/run/token",
          recoverable: true,
        });
      }),
      { now, errorCacheMs: 0, failureBackoffMs: [0, 0], recoveryBackoffMs: [1_000, 30_000], random: () => 1, proactive: false },
    );
    const server = await start(typed, now);
    const answer = await httpRequest(server.url, { headers: { Authorization: server.authToken } });
    expect(answer.status).toBe(503);
    const body = JSON.parse(answer.body) as Record<string, string>;
    expect(body.Code).toBe("CredentialsUnavailable");
    expect(body.Reason).toBe("TokenFileError");
    expect(body.Message).toContain("check the projected volume");
    expect(body.RetryAt).toBe("2030-01-01T00:00:01.000Z");

    const foreign = withCredentialCache(
      vi.fn(async () => {
        throw new Error(`upstream said ${SECRET}`);
      }),
      { now, errorCacheMs: 0, failureBackoffMs: [0, 0], proactive: false },
    );
    const other = await start(foreign, now);
    const plain = await httpRequest(other.url, { headers: { Authorization: other.authToken } });
    expect(plain.status).toBe(503);
    expect(JSON.parse(plain.body)).toMatchObject({ Code: "CredentialsUnavailable", Reason: "Error" });
    expect(plain.body).not.toContain(SECRET);
    expect(inspect(JSON.parse(plain.body))).not.toContain(SECRET);
  });
});
