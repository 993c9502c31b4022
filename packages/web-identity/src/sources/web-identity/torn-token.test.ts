import { open } from "node:fs/promises";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CredentialCacheEvent } from "../../engine/cache-types.js";
import { createWebIdentityProvider } from "../../providers/from-web-identity.js";
import { StsRequestError, TokenFileError } from "../../shared/errors.js";
import { createWebIdentitySource, type WebIdentitySource } from "./web-identity-source.js";
import { TOKEN_READ_RETRY_DELAYS_MS } from "./token-file.js";
import { TORN_TOKEN_PAUSE_MS } from "./torn-token-retry.js";

let world: IrsaWorld;
const sources: Array<{ close(): void }> = [];

beforeEach(async () => {
  world = await startIrsaWorld();
});
afterEach(async () => {
  for (const source of sources.splice(0)) source.close();
  await world.close();
});

/**
 * A writer that rewrites the token file in place (truncate, then write), as a copy loop or an
 * init container does, stopped part-way: the file holds a JWT-shaped token whose signature is cut
 * short. The returned function finishes the write.
 */
async function startInPlaceWrite(path: string, token: string): Promise<() => Promise<void>> {
  const handle = await open(path, "w");
  const cut = token.length - 24;
  await handle.write(token.slice(0, cut), 0);
  return async () => {
    await handle.write(token.slice(cut), cut);
    await handle.close();
  };
}

describe("torn tokens are transient", () => {
  it("an in-place writer caught mid-write on every one of 20 refreshes: 20 successes, 40 STS calls, 20 torn tokens rejected", async () => {
    let finishWrite: (() => Promise<void>) | undefined;
    const pauses: number[] = [];
    const source = createWebIdentitySource(
      {
        retry: {
          // The writer finishes while the source pauses before its fresh read.
          sleep: async (ms) => {
            pauses.push(ms);
            await finishWrite?.();
            finishWrite = undefined;
          },
        },
      },
      { env: () => world.env },
    );
    sources.push(source);
    for (let i = 0; i < 20; i++) {
      finishWrite = await startInPlaceWrite(world.tokenFile.path, await world.issuer.mintToken());
      const credentials = await source();
      expect(world.sts.isIssued(credentials.accessKeyId)).toBe(true);
    }
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(40);
    expect(world.sts.requests.filter((r) => r.errorCode === "InvalidIdentityToken")).toHaveLength(20);
    expect(pauses).toEqual(Array(20).fill(TORN_TOKEN_PAUSE_MS));
  });

  it("a token STS keeps rejecting (the same bytes twice): non-recoverable after 2 calls", async () => {
    const token = await world.issuer.mintToken();
    await world.tokenFile.writeRaw(`${token.slice(0, -24)}${"A".repeat(24)}`); // a bad signature that stays
    const source = createWebIdentitySource({ retry: { sleep: async () => {} } }, { env: () => world.env });
    sources.push(source);
    const error = (await source().catch((e: unknown) => e)) as StsRequestError;
    expect(error).toBeInstanceOf(StsRequestError);
    expect(error.code).toBe("InvalidIdentityToken");
    expect(error.recoverable).toBe(false);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(2);
  });
});

/**
 * A writer that rewrites the token file in place and never holds still: at each step it
 * truncates the file and writes part of a token, a different part each time, in two writes.
 * `finish()` makes the next step write the whole token.
 */
function churningWriter(path: string, token: string) {
  let steps = 0;
  let whole = false;
  return {
    finish: () => void (whole = true),
    step: async () => {
      steps++;
      const handle = await open(path, "r+");
      try {
        await handle.truncate(0);
        const cut = whole ? token.length : 20 + ((steps * 37) % (token.length - 40));
        await handle.write(token.slice(0, 10), 0);
        await handle.write(token.slice(10, cut), 10);
      } finally {
        await handle.close();
      }
    },
  };
}

describe("a token file rewritten in place while it is read", () => {
  it("caught half-written by every read of a refresh: a recoverable failure (short recovery backoff, no STS call), then credentials once the writer is done", async () => {
    const token = await world.issuer.mintToken();
    const writer = churningWriter(world.tokenFile.path, token);
    await writer.step(); // the file is half-written when the first read comes
    let clock = Date.now();
    const events: CredentialCacheEvent[] = [];
    const pauses: number[] = [];
    const provider = createWebIdentityProvider({
      roleArn: world.roleArn,
      webIdentityTokenFile: world.tokenFile.path,
      region: world.region,
      clientConfig: { endpoint: world.sts.endpoint },
      proactive: false,
      now: () => clock,
      random: () => 0,
      onEvent: (event) => events.push(event),
      // Between two reads the writer rewrites the file (real writes through kubelet's symlink).
      retry: {
        sleep: async (ms) => {
          pauses.push(ms);
          await writer.step();
        },
      },
    });
    sources.push(provider);

    const error = (await provider().catch((e: unknown) => e)) as TokenFileError;
    expect(error).toBeInstanceOf(TokenFileError);
    expect(error).toMatchObject({ problem: "being-written", recoverable: true });
    expect(pauses).toEqual([...TOKEN_READ_RETRY_DELAYS_MS]);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(0);
    // Recoverable: the engine's short recovery backoff, not the error cache of a final verdict.
    expect(events.filter((event) => event.type === "backoff").map((event) => (event as { rule: string }).rule)).toEqual(["recovery"]);

    writer.finish();
    await writer.step();
    clock += 1_000; // past the first recovery backoff (0.5-1 s)
    const credentials = await provider();
    expect(world.sts.isIssued(credentials.accessKeyId)).toBe(true);
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
  });
});
