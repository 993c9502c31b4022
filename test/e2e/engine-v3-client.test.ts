// The refresh engine behind a real AWS SDK v3 client. A v3 client memoizes its `credentials` and
// calls the provider again only in the last 5 minutes of a set; this proves the engine's proactive
// timer refreshes before that window, with no traffic, and that the client then picks up the new
// set without any caller waiting for STS.
import { readFile } from "node:fs/promises";
import { AssumeRoleWithWebIdentityCommand, GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { DEFAULT_JITTER, withCredentialCache, type CachedCredentialProvider, type CredentialCacheEvent } from "@irsa/web-identity";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const MINUTE = 60_000;
/** The v3 client's own refresh window (`@smithy/core`: EXPIRATION_MS). */
const CLIENT_WINDOW_MS = 5 * MINUTE;

let world: IrsaWorld;
const clients: STSClient[] = [];
const engines: CachedCredentialProvider[] = [];

beforeEach(async () => {
  vi.stubEnv("AWS_EC2_METADATA_DISABLED", "true");
  world = await startIrsaWorld();
  // Only the clock and timers are fake: sockets stay real. Fake time starts at real time, so the
  // projected token (1 h) stays valid over the ~55 minutes this test travels.
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
});

afterEach(async () => {
  for (const engine of engines.splice(0)) engine.close();
  for (const client of clients.splice(0)) client.destroy();
  vi.useRealTimers();
  vi.unstubAllEnvs();
  await world.close();
});

function stsClient(credentials?: AwsCredentialIdentityProvider): STSClient {
  const client = new STSClient({ region: world.region, endpoint: world.sts.endpoint, maxAttempts: 1, credentials });
  // Node caches a server's Date header for a real second, while this test's fake clock jumps by
  // minutes: the client would take the stale header for clock skew and sign in the past. Drop it.
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { headers?: Record<string, string> };
      if (response.headers !== undefined) delete response.headers.date;
      return result;
    },
    { step: "deserialize", name: "dropCachedServerDate" },
  );
  clients.push(client);
  return client;
}

/** A plain web-identity source: read the token, call AssumeRoleWithWebIdentity (unsigned). */
function webIdentitySource(): AwsCredentialIdentityProvider {
  const sts = stsClient();
  return async () => {
    const token = (await readFile(world.env.AWS_WEB_IDENTITY_TOKEN_FILE, "utf8")).trim();
    const { Credentials } = await sts.send(
      new AssumeRoleWithWebIdentityCommand({ RoleArn: world.roleArn, RoleSessionName: "engine-e2e", WebIdentityToken: token }),
    );
    return {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
      expiration: Credentials!.Expiration!,
    };
  };
}

/** Resolves with the end of the next refresh, success or failure (a real STS round trip, not a sleep). */
function nextRefreshEnd(events: EventTarget): Promise<CredentialCacheEvent> {
  return new Promise((resolve) => {
    const listener = (event: Event) => {
      events.removeEventListener("refresh-succeeded", listener);
      events.removeEventListener("refresh-failed", listener);
      resolve((event as CustomEvent<CredentialCacheEvent>).detail);
    };
    events.addEventListener("refresh-succeeded", listener);
    events.addEventListener("refresh-failed", listener);
  });
}

/** Access key that signed the last GetCallerIdentity the local STS verified. */
function lastSigningKey(): string | undefined {
  return world.sts.requests.filter((request) => request.action === "GetCallerIdentity").at(-1)?.accessKeyId;
}

describe("the refresh engine behind a real v3 STSClient", () => {
  it("refreshes from its proactive timer before the client's 5-minute window; the client then gets the new set without waiting", async () => {
    const events = new EventTarget();
    const engine = withCredentialCache(webIdentitySource(), {
      onEvent: (event) => events.dispatchEvent(new CustomEvent(event.type, { detail: event })),
    });
    engines.push(engine);
    const client = stsClient(engine);

    // First request: nothing cached, the one call that waits for STS.
    const identity = await client.send(new GetCallerIdentityCommand({}));
    expect(identity.Arn).toContain(":assumed-role/irsa-demo/engine-e2e");
    const first = engine.stats;
    expect(first).toMatchObject({ sourceCalls: 1, blockedCalls: 1, failures: 0 });
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
    expect(lastSigningKey()).toBe(first.accessKeyId);

    // A 1-hour set: 15-minute advisory window, jittered over DEFAULT_JITTER x 14 minutes (9.8 with
    // the default 0.7), all before the client's window.
    const expiration = first.expiration!;
    const refreshAt = first.nextRefreshAt!;
    expect(refreshAt).toBeGreaterThanOrEqual(expiration - 15 * MINUTE);
    expect(refreshAt).toBeLessThanOrEqual(Math.ceil(expiration - 15 * MINUTE + DEFAULT_JITTER * 14 * MINUTE));
    expect(refreshAt).toBeLessThan(expiration - CLIENT_WINDOW_MS);

    // Traffic until just before the drawn instant: the client serves its memoized set, no STS call.
    await vi.advanceTimersByTimeAsync(refreshAt - 1 - Date.now()); // instants are whole milliseconds
    await client.send(new GetCallerIdentityCommand({}));
    expect(lastSigningKey()).toBe(first.accessKeyId);
    expect(engine.stats.sourceCalls).toBe(1);

    // The drawn instant arrives with no traffic at all: the timer refreshes in the background.
    const refreshEnd = nextRefreshEnd(events);
    const requestsBefore = world.sts.calls("GetCallerIdentity");
    await vi.advanceTimersByTimeAsync(1);
    expect(engine.stats.sourceCalls).toBe(2); // started by the timer, before this line
    expect(await refreshEnd).toMatchObject({ type: "refresh-succeeded", reason: "advisory", });
    const second = engine.stats;
    expect(second.accessKeyId).not.toBe(first.accessKeyId);
    expect(second).toMatchObject({ sourceCalls: 2, blockedCalls: 1, failures: 0 });
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(2);
    expect(world.sts.calls("GetCallerIdentity")).toBe(requestsBefore);

    // The client's own window opens on the old set: it asks the engine, which answers at once.
    await vi.advanceTimersByTimeAsync(expiration - CLIENT_WINDOW_MS + 1_000 - Date.now());
    const asked = vi.fn(engine);
    const watchedClient = stsClient(asked as unknown as AwsCredentialIdentityProvider);
    await watchedClient.send(new GetCallerIdentityCommand({})); // a fresh client memo: asks now
    expect(lastSigningKey()).toBe(second.accessKeyId);
    await client.send(new GetCallerIdentityCommand({})); // the first client: its memo is in its window
    expect(lastSigningKey()).toBe(second.accessKeyId);
    expect(asked).toHaveBeenCalled();
    expect(engine.stats).toMatchObject({ sourceCalls: 2, blockedCalls: 1, failures: 0 });
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(2);
  });
});

