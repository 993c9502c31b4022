// Token file faults, end to end: a real kubelet-style token file (..data symlink swaps), the real
// provider, real HTTP to the local STS. Each fault has a pinned outcome, and each is checked three
// ways: the provider alone, behind the SDK's `chain()` with a second provider, and inside
// `fromWebIdentityChain` with a live container-credentials endpoint configured. A broken token file
// never falls through to another source: the second provider and the endpoint see no call.

import { startIrsaWorld, startLocalContainerEndpoint, type IrsaWorld, type LocalContainerEndpoint } from "@irsa/testing";
import { MAX_TOKEN_FILE_BYTES, TokenFileError, type FromWebIdentityInit, type TokenFileProblem } from "@irsa/web-identity";
import { chain } from "@smithy/property-provider";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWebIdentityChainProvider } from "../../packages/web-identity/src/providers/chain.js";
import { createWebIdentityProvider } from "../../packages/web-identity/src/providers/from-web-identity.js";
import { readFileCapped, TOKEN_READ_RETRY_DELAYS_MS, type ReadFileCapped } from "../../packages/web-identity/src/sources/web-identity/token-file.js";
import { OutputCapture, SecretIndex } from "./redaction-capture.js";

const ACTION = "AssumeRoleWithWebIdentity" as const;
/** All the token read retries of one fetch: the first read, then one per delay. */
const READS_WHEN_RETRIED = TOKEN_READ_RETRY_DELAYS_MS.length + 1;

let world: IrsaWorld;
let container: LocalContainerEndpoint;
const capture = new OutputCapture();
const tokens = new Set<string>();
const opened: Array<{ close(): void }> = [];

beforeAll(async () => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  world = await startIrsaWorld();
  tokens.add(world.tokenFile.currentToken);
  // A working fallback: if anything fell through to it, its request log would show it.
  container = await startLocalContainerEndpoint({ sts: world.sts, authorizationToken: null });
});
afterEach(async () => {
  for (const provider of opened.splice(0)) provider.close();
  // Every test leaves kubelet's next, valid token in place for the next one.
  await world.tokenFile.rotate();
  tokens.add(world.tokenFile.currentToken);
  world.sts.reset();
  container.reset();
});
afterAll(async () => {
  await container.close();
  await world.close();
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

/** What a fault ends in: credentials from STS, or a TokenFileError of a given problem. */
type Expected =
  | { kind: "credentials"; stsCalls: number }
  | { kind: "error"; problem: TokenFileProblem; recoverable: boolean; stsCalls: 0 };

interface Seams {
  /** Makes the read function of one run (each of the three runs gets a fresh one). */
  readFile?: () => ReadFileCapped;
  path?: string;
}

/** Records each read (how many bytes it asked for and got) and each sleep, around the real read. */
function recorder(readFile: ReadFileCapped = readFileCapped) {
  const reads: Array<{ maxBytes: number; bytes?: number }> = [];
  const sleeps: number[] = [];
  const seam: ReadFileCapped = async (path, maxBytes) => {
    const read: { maxBytes: number; bytes?: number } = { maxBytes };
    reads.push(read);
    const content = await readFile(path, maxBytes);
    read.bytes = content.length;
    return content;
  };
  return { reads, sleeps, seam, sleep: async (ms: number) => void sleeps.push(ms) };
}

function init(path: string, sleep: (ms: number) => Promise<void>): FromWebIdentityInit {
  return {
    roleArn: world.roleArn,
    webIdentityTokenFile: path,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
    proactive: false,
    retry: { sleep },
    logger: capture.logger,
    onEvent: capture.onEvent,
  };
}

type Settled = { ok: true; credentials: AwsCredentialIdentity } | { ok: false; error: unknown };

async function settle(provider: AwsCredentialIdentityProvider): Promise<Settled> {
  try {
    const credentials = await provider();
    capture.object("credentials", credentials);
    return { ok: true, credentials };
  } catch (error) {
    capture.error(error);
    return { ok: false, error };
  }
}

function check(outcome: Settled, expected: Expected, how: string): void {
  if (expected.kind === "credentials") {
    expect(outcome.ok, `${how}: ${outcome.ok ? "" : String((outcome as { error: unknown }).error)}`).toBe(true);
    if (outcome.ok) expect(world.sts.isIssued(outcome.credentials.accessKeyId), how).toBe(true);
    return;
  }
  expect(outcome.ok, how).toBe(false);
  if (outcome.ok) return;
  expect(outcome.error, how).toBeInstanceOf(TokenFileError);
  expect(outcome.error, how).toMatchObject({ problem: expected.problem, recoverable: expected.recoverable, tryNextLink: false });
  const message = (outcome.error as Error).message;
  expect(message, how).toContain(world.tokenFile.dir); // names the path
}

/**
 * Runs the fault three ways and checks the same pinned outcome each time. Returns the read and
 * sleep records of the provider-alone run.
 */
async function expectEverywhere(expected: Expected, seams: Seams = {}) {
  const path = seams.path ?? world.tokenFile.path;
  const alone = recorder(seams.readFile?.());
  const viaChain = recorder(seams.readFile?.());
  const viaOurChain = recorder(seams.readFile?.());

  // 1. The provider alone.
  world.sts.reset();
  const provider = createWebIdentityProvider(init(path, alone.sleep), { readFile: alone.seam });
  opened.push(provider);
  check(await settle(provider), expected, "fromWebIdentity");
  expect(world.sts.calls(ACTION), "STS calls, fromWebIdentity").toBe(expected.stsCalls);

  // 2. Behind the SDK's chain(), with a second provider that would answer.
  let fallbackCalls = 0;
  const fallback: AwsCredentialIdentityProvider = async () => {
    fallbackCalls++;
    return { accessKeyId: "AKIAFALLBACK", secretAccessKey: "fallback-secret" };
  };
  const viaSdkChain = createWebIdentityProvider(init(path, viaChain.sleep), { readFile: viaChain.seam });
  opened.push(viaSdkChain);
  check(await settle(chain(viaSdkChain, fallback)), expected, "chain(fromWebIdentity, other)");
  expect(fallbackCalls, "calls to the second provider of chain()").toBe(0);

  // 3. fromWebIdentityChain with a working container endpoint configured after web identity.
  const ours = createWebIdentityChainProvider(
    { ...init(path, viaOurChain.sleep), fallbacks: ["container"], container: { fullUri: container.fullUri } },
    { readFile: viaOurChain.seam, env: () => ({}) },
  );
  opened.push(ours);
  check(await settle(ours), expected, "fromWebIdentityChain");
  expect(container.calls(), "calls to the container endpoint").toBe(0);
  capture.object("provider", ours);
  capture.object("stats", ours.stats);
  return alone;
}

async function writeToken(content: string): Promise<void> {
  await world.tokenFile.writeRaw(content);
}

const enoent = (path: string) => Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), { code: "ENOENT" });

