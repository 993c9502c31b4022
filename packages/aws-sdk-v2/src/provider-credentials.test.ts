import { inspect } from "node:util";
import type { CachedCredentialProvider, CredentialCacheStats } from "@irsa/web-identity";
import type { AwsCredentialIdentity } from "@smithy/types";
import AWS from "aws-sdk";
import { describe, expect, it, vi } from "vitest";
import { ProviderCredentials, toV2Credentials } from "./provider-credentials.js";
import { NOTE_REJECTED_KEY } from "./rejected-key-listener.js";

const SECRET = "fake-secret-access-key-that-must-never-show";
const TOKEN = "fake-session-token-that-must-never-show";

function credentialSet(n: number, expiration = new Date(Date.UTC(2030, 0, 1))): AwsCredentialIdentity {
  return { accessKeyId: `ASIAFAKE${n}`, secretAccessKey: `${SECRET}-${n}`, sessionToken: `${TOKEN}-${n}`, expiration };
}

/** A scripted stand-in for the refresh engine, following the CachedCredentialProvider contract. */
function fakeEngine() {
  let serial = 0;
  const state = {
    cached: undefined as AwsCredentialIdentity | undefined,
    wouldBlock: true,
    failWith: undefined as Error | undefined,
    calls: 0,
    refreshes: 0,
    invalidated: [] as string[],
  };
  const load = async (): Promise<AwsCredentialIdentity> => {
    if (state.failWith) throw state.failWith;
    state.cached = credentialSet(++serial);
    state.wouldBlock = false;
    return state.cached;
  };
  const provider = (async () => {
    state.calls++;
    return state.wouldBlock || !state.cached ? load() : state.cached;
  }) as CachedCredentialProvider;
  Object.assign(provider, {
    refresh: async () => {
      state.refreshes++;
      return load();
    },
    invalidate: (accessKeyId: string) => {
      state.invalidated.push(accessKeyId);
      if (state.cached?.accessKeyId === accessKeyId) state.wouldBlock = true;
    },
    close: () => {},
    get stats(): CredentialCacheStats {
      return { sourceCalls: serial, failures: 0, blockedCalls: 0 };
    },
    peek: () => ({ credentials: state.cached, wouldBlock: state.wouldBlock || !state.cached }),
  });
  /** The engine refreshed by itself (background refresh or proactive timer). */
  const backgroundRefresh = () => {
    state.cached = credentialSet(++serial);
    state.wouldBlock = false;
  };
  return { provider, state, backgroundRefresh };
}

