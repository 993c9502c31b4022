import { Agent } from "node:https";
import { ConfigurationError } from "@irsa/web-identity";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fromV2StsConfig } from "./v2-sts-config.js";
import { WebIdentityCredentials } from "./web-identity-credentials.js";

let world: IrsaWorld;
const opened: WebIdentityCredentials[] = [];
beforeAll(async () => {
  world = await startIrsaWorld();
});
afterAll(async () => {
  await world.close();
});
afterEach(() => {
  for (const c of opened.splice(0)) c.close();
  world.sts.faults.clear();
  world.sts.reset();
});

const base = () => ({ roleArn: world.roleArn, webIdentityTokenFile: world.tokenFile.path, proactive: false, retry: { sleep: async () => {} } });

describe("v2's STS client config in new WebIdentityCredentials(init, clientConfig)", () => {
  it("endpoint and region are where STS is called (a VPC endpoint is not bypassed)", async () => {
    const credentials = new WebIdentityCredentials(base(), { endpoint: world.sts.endpoint, region: "eu-central-1" });
    opened.push(credentials);
    await credentials.getPromise();
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
    expect(credentials.stats).toMatchObject({ region: "eu-central-1", regionSource: "option:region" });
  });

  it("httpOptions.timeout and maxRetries: 0 with one hung call: one call, failed after the timeout", async () => {
    world.sts.faults.hangNext(5, { maxMs: 5_000, action: "AssumeRoleWithWebIdentity" });
    const credentials = new WebIdentityCredentials(base(), { endpoint: world.sts.endpoint, region: "us-east-1", httpOptions: { timeout: 150 }, maxRetries: 0 });
    opened.push(credentials);
    const started = Date.now();
    await expect(credentials.getPromise()).rejects.toMatchObject({ code: expect.any(String) });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
  });

  it("maps each setting to its v3 equivalent", () => {
    const agent = new Agent();
    expect(
      fromV2StsConfig(
        {
          endpoint: { href: "https://vpce.example/" },
          httpOptions: { timeout: 500, connectTimeout: 200, agent },
          maxRetries: 4,
          retryDelayOptions: { base: 50 },
          stsRegionalEndpoints: "regional",
          params: { DurationSeconds: 1800, ProviderId: "www.amazon.com" },
        },
        {},
      ),
    ).toEqual({
      clientConfig: { endpoint: "https://vpce.example/", requestHandler: { connectionTimeout: 200, httpsAgent: agent } },
      retry: { attemptTimeoutMs: 500, maxAttempts: 5, baseDelayMs: 50 },
      durationSeconds: 1800,
      providerId: "www.amazon.com",
    });
    agent.destroy();
  });

  it("refuses loudly what it cannot honour, naming the setting", () => {
    expect(() => fromV2StsConfig({ httpOptions: { proxy: "http://proxy:3128" } }, {})).toThrow(/httpOptions.proxy/);
    expect(() => fromV2StsConfig({ stsRegionalEndpoints: "legacy" }, {})).toThrow(/stsRegionalEndpoints/);
    expect(() => fromV2StsConfig({ logger: console } as never, {})).toThrow(ConfigurationError);
    expect(() => fromV2StsConfig({ params: { WebIdentityToken: "x" } }, {})).toThrow(/params.WebIdentityToken/);
    // v2 sends its own RoleArn and RoleSessionName, so bound ones never took effect there: mapping them would change the identity
    expect(() => fromV2StsConfig({ params: { RoleArn: "arn:aws:iam::111122223333:role/other" } }, {})).toThrow(/params.RoleArn.*init.roleArn/);
    expect(() => fromV2StsConfig({ params: { RoleSessionName: "v2-app" } }, {})).toThrow(/params.RoleSessionName.*init.roleSessionName/);
    expect(() => fromV2StsConfig({ region: "eu-west-1" }, { region: "us-east-1" })).toThrow(/disagrees/);
  });
});

describe("v2's STS client config given as the first argument (as v2's TokenFileWebIdentityCredentials takes it)", () => {
  it("is refused, saying it goes in the second argument and showing the call; that call then works", async () => {
    const v2Style = { roleArn: world.roleArn, endpoint: world.sts.endpoint, region: "us-east-1", httpOptions: { timeout: 2_000 }, maxRetries: 2 };
    let error: unknown;
    try {
      opened.push(new WebIdentityCredentials(v2Style as never));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const message = (error as Error).message;
    expect(message).toContain("`endpoint`, `httpOptions`, `maxRetries` are aws-sdk v2 STS client config");
    expect(message).toContain("SECOND argument");
    expect(message).toContain("new WebIdentityCredentials({ roleArn }, { endpoint, region, httpOptions, maxRetries })");
    expect(message).not.toContain("unknown option");
    expect(message).not.toContain(world.sts.endpoint); // names, never values
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(0);

    // Written as the message says, the same settings work.
    const { roleArn, ...clientConfig } = v2Style;
    const credentials = new WebIdentityCredentials({ ...base(), roleArn }, clientConfig);
    opened.push(credentials);
    await credentials.getPromise();
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
  });

  it("one v2 setting alone, and nothing else in the first argument: the call to write has an empty init", () => {
    expect(() => new WebIdentityCredentials({ stsRegionalEndpoints: "regional" } as never)).toThrow(
      "`stsRegionalEndpoints` is aws-sdk v2 STS client config",
    );
    expect(() => new WebIdentityCredentials({ stsRegionalEndpoints: "regional" } as never)).toThrow("new WebIdentityCredentials({}, { stsRegionalEndpoints })");
  });

  it("region alone is one of our options too (accepted); a misspelt option is still an unknown option", () => {
    const credentials = new WebIdentityCredentials({ ...base(), region: "us-east-1" });
    opened.push(credentials);
    expect(() => new WebIdentityCredentials({ roleArm: "x" } as never)).toThrow(/unknown option `roleArm`/);
  });
});

