import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ConfigurationError, NotConfiguredError, StsRequestError, TokenFileError } from "../../shared/errors.js";
import { createWebIdentitySource, type WebIdentitySource, type WebIdentitySourceInit } from "./web-identity-source.js";

const STS = "http://127.0.0.1:65111";
const ROLE = "arn:aws:iam::123456789012:role/app";
const NOW = Date.parse("2030-01-01T00:00:00Z");

function jwt(jti: string, claims: Record<string, unknown> = {}): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256" })}.${part({
    iss: "https://oidc.example.test/id/ABC",
    sub: "system:serviceaccount:shop:api",
    aud: "sts.amazonaws.com",
    exp: NOW / 1000 + 3600,
    jti,
    ...claims,
  })}.c2lnbmF0dXJl`;
}

function successXml(accessKeyId = "ASIAEXAMPLE1", requestId = "req-ok") {
  return `<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>system:serviceaccount:shop:api</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/app/session</Arn>
      <AssumedRoleId>AROAEXAMPLE:session</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>secret-access-key-value</SecretAccessKey>
      <SessionToken>session-token-value</SessionToken>
      <Expiration>2030-01-01T01:00:00Z</Expiration>
    </Credentials>
    <Provider>arn:aws:iam::123456789012:oidc-provider/oidc.example.test/id/ABC</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`;
}

function errorXml(code: string, message: string, requestId = "req-err") {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>
  <RequestId>${requestId}</RequestId>
</ErrorResponse>`;
}

const xmlHeaders = (requestId: string) => ({ "content-type": "text/xml", "x-amzn-requestid": requestId });

let dir: string;
let tokenFile: string;
let sleeps: number[];
let sources: WebIdentitySource[];

beforeAll(() => {
  nock.disableNetConnect();
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "irsa-source-"));
  tokenFile = join(dir, "token");
  await writeFile(tokenFile, jwt("jti-1"));
  sleeps = [];
  sources = [];
});
afterEach(async () => {
  for (const source of sources) source.close();
  nock.cleanAll();
  vi.useRealTimers();
  await rm(dir, { recursive: true, force: true });
});

function source(init: WebIdentitySourceInit = {}, env: Record<string, string> = {}): WebIdentitySource {
  const created = createWebIdentitySource(
    {
      roleArn: ROLE,
      webIdentityTokenFile: tokenFile,
      region: "eu-west-1",
      clientConfig: { endpoint: STS },
      now: () => NOW,
      random: () => 0.5,
      ...init,
      retry: { sleep: async (ms) => void sleeps.push(ms), ...init.retry },
    },
    { env: () => env },
  );
  sources.push(created);
  return created;
}

/** Every STS request body, parsed. */
function recordBodies(scope: nock.Interceptor, status: number, reply: (body: URLSearchParams) => string, headers = xmlHeaders("r")) {
  const bodies: URLSearchParams[] = [];
  return {
    bodies,
    scope: scope.reply(status, (_uri, body) => {
      const params = new URLSearchParams(String(body));
      bodies.push(params);
      return reply(params);
    }, headers),
  };
}

async function failure(promise: Promise<unknown>): Promise<StsRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StsRequestError);
  return error as StsRequestError;
}