describe("token file faults: pinned outcomes, never a fall-through", () => {
  it("missing file: retried for ~200 ms (kubelet mid-swap), then TokenFileError not-found, recoverable, no STS call", async () => {
    const { reads, sleeps } = await expectEverywhere(
      { kind: "error", problem: "not-found", recoverable: true, stsCalls: 0 },
      { path: `${world.tokenFile.dir}/no-such-token` },
    );
    expect(reads).toHaveLength(READS_WHEN_RETRIED);
    expect(sleeps).toEqual([...TOKEN_READ_RETRY_DELAYS_MS]);
  });

  it("EACCES (injected: root reads anything): TokenFileError access-denied, non-recoverable, one read, no STS call", async () => {
    const denied: ReadFileCapped = async (path) => {
      throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" });
    };
    const { reads, sleeps } = await expectEverywhere(
      { kind: "error", problem: "access-denied", recoverable: false, stsCalls: 0 },
      { readFile: () => denied },
    );
    expect(reads).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it("empty file: retried, then TokenFileError empty, recoverable, no STS call", async () => {
    await writeToken("");
    const { reads } = await expectEverywhere({ kind: "error", problem: "empty", recoverable: true, stsCalls: 0 });
    expect(reads).toHaveLength(READS_WHEN_RETRIED);
  });

  it.each([
    ["a trailing newline", "\n"],
    ["a trailing CRLF", "\r\n"],
    ["surrounding blanks", "  \r\n\n"],
  ])("%s: trimmed, STS gets exactly the token", async (_, suffix) => {
    const token = await world.issuer.mintToken();
    tokens.add(token);
    await writeToken(suffix.startsWith(" ") ? ` ${token}${suffix}` : `${token}${suffix}`);
    await expectEverywhere({ kind: "credentials", stsCalls: 1 });
    // The local STS verified the token's signature, so it received the JWT byte for byte.
    const requests = world.sts.requests.filter((r) => r.action === ACTION);
    expect(requests.every((r) => r.status === 200)).toBe(true);
  });

  it.each([
    ["text after the token on the same line", (token: string) => `${token} extra`],
    ["a second line after the token", (token: string) => `${token}\nsecond line`],
  ])("%s: TokenFileError malformed, non-recoverable, no STS call", async (_, content) => {
    const token = await world.issuer.mintToken();
    tokens.add(token);
    await writeToken(content(token));
    await expectEverywhere({ kind: "error", problem: "malformed", recoverable: false, stsCalls: 0 });
  });

  it("rewritten in place while read (each read a different part of a token): TokenFileError being-written, recoverable, no STS call", async () => {
    const token = await world.issuer.mintToken();
    tokens.add(token);
    const churning = (): ReadFileCapped => {
      let reads = 0;
      return async () => Buffer.from(token.slice(0, 20 + 30 * reads++));
    };
    const { reads } = await expectEverywhere({ kind: "error", problem: "being-written", recoverable: true, stsCalls: 0 }, { readFile: churning });
    expect(reads).toHaveLength(READS_WHEN_RETRIED);
  });

  it("a 1 MiB file: TokenFileError too-large, non-recoverable, no STS call; never more than 64 KiB + 1 byte read", async () => {
    await writeToken("A".repeat(1024 * 1024));
    const { reads } = await expectEverywhere({ kind: "error", problem: "too-large", recoverable: false, stsCalls: 0 });
    expect(reads).toEqual([{ maxBytes: MAX_TOKEN_FILE_BYTES + 1, bytes: MAX_TOKEN_FILE_BYTES + 1 }]);
  });

  it("a token whose exp has passed (the file is not rotating): TokenFileError expired, non-recoverable, no STS call", async () => {
    const stale = await world.issuer.mintToken({ now: Date.now() - 2 * 3600_000, ttlSeconds: 3600 });
    tokens.add(stale);
    await writeToken(stale);
    await expectEverywhere({ kind: "error", problem: "expired", recoverable: false, stsCalls: 0 });
  });

  it("ENOENT on the first read only (a swap in progress): read again after 25 ms, credentials, one STS call", async () => {
    const failingFirst = (): ReadFileCapped => {
      let first = true;
      return async (path, maxBytes) => {
        if (!first) return readFileCapped(path, maxBytes);
        first = false;
        throw enoent(path);
      };
    };
    const { reads, sleeps } = await expectEverywhere({ kind: "credentials", stsCalls: 1 }, { readFile: failingFirst });
    expect(reads).toHaveLength(2);
    expect(sleeps).toEqual([TOKEN_READ_RETRY_DELAYS_MS[0]]);
  });

  it("a directory where the file should be: TokenFileError is-directory, non-recoverable, no STS call", async () => {
    await expectEverywhere(
      { kind: "error", problem: "is-directory", recoverable: false, stsCalls: 0 },
      { path: world.tokenFile.dir },
    );
  });
});

describe("100 kubelet rotations during a tight loop of forced refreshes", () => {
  it("every call gets new credentials, one STS call each, always with a whole token kubelet wrote; no error", async () => {
    const written = new Set([world.tokenFile.currentJti]);
    const provider = createWebIdentityProvider(init(world.tokenFile.path, async () => {}));
    opened.push(provider);
    // Kubelet rotates 100 times in a row while the application forces a refresh 100 times
    // (refresh(): a caller's forceRefresh would be answered by the set of the last minute).
    const rotations = Array.from({ length: 100 }, () =>
      world.tokenFile.rotate().then(() => {
        written.add(world.tokenFile.currentJti);
        tokens.add(world.tokenFile.currentToken);
      }),
    );
    const keys: string[] = [];
    for (let i = 0; i < 100; i++) {
      const credentials = await provider.refresh();
      keys.push(credentials.accessKeyId);
    }
    await Promise.all(rotations);

    const requests = world.sts.requests.filter((r) => r.action === ACTION);
    expect(new Set(keys).size).toBe(100);
    expect(requests).toHaveLength(100);
    expect(requests.every((r) => r.status === 200)).toBe(true);
    expect(requests.every((r) => r.jti !== undefined && written.has(r.jti))).toBe(true);
    // The loop really ran across the rotations: the calls carried many different tokens.
    expect(new Set(requests.map((r) => r.jti)).size).toBeGreaterThan(10);
    expect(world.tokenFile.rotations).toBeGreaterThanOrEqual(100);
  });
});

describe("redaction", () => {
  it("no token, secret key or session token in anything these faults printed, threw or returned", () => {
    const secrets = new SecretIndex();
    secrets.addIssued(world.sts.issuedCredentials);
    for (const token of tokens) secrets.addToken("web identity token", token);
    expect(capture.counts.errors).toBeGreaterThan(10);
    expect(capture.scan(secrets)).toEqual([]);
  });
});
