import { readFile } from "node:fs/promises";
import { inspect } from "node:util";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { fromWebIdentity } from "@irsa/web-identity";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Closer, assumeCalls, assumeJtis, callerArn, worldInit } from "./web-identity-support.js";

let world: IrsaWorld;
const closer = new Closer();

beforeAll(() => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
});
beforeEach(async () => {
  world = await startIrsaWorld({ roleArn: "arn:aws:iam::123456789012:role/shop-api" });
});
afterEach(async () => {
  closer.closeAll();
  await world.close();
});
afterAll(() => {
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

describe("fromWebIdentity with a real v3 STSClient on the local IRSA world", () => {
  it("assumes the role; the client signs GetCallerIdentity with the issued credentials", async () => {
    const provider = closer.provider(worldInit(world));
    const client = closer.client(world, provider);
    expect(await callerArn(client)).toMatch(/^arn:aws:sts::123456789012:assumed-role\/shop-api\//);
    expect(assumeCalls(world)).toBe(1);
    expect(world.sts.calls("GetCallerIdentity")).toBe(1);
    expect(world.sts.stats.GetCallerIdentity).toMatchObject({ successes: 1 });
  });

  it("returns expiration and accountId; stats name the region and where it came from", async () => {
    const provider = closer.provider(worldInit(world));
    const credentials = await provider();
    expect(credentials.expiration).toBeInstanceOf(Date);
    expect(credentials.expiration!.getTime()).toBeGreaterThan(Date.now());
    expect(credentials.accountId).toBe("123456789012");
    expect(world.sts.isIssued(credentials.accessKeyId)).toBe(true);
    expect(provider.stats).toMatchObject({
      sourceCalls: 1,
      region: world.region,
      regionSource: "option:region",
      roleArn: "arn:aws:iam::123456789012:role/shop-api",
    });
  });

  it("works from the pod's environment alone: fromWebIdentity()", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, world.env, { AWS_ROLE_SESSION_NAME: "from-env" });
    try {
      const provider = fromWebIdentity({ proactive: false });
      const client = closer.client(world, provider);
      expect(await callerArn(client)).toBe("arn:aws:sts::123456789012:assumed-role/shop-api/from-env");
      expect(provider.stats.regionSource).toBe("env:AWS_REGION");
      provider.close();
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });

  it("reads nothing at construction: a bad configuration surfaces on the first call", async () => {
    const provider = closer.provider({ roleArn: "not-an-arn", webIdentityTokenFile: "/nonexistent", proactive: false });
    expect(typeof provider).toBe("function");
    expect(provider.stats.sourceCalls).toBe(0);
    await expect(provider()).rejects.toMatchObject({ name: "ConfigurationError", tryNextLink: false });
  });

  it("rotation: after rotate(), the next STS call carries the new jti and the old one is never sent again", async () => {
    const provider = closer.provider(worldInit(world));
    await provider();
    const first = world.tokenFile.currentJti;
    await world.tokenFile.rotate();
    const second = world.tokenFile.currentJti;
    expect(second).not.toBe(first);
    await provider.refresh();
    await provider.refresh();
    await world.tokenFile.rotate();
    await provider.refresh();
    expect(assumeJtis(world)).toEqual([first, second, second, world.tokenFile.currentJti]);
  });

  it("one session name per provider, stable across refreshes", async () => {
    const provider = closer.provider(worldInit(world));
    await provider();
    await provider.refresh();
    await provider.refresh();
    const names = world.sts.requests.map((r) => r.sessionName);
    expect(new Set(names).size).toBe(1);
    expect(names[0]).toMatch(/^[\w+=,.@-]{2,64}$/);
    expect(provider.stats.roleSessionName).toBe(names[0]);
  });

  it("no token, secret key or session token in logs, events, stats, JSON or inspect", async () => {
    const lines: string[] = [];
    const record = (...content: unknown[]) => void lines.push(content.map((c) => inspect(c, { depth: 8 })).join(" "));
    const events: unknown[] = [];
    const provider = closer.provider(
      worldInit(world, { logger: { debug: record, info: record, warn: record, error: record }, onEvent: (e) => events.push(e) }),
    );
    world.sts.faults.failNext(1, { code: "Throttling", action: "AssumeRoleWithWebIdentity" });
    const credentials = await provider();
    await world.tokenFile.rotate();
    world.sts.faults.failNext(1, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" });
    const denied = await provider.refresh().catch((e: unknown) => e);
    const token = (await readFile(world.tokenFile.path, "utf8")).trim();
    const secrets = [token, credentials.secretAccessKey, credentials.sessionToken!];
    const rendered = [
      ...lines,
      inspect(events, { depth: 8 }),
      JSON.stringify(events),
      JSON.stringify(provider.stats),
      inspect(provider.stats),
      inspect(denied, { showHidden: true, depth: 8 }),
      JSON.stringify(denied),
    ].join("\n");
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(rendered).not.toContain(secret);
  });
});