describe("web identity source: success", () => {
  it("sends the role, session name, token and options; returns credentials with expiration and accountId", async () => {
    const { bodies } = recordBodies(nock(STS).post("/"), 200, () => successXml());
    const credentials = await source({ durationSeconds: 900, policy: '{"Version":"2012-10-17"}', roleSessionName: "my-session" })();
    expect(credentials).toEqual({
      accessKeyId: "ASIAEXAMPLE1",
      secretAccessKey: "secret-access-key-value",
      sessionToken: "session-token-value",
      expiration: new Date("2030-01-01T01:00:00Z"),
      accountId: "123456789012",
    });
    expect(bodies).toHaveLength(1);
    const body = bodies[0]!;
    expect(body.get("Action")).toBe("AssumeRoleWithWebIdentity");
    expect(body.get("RoleArn")).toBe(ROLE);
    expect(body.get("RoleSessionName")).toBe("my-session");
    expect(body.get("WebIdentityToken")).toBe(jwt("jti-1"));
    expect(body.get("DurationSeconds")).toBe("900");
    expect(body.get("Policy")).toBe('{"Version":"2012-10-17"}');
    expect(nock.isDone()).toBe(true);
  });

  it("reads the token file on every call, and keeps one generated session name", async () => {
    const { bodies } = recordBodies(nock(STS).post("/").times(2), 200, () => successXml());
    const fetch = source();
    await fetch();
    await writeFile(tokenFile, jwt("jti-2"));
    await fetch();
    expect(bodies.map((b) => b.get("WebIdentityToken"))).toEqual([jwt("jti-1"), jwt("jti-2")]);
    const [first, second] = bodies.map((b) => b.get("RoleSessionName"));
    expect(first).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(second).toBe(first);
    expect(fetch.info.roleSessionName).toBe(first);
  });

  it("reads configuration per call: nothing at construction, a later environment is honoured", async () => {
    const env: Record<string, string> = {};
    const fetch = createWebIdentitySource({ clientConfig: { endpoint: STS }, now: () => NOW }, { env: () => env });
    sources.push(fetch);
    await expect(fetch()).rejects.toBeInstanceOf(NotConfiguredError);
    env.AWS_ROLE_ARN = ROLE;
    await expect(fetch()).rejects.toBeInstanceOf(ConfigurationError);
    env.AWS_WEB_IDENTITY_TOKEN_FILE = tokenFile;
    env.AWS_REGION = "eu-west-1";
    nock(STS).post("/").reply(200, successXml(), xmlHeaders("r"));
    await expect(fetch()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE1" });
    expect(fetch.info).toMatchObject({ region: "eu-west-1", regionSource: "env:AWS_REGION", roleArn: ROLE });
  });

  it("a stale token file (expired beyond the unmeasured-skew allowance): no STS call", async () => {
    await writeFile(tokenFile, jwt("old", { exp: NOW / 1000 - 16 * 60 }));
    const scope = nock(STS).post("/").reply(200, successXml(), xmlHeaders("r"));
    const error = await source()().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(TokenFileError);
    expect((error as TokenFileError).problem).toBe("expired");
    expect(scope.isDone()).toBe(false); // STS was never called
  });
});

describe("web identity source: retries inside one fetch", () => {
  it("HTTP 500 then success: 2 calls, one jittered wait of 100-200 ms, the client's own retries off", async () => {
    const scope = nock(STS)
      .post("/")
      .reply(500, errorXml("InternalFailure", "boom"), xmlHeaders("r1"))
      .post("/")
      .reply(200, successXml(), xmlHeaders("r2"));
    await expect(source()()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE1" });
    scope.done();
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(100);
    expect(sleeps[0]).toBeLessThan(200);
  });

  it.each([
    ["Throttling", 400],
    ["IDPCommunicationError", 400],
    ["RequestLimitExceeded", 400],
    ["ServiceUnavailable", 503],
  ])("%s then success: 2 calls", async (code, status) => {
    const scope = nock(STS)
      .post("/")
      .reply(status, errorXml(code, "try later"), xmlHeaders("r1"))
      .post("/")
      .reply(200, successXml(), xmlHeaders("r2"));
    await expect(source()()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE1" });
    scope.done();
  });

  it("InvalidIdentityToken \"Couldn't retrieve verification key\" is retried", async () => {
    const scope = nock(STS)
      .post("/")
      .reply(400, errorXml("InvalidIdentityToken", "Couldn't retrieve verification key from your identity provider"), xmlHeaders("r1"))
      .post("/")
      .reply(200, successXml(), xmlHeaders("r2"));
    await expect(source()()).resolves.toBeDefined();
    scope.done();
  });

  it("IDPCommunicationError three times: exactly 3 calls, then a recoverable StsRequestError", async () => {
    const scope = nock(STS).post("/").times(3).reply(400, errorXml("IDPCommunicationError", "idp down", "req-idp"), xmlHeaders("req-idp"));
    const error = await failure(source()());
    scope.done();
    expect(error.code).toBe("IDPCommunicationError");
    expect(error.attempts).toBe(3);
    expect(error.recoverable).toBe(true);
    expect(error.tryNextLink).toBe(false);
    expect(error.requestId).toBe("req-idp");
    expect(sleeps).toHaveLength(2);
    expect(sleeps[1]).toBeGreaterThanOrEqual(200);
    expect(sleeps[1]).toBeLessThan(400);
  });

  it("a connection reset, then success", async () => {
    const scope = nock(STS)
      .post("/")
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }))
      .post("/")
      .reply(200, successXml(), xmlHeaders("r2"));
    await expect(source()()).resolves.toBeDefined();
    scope.done();
  });

  it("an attempt that hangs is aborted after attemptTimeoutMs, then retried", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const scope = nock(STS)
      .post("/")
      .delay(60_000)
      .reply(200, successXml("ASIATOOLATE"), xmlHeaders("r1"))
      .post("/")
      .reply(200, successXml("ASIAINTIME"), xmlHeaders("r2"));
    const firstRequest = new Promise<void>((resolve) => scope.once("request", () => resolve()));
    const pending = source({ retry: { attemptTimeoutMs: 1_500 } })();
    await firstRequest; // the attempt's timer is armed before the request goes out
    await vi.advanceTimersByTimeAsync(1_499);
    expect(sleeps).toEqual([]); // not yet timed out
    await vi.advanceTimersByTimeAsync(1);
    await expect(pending).resolves.toMatchObject({ accessKeyId: "ASIAINTIME" });
    scope.done();
    expect(sleeps).toHaveLength(1);
  });

  it("the attempt budget counts every cause: 500, rotated-token rejection, 500 -> 3 calls, then fail", async () => {
    const scope = nock(STS)
      .post("/")
      .reply(500, errorXml("InternalFailure", "x"), xmlHeaders("r1"))
      .post("/")
      .reply(400, () => {
        void writeFile(tokenFile, jwt("jti-2"));
        return errorXml("InvalidIdentityToken", "token rejected");
      }, xmlHeaders("r2"))
      .post("/")
      .reply(500, errorXml("InternalFailure", "x"), xmlHeaders("r3"));
    const error = await failure(source()());
    scope.done();
    expect(error.attempts).toBe(3);
  });
});

