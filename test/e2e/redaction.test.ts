// The secret scanner used by the fault matrix, the token-file faults, the auto-invalidation tests
// and the soak (each asserts 0 hits over everything it captured). Here: proof that the scanner does
// find a secret in each kind of output it reads, so those 0s mean something, and a direct check of
// a real provider's credentials, errors, provider object and stats.

import { inspect } from "node:util";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { TokenFileError, fromWebIdentity } from "@irsa/web-identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OutputCapture, SecretIndex } from "./redaction-capture.js";
import { worldInit } from "./web-identity-support.js";

let world: IrsaWorld;
beforeAll(async () => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  world = await startIrsaWorld();
});
afterAll(async () => {
  await world.close();
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

const SESSION_TOKEN = "IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQDx7example0session0token0that0is0long0enough0to0matter==";
const SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const JWT = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6ZGVmYXVsdDphcHAifQ.c2lnbmF0dXJlLXBhcnQtb2YtdGhlLXRva2VuLXdoaWNoLWlzLXNlY3JldA";

function index(): SecretIndex {
  const secrets = new SecretIndex();
  secrets.add("session token", SESSION_TOKEN);
  secrets.add("secret key", SECRET_KEY);
  secrets.addToken("web identity token", JWT);
  return secrets;
}

describe("the scanner finds a secret wherever it is printed", () => {
  it.each([
    ["a log line at each level", (c: OutputCapture) => (["debug", "info", "warn", "error"] as const).forEach((l) => c.logger[l](`token=${SESSION_TOKEN}`)), 4],
    ["an object passed to the logger", (c: OutputCapture) => c.logger.info("creds", { secretAccessKey: SECRET_KEY }), 1],
    ["an event", (c: OutputCapture) => c.onEvent({ type: "refresh-failed", message: `bad ${JWT}` }), 2],
    ["an error message (and its stack)", (c: OutputCapture) => c.error(new Error(`failed with ${SECRET_KEY}`)), 4],
    ["the cause of an error's cause", (c: OutputCapture) => c.error(new Error("outer", { cause: new Error("middle", { cause: new Error(SESSION_TOKEN) }) })), 4],
    ["an enumerable field of an error (JSON)", (c: OutputCapture) => c.error(Object.assign(new Error("x"), { token: JWT })), 2],
    ["a hidden field (inspect with showHidden)", (c: OutputCapture) => c.object("provider", Object.defineProperty({}, "secret", { value: SECRET_KEY, enumerable: false })), 1],
    ["a getter (inspect with getters)", (c: OutputCapture) => c.object("stats", Object.defineProperty({}, "token", { get: () => SESSION_TOKEN, enumerable: true })), 2],
    ["the first 20 characters of a session token", (c: OutputCapture) => c.logger.debug(`token ${SESSION_TOKEN.slice(0, 20)}...`), 1],
    ["the last 20 characters of a secret key", (c: OutputCapture) => c.logger.debug(`...${SECRET_KEY.slice(-20)}`), 1],
    ["a JWT's signature alone", (c: OutputCapture) => c.logger.debug(JWT.split(".")[2]), 1],
  ])("%s", (_, emit, minimumHits) => {
    const capture = new OutputCapture();
    emit(capture);
    const hits = capture.scan(index());
    expect(hits.length).toBeGreaterThanOrEqual(minimumHits);
  });

  it("no false alarm: access key ids, decoded claims, a JWT's header and redaction markers are not secrets", () => {
    const capture = new OutputCapture();
    capture.logger.info(`credentials refreshed: ASIAEXAMPLEKEYID0001, iss=https://oidc sub=system:serviceaccount:default:app`);
    capture.logger.info(`header ${JWT.split(".")[0]}, [redacted], [redacted-jwt]`);
    capture.object("credentials", { accessKeyId: "ASIAEXAMPLEKEYID0001", secretAccessKey: "[redacted]" });
    expect(capture.scan(index())).toEqual([]);
  });
});

describe("a real provider's output", () => {
  it("credentials, the provider, its stats and its errors print no secret, though the secrets are in them", async () => {
    const capture = new OutputCapture();
    const provider = fromWebIdentity(worldInit(world, { logger: capture.logger, onEvent: capture.onEvent }));
    try {
      const credentials = await provider();
      const secrets = new SecretIndex();
      secrets.addIssued(world.sts.issuedCredentials);
      secrets.addToken("web identity token", world.tokenFile.currentToken);

      // The fields the SDK signs with are the real secrets: reading them directly finds them.
      const raw = new OutputCapture();
      raw.logger.debug(credentials.secretAccessKey, credentials.sessionToken);
      expect(raw.scan(secrets)).toHaveLength(2);

      // Every printed form hides them.
      capture.object("credentials", credentials);
      capture.logger.info(`${inspect(credentials)} ${JSON.stringify(credentials)} ${String(credentials)}`);
      capture.object("provider", provider);
      capture.object("stats", provider.stats);
      world.sts.faults.failNext(3, { code: "InternalFailure", status: 500, action: "AssumeRoleWithWebIdentity" });
      await provider.refresh().catch((error: unknown) => capture.error(error));
      await world.tokenFile.writeRaw(`${world.tokenFile.currentToken} trailing text`);
      const second = fromWebIdentity(worldInit(world, { logger: capture.logger }));
      await second().catch((error: unknown) => capture.error(error));
      second.close();

      expect(capture.counts.errors).toBeGreaterThan(0);
      expect(capture.counts.debug).toBeGreaterThan(0);
      expect(capture.scan(secrets)).toEqual([]);
    } finally {
      provider.close();
      await world.tokenFile.rotate();
    }
  });
});

describe("a secret where a path, a variable or upstream text belongs", () => {
  it("a JWT pasted into AWS_WEB_IDENTITY_TOKEN_FILE, into AWS_ROLE_ARN, or echoed in STS's error text is printed nowhere", async () => {
    const capture = new OutputCapture();
    const token = world.tokenFile.currentToken;
    const secrets = new SecretIndex();
    secrets.addToken("web identity token", token);
    const run = async (init: Parameters<typeof worldInit>[1]) => {
      const provider = fromWebIdentity(worldInit(world, { logger: capture.logger, onEvent: capture.onEvent, ...init }));
      try {
        const error = await provider().then(() => undefined, (e: unknown) => e);
        capture.error(error);
        return error;
      } finally {
        provider.close();
      }
    };

    // The token instead of its path (was ENAMETOOLONG, echoing the token in message, path and cause).
    const callsBefore = world.sts.calls();
    const pasted = await run({ webIdentityTokenFile: token });
    expect(pasted).toBeInstanceOf(TokenFileError);
    expect(pasted).toMatchObject({ problem: "token-as-path", recoverable: false });
    expect(world.sts.calls()).toBe(callsBefore);
    // The token instead of the role ARN.
    expect(await run({ roleArn: token })).toBeInstanceOf(Error);
    // STS's own text quoting the token.
    world.sts.faults.failNext(1, { code: "AccessDenied", message: `Not authorized for WebIdentityToken=${token} (${token})` });
    expect(await run({})).toBeInstanceOf(Error);

    expect(capture.counts.errors).toBeGreaterThanOrEqual(3);
    expect(capture.scan(secrets)).toEqual([]);
  });
});
