import { monitorEventLoopDelay } from "node:perf_hooks";
import { createOidcIssuer, startIrsaWorld, type IrsaWorld, type OidcIssuer } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { RoleChainError, StsRequestError } from "../shared/errors.js";
import { createWebIdentitySource, type WebIdentitySourceInit } from "../sources/web-identity/web-identity-source.js";
import { MAX_STS_ANSWER_BYTES } from "./answer-size-cap.js";
import { MAX_STS_LIFETIME_MS } from "./clock-skew.js";

const OTHER_ROLE = "arn:aws:iam::999999999999:role/elsewhere";
const HOP_ROLE = "arn:aws:iam::444455556666:role/hop";

let issuer: OidcIssuer;
let world: IrsaWorld;
const closers: Array<() => void> = [];

beforeAll(async () => {
  issuer = await createOidcIssuer();
});
afterAll(async () => {
  await issuer.close();
});
beforeEach(async () => {
  world = await startIrsaWorld({
    issuer,
    extraRoles: [{ roleArn: HOP_ROLE, assumableBy: ["arn:aws:iam::111122223333:role/*"] }],
  });
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await world.close();
});

function source(init: WebIdentitySourceInit = {}) {
  const fetch = createWebIdentitySource({ retry: { maxAttempts: 1, attemptTimeoutMs: 2_000 }, ...init }, { env: () => world.env });
  closers.push(() => fetch.close());
  return fetch;
}

/** Runs `work` and returns its settled value with the longest event-loop stall and the RSS growth seen meanwhile. */
async function watched<T>(work: () => Promise<T>): Promise<{ result: T; maxStallMs: number; rssGrowthMb: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const rssBefore = process.memoryUsage.rss();
  let rssPeak = rssBefore;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 5);
  histogram.enable();
  try {
    const result = await work();
    return { result, maxStallMs: histogram.max / 1e6, rssGrowthMb: (rssPeak - rssBefore) / 2 ** 20 };
  } finally {
    histogram.disable();
    clearInterval(sampler);
  }
}

describe("every STS answer is validated", () => {
  it("a 100 MB body: reading stops at the cap, a recoverable MalformedResponse; event loop never blocked > 100 ms, RSS bounded", async () => {
    const fetch = source();
    await fetch(); // warm: the STS client's modules are loaded on the first fetch, not measured here
    world.sts.reset();
    world.sts.hostile.oversizedNext(1); // 100 MB, valid XML, no Content-Length
    const { result: error, maxStallMs, rssGrowthMb } = await watched(() => fetch().catch((e: unknown) => e));
    expect(error).toBeInstanceOf(StsRequestError);
    expect((error as StsRequestError).code).toBe("MalformedResponse");
    expect((error as StsRequestError).recoverable).toBe(true);
    expect((error as Error).message).toContain(`${MAX_STS_ANSWER_BYTES / 1024} KiB`);
    expect(maxStallMs).toBeLessThan(100);
    expect(rssGrowthMb).toBeLessThan(64);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
    await expect.poll(() => world.sts.openConnections).toBe(0); // the stream was destroyed, not drained
  });

  it("a slow-drip body: the attempt deadline ends it, recoverable; the event loop stays free", async () => {
    world.sts.hostile.slowDripNext(1, { chunkBytes: 8, intervalMs: 50 });
    const fetch = source({ retry: { maxAttempts: 1, attemptTimeoutMs: 300 } });
    const started = Date.now();
    const { result: error, maxStallMs } = await watched(() => fetch().catch((e: unknown) => e));
    expect(error).toBeInstanceOf(StsRequestError);
    expect((error as StsRequestError).code).toBe("TimeoutError");
    expect((error as StsRequestError).recoverable).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(maxStallMs).toBeLessThan(100);
  });

  it("a ten-year Expiration is capped to 12 hours (and warned about)", async () => {
    world.sts.hostile.expireIn(10 * 365 * 86_400);
    const warnings: string[] = [];
    const credentials = await source({ logger: { warn: (message: string) => warnings.push(message) } })();
    const lifetime = credentials.expiration!.getTime() - Date.now();
    expect(lifetime).toBeLessThanOrEqual(MAX_STS_LIFETIME_MS);
    expect(lifetime).toBeGreaterThan(MAX_STS_LIFETIME_MS - 5_000);
    expect(warnings.join("\n")).toMatch(/lifetime of 87600 h; .* capped to 12 h/);
  });

  it("an answer for another account and role: non-recoverable, naming both ARNs and the endpoint", async () => {
    world.sts.hostile.answerAsRole(OTHER_ROLE);
    const error = (await source()().catch((e: unknown) => e)) as StsRequestError;
    expect(error).toBeInstanceOf(StsRequestError);
    expect(error.code).toBe("AssumedRoleMismatch");
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain(world.roleArn);
    expect(error.message).toContain("arn:aws:sts::999999999999:assumed-role/elsewhere/");
    expect(error.message).toContain(world.sts.endpoint.replace("http://", ""));
  });

  it("a role-chain hop answered for another role: a non-recoverable RoleChainError naming both", async () => {
    world.sts.hostile.answerAsRole(OTHER_ROLE, { action: "AssumeRole" }); // the base answer stays honest
    const error = (await source({ roleChain: [{ roleArn: HOP_ROLE }] })().catch((e: unknown) => e)) as RoleChainError;
    expect(error).toBeInstanceOf(RoleChainError);
    expect(error.code).toBe("AssumedRoleMismatch");
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain(HOP_ROLE);
    expect(error.message).toContain("arn:aws:sts::999999999999:assumed-role/elsewhere/");
  });

  it("STS's error text is bounded and stripped of control characters", async () => {
    world.sts.faults.failNext(1, { code: "AccessDenied", message: `denied\u001b[31m\r\nFAKE LOG LINE ${"x".repeat(5_000)}` });
    const error = (await source()().catch((e: unknown) => e)) as StsRequestError;
    expect(error).toBeInstanceOf(StsRequestError);
    expect(error.message).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(error.message).toContain("more characters)");
    expect(error.message.length).toBeLessThan(2_000);
  });
});