describe("web identity source: token rejected", () => {
  it("InvalidIdentityToken and kubelet rotated the file: one immediate retry with the new token", async () => {
    const sent: string[] = [];
    nock(STS)
      .post("/")
      .reply(
        400,
        async (_uri, body) => {
          sent.push(new URLSearchParams(String(body)).get("WebIdentityToken")!);
          await writeFile(tokenFile, jwt("jti-2")); // kubelet rotates while STS says no
          return errorXml("InvalidIdentityToken", "The token is not valid");
        },
        xmlHeaders("r1"),
      )
      .post("/")
      .reply(
        200,
        (_uri, body) => {
          sent.push(new URLSearchParams(String(body)).get("WebIdentityToken")!);
          return successXml();
        },
        xmlHeaders("r2"),
      );
    await expect(source()()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE1" });
    expect(sent).toEqual([jwt("jti-1"), jwt("jti-2")]);
    expect(sleeps).toEqual([]); // at once
  });

  it("InvalidIdentityToken for the same bytes twice (read again after a pause): 2 calls, non-recoverable", async () => {
    const scope = nock(STS).post("/").times(2).reply(400, errorXml("InvalidIdentityToken", "The token is not valid"), xmlHeaders("r1"));
    const error = await failure(source()());
    scope.done();
    expect(error.attempts).toBe(2);
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain("same token bytes twice");
  });

  it("InvalidIdentityToken once, then the re-read token is accepted: 2 calls, success (a torn read)", async () => {
    const scope = nock(STS)
      .post("/")
      .reply(400, errorXml("InvalidIdentityToken", "The web identity token signature could not be verified"), xmlHeaders("r1"))
      .post("/")
      .reply(200, successXml(), xmlHeaders("r2"));
    await expect(source()()).resolves.toMatchObject({ accessKeyId: "ASIAEXAMPLE1" });
    scope.done();
  });

  it("InvalidIdentityToken on the last attempt, bytes never rejected before: recoverable", async () => {
    const scope = nock(STS).post("/").reply(400, errorXml("InvalidIdentityToken", "The token is not valid"), xmlHeaders("r1"));
    const error = await failure(source({ retry: { maxAttempts: 1, sleep: async () => {} } })());
    scope.done();
    expect(error.attempts).toBe(1);
    expect(error.recoverable).toBe(true);
  });

  it("ExpiredToken while the token is valid by our clock: 1 call, recoverable, pointing at the clock", async () => {
    const scope = nock(STS).post("/").reply(400, errorXml("ExpiredTokenException", "Token expired"), xmlHeaders("r1"));
    const error = await failure(source()());
    scope.done();
    expect(error.code).toBe("ExpiredToken");
    expect(error.recoverable).toBe(true);
    expect(error.message).toMatch(/clock/);
  });
});

describe("web identity source: non-recoverable errors fail at once with the facts", () => {
  it.each([
    ["AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity", /trust policy/],
    ["InvalidIdentityToken", 400, "Incorrect token audience", /aud/],
    ["InvalidIdentityToken", 400, "No OpenIDConnect provider found in your account for https://oidc.example.test/id/ABC", /OpenID Connect provider/],
    ["ValidationError", 400, "1 validation error detected", /role ARN/],
    ["MalformedPolicyDocument", 400, "Syntax errors in policy", /policy/],
    ["PackedPolicyTooLarge", 400, "Packed policy too large", /policy/],
    ["RegionDisabledException", 403, "STS is not activated in this region", /region/],
    ["IDPRejectedClaim", 403, "claim rejected", /trust policy/],
  ])("%s (%s): 1 call, names role, claims, request id, what to check", async (code, status, message, check) => {
    const scope = nock(STS).post("/").reply(status, errorXml(code, message, "req-42"), xmlHeaders("req-42"));
    const error = await failure(source()());
    scope.done();
    expect(error.recoverable).toBe(false);
    expect(error.tryNextLink).toBe(false);
    expect(error.attempts).toBe(1);
    expect(sleeps).toEqual([]);
    expect(error.roleArn).toBe(ROLE);
    expect(error.requestId).toBe("req-42");
    expect(error.httpStatus).toBe(status);
    expect(error.message).toContain(ROLE);
    expect(error.message).toContain("req-42");
    expect(error.message).toContain("iss=https://oidc.example.test/id/ABC");
    expect(error.message).toContain("sub=system:serviceaccount:shop:api");
    expect(error.message).toContain("aud=sts.amazonaws.com");
    expect(error.message).toContain(`exp=${new Date(NOW + 3_600_000).toISOString()}`);
    expect(error.message).toMatch(check);
  });

  it("never shows the token, even when STS echoes it", async () => {
    const token = jwt("jti-1");
    nock(STS).post("/").reply(403, errorXml("AccessDenied", `bad token ${token}`), xmlHeaders("r"));
    const error = await failure(source()());
    for (const text of [error.message, inspect(error, { showHidden: true, depth: 8 }), JSON.stringify(error), String(error.stack)]) {
      expect(text).not.toContain(token);
    }
    expect(error.message).toMatch(/\[web identity token\]|\[redacted-jwt\]/);
  });
});

describe("web identity source: STS client", () => {
  /** A request handler that answers locally and records where the client sent the request. */
  function recordingHandler(hosts: string[]) {
    return {
      handle: async (request: { hostname: string; port?: number; protocol: string }) => {
        hosts.push(`${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ""}`);
        return { response: { statusCode: 200, headers: { "content-type": "text/xml" }, body: Buffer.from(successXml()) } };
      },
    };
  }

  it("calls the regional endpoint of the resolved region", async () => {
    const hosts: string[] = [];
    await source({ clientConfig: { requestHandler: recordingHandler(hosts) as never } })();
    expect(hosts).toEqual(["https://sts.eu-west-1.amazonaws.com"]);
  });

  it("no region anywhere: us-east-1, warned once per provider, recorded as fallback", async () => {
    const hosts: string[] = [];
    const warn = vi.fn();
    const fetch = source({ region: undefined, clientConfig: { requestHandler: recordingHandler(hosts) as never }, logger: { warn } });
    await fetch();
    await fetch();
    expect(hosts).toEqual(["https://sts.us-east-1.amazonaws.com", "https://sts.us-east-1.amazonaws.com"]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/us-east-1.*AWS_REGION/s);
    expect(fetch.info).toMatchObject({ region: "us-east-1", regionSource: "fallback" });
  });

  it("AWS_STS_REGIONAL_ENDPOINTS=legacy does not send us to the global endpoint", async () => {
    const hosts: string[] = [];
    const previous = process.env.AWS_STS_REGIONAL_ENDPOINTS;
    process.env.AWS_STS_REGIONAL_ENDPOINTS = "legacy";
    try {
      await source({ clientConfig: { requestHandler: recordingHandler(hosts) as never } })();
    } finally {
      if (previous === undefined) delete process.env.AWS_STS_REGIONAL_ENDPOINTS;
      else process.env.AWS_STS_REGIONAL_ENDPOINTS = previous;
    }
    expect(hosts).toEqual(["https://sts.eu-west-1.amazonaws.com"]);
  });

  it("honours AWS_ENDPOINT_URL_STS", async () => {
    const hosts: string[] = [];
    await source(
      { clientConfig: { requestHandler: recordingHandler(hosts) as never } },
      { AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566" },
    )();
    expect(hosts).toEqual(["http://127.0.0.1:4566"]);
  });

  it("builds one STS client per provider and reuses it", async () => {
    const { STSClient } = await import("@aws-sdk/client-sts");
    const built = vi.spyOn(STSClient.prototype, "send");
    nock(STS).post("/").times(3).reply(200, successXml(), xmlHeaders("r"));
    const fetch = source();
    await fetch();
    await fetch();
    await fetch();
    const clients = new Set(built.mock.contexts);
    built.mockRestore();
    expect(clients.size).toBe(1);
    const [client] = [...clients] as InstanceType<typeof STSClient>[];
    expect(await client!.config.maxAttempts()).toBe(1);
  });

  it("uses a supplied client, and passes credentialScope through where present", async () => {
    const send = vi.fn(async () => ({
      $metadata: {},
      AssumedRoleUser: { Arn: "arn:aws:sts::123456789012:assumed-role/app/s", AssumedRoleId: "AROA:s" },
      Credentials: {
        AccessKeyId: "ASIAOWN",
        SecretAccessKey: "s",
        SessionToken: "t",
        Expiration: new Date("2030-01-01T01:00:00Z"),
        CredentialScope: "eu-west-1",
      },
    }));
    const credentials = await source({ region: undefined, clientConfig: undefined, stsClient: { send } as never })();
    expect(send).toHaveBeenCalledTimes(1);
    expect(credentials).toMatchObject({ accessKeyId: "ASIAOWN", accountId: "123456789012", credentialScope: "eu-west-1" });
  });
});