describe("toV2Credentials over a refresh engine", () => {
  it("is an AWS.Credentials of the app's aws-sdk and a ProviderCredentials", () => {
    const credentials = toV2Credentials(fakeEngine().provider);
    expect(credentials).toBeInstanceOf(AWS.Credentials);
    expect(credentials).toBeInstanceOf(ProviderCredentials);
  });

  it("get() asks the engine and the fields show the engine's set", async () => {
    const { provider, state } = fakeEngine();
    const credentials = toV2Credentials(provider);
    expect(credentials.accessKeyId).toBe("");
    expect(credentials.expireTime).toBeNull();
    expect(credentials.expired).toBe(false);

    await new Promise<void>((resolve, reject) => credentials.get((err) => (err ? reject(err) : resolve())));

    expect(state.calls).toBe(1);
    expect(credentials.accessKeyId).toBe("ASIAFAKE1");
    expect(credentials.secretAccessKey).toBe(`${SECRET}-1`);
    expect(credentials.sessionToken).toBe(`${TOKEN}-1`);
    expect(credentials.expireTime).toEqual(new Date(Date.UTC(2030, 0, 1)));
    expect(credentials.expired).toBe(false);
  });

  it("getPromise() goes to the engine on every call and keeps no cache of its own", async () => {
    const { provider, state } = fakeEngine();
    const credentials = toV2Credentials(provider);
    await credentials.getPromise();
    await credentials.getPromise();
    await credentials.getPromise();
    expect(state.calls).toBe(3);
    expect(state.refreshes).toBe(0);
  });

  it("the fields follow a refresh the engine made by itself, without a get()", async () => {
    const { provider, backgroundRefresh } = fakeEngine();
    const credentials = toV2Credentials(provider);
    await credentials.getPromise();
    backgroundRefresh();
    expect(credentials.accessKeyId).toBe("ASIAFAKE2");
    expect(credentials.secretAccessKey).toBe(`${SECRET}-2`);
    expect(credentials.sessionToken).toBe(`${TOKEN}-2`);
  });

  it("needsRefresh() is the engine's wouldBlock and never calls the source", async () => {
    const { provider, state } = fakeEngine();
    const credentials = toV2Credentials(provider);
    expect(credentials.needsRefresh()).toBe(true);
    await credentials.getPromise();
    expect(credentials.needsRefresh()).toBe(false);
    state.wouldBlock = true; // e.g. the mandatory window
    expect(credentials.needsRefresh()).toBe(true);
    expect(credentials.expired).toBe(true);
    expect(state.calls).toBe(1);
  });

  it("refresh(), refreshPromise() and load() make the engine refresh", async () => {
    const { provider, state } = fakeEngine();
    const credentials = toV2Credentials(provider);
    await new Promise<void>((resolve, reject) => credentials.refresh((err) => (err ? reject(err) : resolve())));
    expect(credentials.accessKeyId).toBe("ASIAFAKE1");
    await credentials.refreshPromise();
    expect(credentials.accessKeyId).toBe("ASIAFAKE2");
    await new Promise<void>((resolve, reject) => credentials.load((err) => (err ? reject(err) : resolve())));
    expect(credentials.accessKeyId).toBe("ASIAFAKE3");
    expect(state.refreshes).toBe(3);
    expect(state.calls).toBe(0);
  });

  it("expired = true (what v2 does on ExpiredToken) invalidates the current key in the engine", async () => {
    const { provider, state } = fakeEngine();
    const credentials = toV2Credentials(provider);
    await credentials.getPromise();

    credentials.expired = false; // v2 also writes false; that changes nothing
    expect(state.invalidated).toEqual([]);

    credentials.expired = true;
    expect(state.invalidated).toEqual(["ASIAFAKE1"]);
    expect(credentials.needsRefresh()).toBe(true);
    expect(credentials.expired).toBe(true);

    await credentials.getPromise();
    expect(credentials.accessKeyId).toBe("ASIAFAKE2");
    expect(credentials.expired).toBe(false);
  });

  it("an ExpiredToken that arrives after the engine moved to a set nobody signed with changes nothing", async () => {
    const { provider, state, backgroundRefresh } = fakeEngine();
    const credentials = toV2Credentials(provider);
    await credentials.getPromise(); // a request signs with ASIAFAKE1
    backgroundRefresh(); // ASIAFAKE2 arrives before that request's ExpiredToken answer

    credentials.expired = true;
    expect(state.invalidated).toEqual([]);
    expect(credentials.needsRefresh()).toBe(false);

    await credentials.getPromise(); // the retry signs with ASIAFAKE2
    expect(credentials.accessKeyId).toBe("ASIAFAKE2");
    credentials.expired = true; // and a service rejects it too
    expect(state.invalidated).toEqual(["ASIAFAKE2"]);
  });

  it("with the rejected key read from the failed request, invalidates that key, not the current one", async () => {
    const { provider, state, backgroundRefresh } = fakeEngine();
    const credentials = toV2Credentials(provider);
    await credentials.getPromise(); // request A signs with ASIAFAKE1
    backgroundRefresh();
    await credentials.getPromise(); // request B signs with ASIAFAKE2

    // A's late ExpiredToken: the listener on AWS.events notes its key, then v2 sets expired.
    credentials[NOTE_REJECTED_KEY]("ASIAFAKE1");
    credentials.expired = true;
    expect(state.invalidated).toEqual(["ASIAFAKE1"]); // stale for the engine: ASIAFAKE2 stays
    expect(credentials.needsRefresh()).toBe(false);

    // A later report without a noted key falls back to the current key.
    credentials.expired = true;
    expect(state.invalidated).toEqual(["ASIAFAKE1", "ASIAFAKE2"]);
  });

  it("ignores assignments to the credential fields: they follow the engine", async () => {
    const { provider } = fakeEngine();
    const credentials = toV2Credentials(provider);
    await credentials.getPromise();
    credentials.accessKeyId = "AKIAOTHER";
    credentials.secretAccessKey = "other";
    credentials.expireTime = new Date(0);
    expect(credentials.accessKeyId).toBe("ASIAFAKE1");
    expect(credentials.secretAccessKey).toBe(`${SECRET}-1`);
    expect(credentials.expireTime).toEqual(new Date(Date.UTC(2030, 0, 1)));
  });
});

