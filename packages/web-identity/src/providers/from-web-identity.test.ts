import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { CredentialCacheEvent } from "../engine/cache-types.js";
import { createWebIdentityProvider, type WebIdentityCredentialProvider } from "./from-web-identity.js";
import type { FromWebIdentityInit } from "./provider-inits.js";

const ROLE = "arn:aws:iam::123456789012:role/app";
const NOW = Date.parse("2030-01-01T00:00:00Z");
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const TOKEN = `${part({ alg: "RS256" })}.${part({ iss: "https://issuer.test", sub: "system:serviceaccount:a:b", exp: NOW / 1000 + 3600 })}.c2ln`;

let dir: string;
let tokenFile: string;
const providers: WebIdentityCredentialProvider[] = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "irsa-from-"));
  tokenFile = join(dir, "token");
  await writeFile(tokenFile, TOKEN);
});
afterEach(async () => {
  for (const provider of providers.splice(0)) provider.close();
  vi.restoreAllMocks();
  await rm(dir, { recursive: true, force: true });
});

/** A stand-in STS client: answers each send with a new key valid one hour. */
function fakeSts() {
  let n = 0;
  const send = vi.fn(async () => ({
    $metadata: { requestId: `req-${++n}` },
    AssumedRoleUser: { Arn: "arn:aws:sts::123456789012:assumed-role/app/s", AssumedRoleId: "AROA:s" },
    Credentials: { AccessKeyId: `ASIA${n}`, SecretAccessKey: `secret-${n}`, SessionToken: `session-${n}`, Expiration: new Date(NOW + 3_600_000) },
  }));
  return { send };
}

function provider(init: FromWebIdentityInit, env: () => Record<string, string> = () => ({})) {
  const created = createWebIdentityProvider({ now: () => NOW, proactive: false, ...init }, { env });
  providers.push(created);
  return created;
}

describe("fromWebIdentity", () => {
  it("reads nothing at construction", () => {
    const env = vi.fn(() => ({}));
    provider({}, env);
    expect(env).not.toHaveBeenCalled();
  });

  it("stats: the engine's counters plus region, its source, role and session name", async () => {
    const sts = fakeSts();
    const warn = vi.fn();
    const p = provider({ roleArn: ROLE, webIdentityTokenFile: tokenFile, stsClient: sts as never, logger: { warn } }, () => ({}));
    await p();
    expect(p.stats).toMatchObject({ sourceCalls: 1, regionSource: "stsClient", roleArn: ROLE });
    expect(p.stats.roleSessionName).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(warn).not.toHaveBeenCalled(); // a supplied client has its own region
  });

  it("records a fallback region in stats", async () => {
    const hosts: string[] = [];
    const p = provider(
      {
        roleArn: ROLE,
        webIdentityTokenFile: tokenFile,
        logger: { warn: () => {} },
        clientConfig: {
          requestHandler: {
            handle: async (request: { hostname: string }) => {
              hosts.push(request.hostname);
              return { response: { statusCode: 500, headers: {}, body: Buffer.from("") } };
            },
          } as never,
        },
        retry: { maxAttempts: 1 },
      },
    );
    await expect(p()).rejects.toMatchObject({ name: "StsRequestError" });
    expect(p.stats).toMatchObject({ region: "us-east-1", regionSource: "fallback" });
    expect(hosts).toEqual(["sts.us-east-1.amazonaws.com"]);
  });

  it("passes onEvent and the engine options through; forceRefresh (once the set is a minute old) and refresh() reach STS", async () => {
    const sts = fakeSts();
    const events: CredentialCacheEvent[] = [];
    let clock = Date.now();
    const p = provider({ roleArn: ROLE, webIdentityTokenFile: tokenFile, stsClient: sts as never, onEvent: (e) => events.push(e), now: () => clock });
    await p();
    await p(); // cached
    await p({ forceRefresh: true }); // the set arrived within the minute: it is the answer
    expect(sts.send).toHaveBeenCalledTimes(1);
    clock += 60_000;
    await p({ forceRefresh: true });
    await p.refresh();
    expect(sts.send).toHaveBeenCalledTimes(3);
    expect(events.filter((e) => e.type === "refresh-succeeded").map((e) => (e as { accessKeyId: string }).accessKeyId)).toEqual([
      "ASIA1",
      "ASIA2",
      "ASIA3",
    ]);
    expect(JSON.stringify(events)).not.toMatch(/secret-|session-/);
  });

  it("invalidate(key) makes the next call fetch a new set", async () => {
    const sts = fakeSts();
    const p = provider({ roleArn: ROLE, webIdentityTokenFile: tokenFile, stsClient: sts as never });
    const first = await p();
    p.invalidate(first.accessKeyId);
    expect((await p()).accessKeyId).toBe("ASIA2");
  });

  it("close() leaves a request handler the caller gave alone (it is theirs, as with the SDK); a later call still works", async () => {
    const { STSClient } = await import("@aws-sdk/client-sts");
    const destroy = vi.spyOn(STSClient.prototype, "destroy");
    const handlerDestroyed = vi.fn();
    const ok = `<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIAX</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken><Expiration>2030-01-01T01:00:00Z</Expiration></Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>`;
    const p = provider({
      roleArn: ROLE,
      webIdentityTokenFile: tokenFile,
      region: "eu-west-1",
      clientConfig: {
        requestHandler: { handle: async () => ({ response: { statusCode: 200, headers: {}, body: Buffer.from(ok) } }), destroy: handlerDestroyed } as never,
      },
    });
    await p();
    p.close();
    expect(destroy).not.toHaveBeenCalled();
    expect(handlerDestroyed).not.toHaveBeenCalled();
    await expect(p.refresh()).resolves.toMatchObject({ accessKeyId: "ASIAX" });
  });
});
