import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { fromHttp } from "@aws-sdk/credential-provider-http";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startLocalContainerEndpoint, type LocalContainerEndpoint } from "./local-container-endpoint.js";
import { startLocalSts, type LocalSts } from "./local-sts/local-sts.js";
import { rawRequest } from "./test-support/raw-http.js";

describe("startLocalContainerEndpoint", () => {
  let sts: LocalSts;
  let endpoint: LocalContainerEndpoint;
  const clients: STSClient[] = [];

  beforeEach(async () => {
    sts = await startLocalSts();
    endpoint = await startLocalContainerEndpoint({ sts, roleArn: "arn:aws:iam::111122223333:role/pod-role" });
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const client of clients.splice(0)) client.destroy();
    await Promise.all([endpoint.close(), sts.close()]);
  });

  const sdkProvider = (token: string | null = endpoint.authorizationToken) =>
    fromHttp({
      awsContainerCredentialsFullUri: endpoint.fullUri,
      ...(token === null ? {} : { awsContainerAuthorizationToken: token }),
      maxRetries: 0,
      timeout: 1000,
    });

  it("the SDK's fromHttp gets credentials that the local STS verifies", async () => {
    expect(endpoint.fullUri).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/credentials\/[0-9a-f-]{36}$/);
    const credentials = await sdkProvider()();
    expect(credentials.accessKeyId).toBe(endpoint.currentCredentials().accessKeyId);
    expect(endpoint.requests).toEqual([expect.objectContaining({ method: "GET", action: "credentials", status: 200, authorized: true })]);
    const client = new STSClient({ endpoint: sts.endpoint, region: "us-east-1", maxAttempts: 1, credentials });
    clients.push(client);
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toBe("arn:aws:sts::111122223333:assumed-role/pod-role/eks-pod-identity");
  });

  it("answers the container-credentials JSON shape with AccountId", async () => {
    const res = await rawRequest(endpoint.fullUri, { headers: { authorization: endpoint.authorizationToken! } });
    const body = JSON.parse(res.body) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["AccessKeyId", "AccountId", "Expiration", "SecretAccessKey", "Token"]);
    expect(body.AccountId).toBe("111122223333");
  });

  it("answers 401 to a missing or wrong Authorization header, and the SDK surfaces it", async () => {
    expect((await rawRequest(endpoint.fullUri)).status).toBe(401);
    await expect(sdkProvider("wrong-token")()).rejects.toMatchObject({ message: "Server responded with status: 401", Code: "AccessDenied" });
    expect(endpoint.requests.map((r) => r.authorized)).toEqual([false, false]);
    expect(JSON.stringify(endpoint.requests)).not.toContain(endpoint.authorizationToken!);
  });

  it("follows a changed authorization token (as a rotated token file would)", async () => {
    endpoint.authorizationToken = "rotated-token";
    await expect(sdkProvider("rotated-token")()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
  });

  it("answers 404 on another path", async () => {
    const res = await rawRequest(`${new URL(endpoint.fullUri).origin}/other`, { headers: { authorization: endpoint.authorizationToken! } });
    expect(res.status).toBe(404);
  });

  it("an injected 500 fails the SDK provider once, then it recovers", async () => {
    endpoint.faults.failNext(1, { status: 500 });
    await expect(sdkProvider()()).rejects.toThrow(/status: 500/);
    await expect(sdkProvider()()).resolves.toMatchObject({ accessKeyId: expect.stringMatching(/^ASIA/) });
    expect(endpoint.calls("credentials")).toBe(2);
  });

  it("a black hole holds the SDK provider until maxMs, then the dropped connection fails it", async () => {
    // Measured: fromHttp's requestTimeout only logs a warning (throwOnRequestTimeout is off), so
    // against a black hole the SDK provider waits for as long as the server holds the socket.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    endpoint.faults.hangNext(1, { maxMs: 30_000 });
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    let settled = false;
    const call = sdkProvider()().finally(() => {
      settled = true;
    });
    call.catch(() => undefined);
    while (endpoint.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(29_999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await expect(call).rejects.toThrow();
    warn.mockRestore();
    expect(endpoint.requests[0]).toMatchObject({ fault: "hang", status: 0 });
  });

  it("latency delays the answer by a setTimeout that fake timers drive", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    endpoint.faults.latency(3_000);
    let done = false;
    const pending = rawRequest(endpoint.fullUri, { headers: { authorization: endpoint.authorizationToken! } }).then((res) => {
      done = true;
      return res;
    });
    while (endpoint.requests.length === 0) await new Promise((resolve) => setImmediate(resolve));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).status).toBe(200);
  });

  it("can run without an authorization check", async () => {
    const open = await startLocalContainerEndpoint({ authorizationToken: null });
    try {
      expect(open.authorizationToken).toBeNull();
      expect((await rawRequest(open.fullUri)).status).toBe(200);
    } finally {
      await open.close();
    }
  });
});
