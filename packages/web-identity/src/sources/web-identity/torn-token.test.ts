import { open } from "node:fs/promises";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { StsRequestError } from "../../shared/errors.js";
import { createWebIdentitySource, type WebIdentitySource } from "./web-identity-source.js";
import { TORN_TOKEN_PAUSE_MS } from "./torn-token-retry.js";

let world: IrsaWorld;
const sources: WebIdentitySource[] = [];

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
