import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Closer, assumeCalls, callerArn, worldInit } from "./web-identity-support.js";

let world: IrsaWorld;
const closer = new Closer();

beforeAll(() => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
});
beforeEach(async () => {
  // Credentials live 4 minutes: under the v3 client's own 5-minute window, so every client
  // request reaches our provider and only our cache stands between the clients and STS.
  world = await startIrsaWorld({ credentialLifetimeSeconds: 240 });
});
afterEach(async () => {
  closer.closeAll();
  await world.close();
});
afterAll(() => {
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

describe("one provider, many callers", () => {
  it("10,000 concurrent callers: 1 STS call, one set for all", async () => {
    const provider = closer.provider(worldInit(world));
    const results = await Promise.all(Array.from({ length: 10_000 }, () => provider()));
    expect(assumeCalls(world)).toBe(1);
    expect(new Set(results.map((c) => c.accessKeyId)).size).toBe(1);
    expect(provider.stats.sourceCalls).toBe(1);
  });

  it("20 v3 clients sharing one provider: 1 STS call per refresh", async () => {
    let offsetMs = 0; // our engine's clock; the clients and the local STS keep real time
    const provider = closer.provider(
      worldInit(world, { now: () => Date.now() + offsetMs, advisoryWindowMs: 60_000, mandatoryWindowMs: 30_000 }),
    );
    const clients = Array.from({ length: 20 }, () => closer.client(world, provider));
    const round = () => Promise.all(clients.map((client) => callerArn(client)));

    await round();
    expect(assumeCalls(world)).toBe(1);
    await round();
    expect(assumeCalls(world)).toBe(1); // served from cache
    expect(world.sts.calls("GetCallerIdentity")).toBe(40); // every signature verified by the local STS

    offsetMs = 225_000; // 15 s before expiry: inside the mandatory window
    const arns = await round();
    expect(assumeCalls(world)).toBe(2);
    expect(new Set(arns).size).toBe(1);

    offsetMs = 225_000 + 12_000; // the second set lives 15 s on our clock: now in its mandatory window
    await round();
    expect(assumeCalls(world)).toBe(3);
    expect(world.sts.stats.GetCallerIdentity).toMatchObject({ calls: 80, successes: 80 });
  });
});
