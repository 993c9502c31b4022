import { AssumeRoleWithWebIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { startIrsaWorld, type IrsaWorld } from "../irsa-world.js";
import { errorCode, postForm, rawRequest, xmlText } from "../test-support/raw-http.js";

/** Resolves once `check()` holds, polling with setImmediate (never faked here). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i += 1) await new Promise((resolve) => setImmediate(resolve));
  if (!check()) throw new Error("condition not reached");
}

function settled<T>(promise: Promise<T>): { done: () => boolean; promise: Promise<T> } {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  return { done: () => done, promise };
}

describe("local STS fault injection", () => {
  let world: IrsaWorld;
  let client: STSClient | undefined;

  beforeAll(async () => {
    world = await startIrsaWorld();
  });
  afterAll(async () => {
    await world.close();
  });
  afterEach(() => {
    vi.useRealTimers();
    client?.destroy();
    client = undefined;
    world.sts.reset();
  });

  const assumeRaw = () =>
    postForm(world.sts.endpoint, {
      Action: "AssumeRoleWithWebIdentity",
      RoleArn: world.roleArn,
      RoleSessionName: "faults",
      WebIdentityToken: world.tokenFile.currentToken,
    });

  const assumeV3 = () => {
    client ??= new STSClient({ endpoint: world.sts.endpoint, region: "us-east-1", maxAttempts: 1, credentials: { accessKeyId: "unused", secretAccessKey: "unused" } });
    return client.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: world.roleArn, RoleSessionName: "faults", WebIdentityToken: world.tokenFile.currentToken }));
  };

  it("failNext answers the given code for exactly n calls, then recovers", async () => {
    world.sts.faults.failNext(2, { code: "Throttling", message: "Rate exceeded" });
    const first = await assumeRaw();
    expect([first.status, errorCode(first.body), xmlText(first.body, "Message")]).toEqual([400, "Throttling", "Rate exceeded"]);
    await expect(assumeV3()).rejects.toMatchObject({ name: "Throttling", $metadata: { httpStatusCode: 400 } });
    expect((await assumeRaw()).status).toBe(200);
    expect(world.sts.requests.map((r) => r.fault)).toEqual(["fail", "fail", undefined]);
    expect(world.sts.stats.AssumeRoleWithWebIdentity).toEqual({ calls: 3, successes: 1, failures: 2 });
  });

  it("failNext uses STS's status for the code and can target one action", async () => {
    world.sts.faults.failNext(1, { code: "InternalFailure" }).failNext(1, { code: "IDPCommunicationError", action: "GetCallerIdentity" });
    const res = await assumeRaw();
    expect([res.status, errorCode(res.body)]).toEqual([500, "InternalFailure"]);
    expect(res.body).toContain("<Type>Receiver</Type>");
    expect((await assumeRaw()).status).toBe(200);
    expect(world.sts.faults.pending).toBe(1);
    world.sts.faults.clear();
    expect(world.sts.faults.pending).toBe(0);
  });

  it("dropNext destroys the connection without an answer", async () => {
    world.sts.faults.dropNext(1);
    await expect(assumeRaw()).rejects.toMatchObject({ code: "ECONNRESET" });
    await expect(assumeV3()).resolves.toMatchObject({ Credentials: expect.any(Object) });
    expect(world.sts.requests[0]).toMatchObject({ fault: "drop", status: 0 });
  });

  it("malformedNext answers 200 with broken XML, which a real client fails to parse", async () => {
    world.sts.faults.malformedNext(2);
    const raw = await assumeRaw();
    expect(raw.status).toBe(200);
    expect(raw.body).not.toContain("</AssumeRoleWithWebIdentityResponse>");
    await expect(assumeV3()).rejects.toThrow();
  });

  it("emptyNext answers 200 with an empty body", async () => {
    world.sts.faults.emptyNext(1);
    const raw = await assumeRaw();
    expect([raw.status, raw.body]).toEqual([200, ""]);
  });

  it("latency delays each answer by a setTimeout that fake timers drive", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    world.sts.faults.latency(5_000);
    const call = settled(assumeRaw());
    await until(() => world.sts.requests.length === 1);
    await vi.advanceTimersByTimeAsync(4_999);
    expect(call.done()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await call.promise).status).toBe(200);
  });

  it("hangNext holds the request until maxMs, then destroys the connection", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    world.sts.faults.hangNext(1, { maxMs: 30_000 });
    const call = settled(assumeRaw());
    await until(() => world.sts.requests.length === 1);
    await vi.advanceTimersByTimeAsync(29_999);
    expect(call.done()).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call.promise).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(world.sts.requests[0]).toMatchObject({ fault: "hang", status: 0 });
  });

  it("close() ends hung requests and leaves no server, socket or timer behind", async () => {
    const handles = () =>
      process.getActiveResourcesInfo().filter((name) => ["TCPServerWrap", "TCPSocketWrap", "Timeout"].includes(name)).length;
    const before = handles();
    const own = await startIrsaWorld({ issuer: world.issuer });
    own.sts.faults.hangNext(3, { maxMs: 60_000 });
    const calls = [1, 2, 3].map(() =>
      settled(postForm(own.sts.endpoint, { Action: "AssumeRoleWithWebIdentity", RoleArn: own.roleArn, RoleSessionName: "h", WebIdentityToken: own.tokenFile.currentToken })),
    );
    await until(() => own.sts.requests.length === 3);
    expect(own.sts.openConnections).toBe(3);
    // A server plus client and server sockets (the hang timers are unref()ed, so not listed).
    expect(handles()).toBeGreaterThanOrEqual(before + 4);
    await own.close();
    for (const call of calls) await expect(call.promise).rejects.toThrow();
    expect(own.sts.openConnections).toBe(0);
    await until(() => handles() <= before);
    expect(handles()).toBeLessThanOrEqual(before);
  });

  it("rejects unbounded or nonsensical faults", () => {
    expect(() => world.sts.faults.failNext(0, { code: "Throttling" })).toThrow(RangeError);
    expect(() => world.sts.faults.hangNext(1, { maxMs: Number.POSITIVE_INFINITY })).toThrow(RangeError);
    expect(() => world.sts.faults.latency(-1)).toThrow(RangeError);
    expect(() => world.sts.faults.failNext(1, { status: 99 })).toThrow(RangeError);
  });

  it("a request that is not form-encoded still gets an STS error, not a hang", async () => {
    const res = await rawRequest(`${world.sts.endpoint}/`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect([res.status, errorCode(res.body)]).toEqual([400, "MissingAction"]);
  });
});