describe("errors reach v2 as errors", () => {
  class EngineError extends Error {
    override name = "EngineError";
    tryNextLink = false;
  }

  it("a failing engine calls back with an error of the same class and message, never throws", async () => {
    const { provider, state } = fakeEngine();
    const original = new EngineError("AssumeRoleWithWebIdentity failed: the role trust policy does not allow this service account");
    state.failWith = original;
    const credentials = toV2Credentials(provider);

    const err = await new Promise<unknown>((resolve) => credentials.get(resolve));
    expect(err).toBeInstanceOf(EngineError);
    expect(err).not.toBe(original);
    expect((err as Error).message).toBe(original.message);
    expect((err as EngineError).tryNextLink).toBe(false);

    await expect(credentials.getPromise()).rejects.toThrow(original.message);
    await expect(credentials.refreshPromise()).rejects.toThrow(original.message);
  });

  it("v2 rewriting the error it gets leaves the engine's error untouched", async () => {
    const { provider, state } = fakeEngine();
    const original = new EngineError("the token file is empty");
    state.failWith = original;
    const credentials = toV2Credentials(provider);
    // The path every v2 request takes: AWS.Config#getCredentials wraps the error in place.
    const config = new AWS.Config({ credentials });
    const wrapped = await new Promise<AWS.AWSError>((resolve) => config.getCredentials((err) => resolve(err!)));
    expect(wrapped.code).toBe("CredentialsError");
    expect(wrapped.message).toBe("Could not load credentials from ProviderCredentials");
    expect((wrapped as AWS.AWSError & { originalError: Error }).originalError.message).toBe("the token file is empty");
    expect(original.message).toBe("the token file is empty");
    expect(original.name).toBe("EngineError");
  });

  it("a provider that throws synchronously still reaches the callback", async () => {
    const credentials = toV2Credentials(() => {
      throw new Error("sync failure");
    });
    const err = await new Promise<unknown>((resolve) => credentials.get(resolve));
    expect((err as Error).message).toBe("sync failure");
  });

  it("a provider resolving to something that is not a credential set is an error", async () => {
    const credentials = toV2Credentials(async () => ({}) as AwsCredentialIdentity);
    await expect(credentials.getPromise()).rejects.toThrow(/without an accessKeyId and a secretAccessKey/);
  });

  it("a failure with no callback is not an unhandled rejection", async () => {
    const unhandled = vi.fn();
    process.on("unhandledRejection", unhandled);
    try {
      const credentials = toV2Credentials(async () => {
        throw new Error("nobody listens");
      });
      credentials.get();
      credentials.refresh();
      // Let the rejections settle, then give Node the turn in which it reports unhandled ones.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off("unhandledRejection", unhandled);
    }
  });

  it("rejects a provider that is not a function with a clear TypeError", () => {
    expect(() => toV2Credentials({} as never)).toThrow(TypeError);
    expect(() => toV2Credentials(null as never)).toThrow(/must be an AWS SDK v3 credential provider.*got null/);
  });
});

describe("secrets stay hidden", () => {
  it("inspect, JSON.stringify, Object.keys and a spread never show the secret or the token", async () => {
    const { provider } = fakeEngine();
    const credentials = toV2Credentials(provider);
    await credentials.getPromise();
    const views = [
      inspect(credentials),
      inspect(credentials, { showHidden: true, depth: 5 }),
      JSON.stringify(credentials),
      JSON.stringify({ credentials }),
      JSON.stringify(Object.keys(credentials)),
      inspect({ ...credentials }, { showHidden: true }),
    ];
    for (const view of views) {
      expect(view).not.toContain(SECRET);
      expect(view).not.toContain(TOKEN);
    }
    expect(inspect(credentials)).toContain("ASIAFAKE1");
    expect(JSON.parse(JSON.stringify(credentials))).toEqual({
      accessKeyId: "ASIAFAKE1",
      expireTime: "2030-01-01T00:00:00.000Z",
      expired: false,
    });
  });
});

describe("toV2Credentials over any v3 provider", () => {
  it("calls the provider on every get and asks it for a new set after v2 marks it expired", async () => {
    let serial = 0;
    const calls: unknown[] = [];
    const credentials = toV2Credentials(async (properties?: Record<string, unknown>) => {
      calls.push(properties);
      return credentialSet(++serial);
    });
    expect(credentials.needsRefresh()).toBe(true);
    await credentials.getPromise();
    await credentials.getPromise();
    expect(credentials.accessKeyId).toBe("ASIAFAKE2");
    expect(credentials.needsRefresh()).toBe(false);

    credentials.expired = true;
    expect(credentials.needsRefresh()).toBe(true);
    await credentials.getPromise();
    expect(calls).toEqual([undefined, undefined, { forceRefresh: true }]);
    expect(credentials.expired).toBe(false);

    await credentials.refreshPromise();
    expect(calls.at(-1)).toEqual({ forceRefresh: true });
  });

  it("a set past its expiration needs a refresh", async () => {
    const credentials = toV2Credentials(async () => credentialSet(1, new Date(Date.now() - 1_000)));
    await credentials.getPromise();
    expect(credentials.needsRefresh()).toBe(true);
    expect(credentials.expired).toBe(true);
  });
});

describe("inside aws-sdk v2", () => {
  it("resolves through an AWS.CredentialProviderChain, after a provider that is not configured", async () => {
    const { provider, state } = fakeEngine();
    const credentials = toV2Credentials(provider);
    // v2's own environment provider, pointed at variables nobody sets: it fails, the chain moves on.
    const notConfigured = new AWS.EnvironmentCredentials("IRSA_V2_TEST_UNSET");
    const chain = new AWS.CredentialProviderChain([() => notConfigured, () => credentials]);
    const resolved = await chain.resolvePromise();
    expect(resolved).toBe(credentials);
    expect(state.calls).toBe(1);
    expect(resolved.accessKeyId).toBe("ASIAFAKE1");
  });

  it("AWS.Config#getCredentials (every v2 request's path) gets the engine's set", async () => {
    const { provider } = fakeEngine();
    const config = new AWS.Config({ credentials: toV2Credentials(provider) });
    const resolved = await new Promise<AWS.Credentials>((resolve, reject) =>
      config.getCredentials((err, creds) => (err ? reject(err) : resolve(creds as AWS.Credentials))),
    );
    expect(resolved.accessKeyId).toBe("ASIAFAKE1");
    expect(resolved.secretAccessKey).toBe(`${SECRET}-1`);
  });
});
