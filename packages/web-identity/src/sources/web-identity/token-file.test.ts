import { mkdir, mkdtemp, open, rm, symlink, writeFile, rename } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TokenFileError } from "../../shared/errors.js";
import { MAX_TOKEN_FILE_BYTES, TOKEN_READ_RETRY_DELAYS_MS, readWebIdentityToken, type ReadTokenOptions } from "./token-file.js";

const NOW = Date.parse("2030-01-01T00:00:00Z");

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "RS256", kid: "k1" })}.${part(claims)}.${Buffer.from("signature-bytes").toString("base64url")}`;
}

const CLAIMS = {
  iss: "https://oidc.example.test/id/ABC",
  sub: "system:serviceaccount:shop:api",
  aud: ["sts.amazonaws.com"],
  exp: NOW / 1000 + 3600,
  jti: "jti-1",
};
const TOKEN = jwt(CLAIMS);

let dir: string;
let sleeps: number[];
let onSleep: (() => Promise<void>) | undefined;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "irsa-token-"));
  sleeps = [];
  onSleep = undefined;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function options(extra: Partial<ReadTokenOptions> = {}): ReadTokenOptions {
  return {
    now: () => NOW,
    // No wall time: record the wait and let the test change the file "meanwhile".
    sleep: async (ms) => {
      sleeps.push(ms);
      await onSleep?.();
    },
    ...extra,
  };
}

async function readError(path: string, extra: Partial<ReadTokenOptions> = {}): Promise<TokenFileError> {
  const error = await readWebIdentityToken(path, options(extra)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenFileError);
  return error as TokenFileError;
}

function expectNoToken(error: Error, token: string) {
  for (const text of [error.message, inspect(error, { showHidden: true, depth: 5 }), JSON.stringify(error)]) {
    expect(text).not.toContain(token);
  }
}

describe("readWebIdentityToken", () => {
  it("reads the token and decodes iss/sub/aud/exp without verifying", async () => {
    const path = join(dir, "token");
    await writeFile(path, TOKEN);
    const token = await readWebIdentityToken(path, options());
    expect(token.reveal()).toBe(TOKEN);
    expect(token.claims).toEqual({ iss: CLAIMS.iss, sub: CLAIMS.sub, aud: CLAIMS.aud, exp: CLAIMS.exp });
    expect(sleeps).toEqual([]);
  });

  it("never shows the token in JSON, inspect or its enumerable fields", async () => {
    const path = join(dir, "token");
    await writeFile(path, TOKEN);
    const token = await readWebIdentityToken(path, options());
    expect(JSON.stringify(token)).not.toContain(TOKEN);
    expect(inspect(token, { showHidden: true, depth: 5 })).not.toContain(TOKEN);
    expect(Object.values(token).join(" ")).not.toContain(TOKEN);
    expect(inspect(token)).toContain(CLAIMS.sub);
  });

  it("trims CRLF and surrounding whitespace", async () => {
    const path = join(dir, "token");
    await writeFile(path, `\r\n  ${TOKEN}\r\n\r\n`);
    expect((await readWebIdentityToken(path, options())).reveal()).toBe(TOKEN);
  });

  it("follows kubelet's ..data symlink layout", async () => {
    await mkdir(join(dir, "..2030_01_01_00_00_00.1"));
    await writeFile(join(dir, "..2030_01_01_00_00_00.1", "token"), TOKEN);
    await symlink("..2030_01_01_00_00_00.1", join(dir, "..data"));
    await symlink("..data/token", join(dir, "token"));
    expect((await readWebIdentityToken(join(dir, "token"), options())).reveal()).toBe(TOKEN);
  });

  it("ENOENT once (mid-swap), then the file appears: success after one short wait", async () => {
    const path = join(dir, "token");
    onSleep = () => writeFile(path, TOKEN);
    expect((await readWebIdentityToken(path, options())).reveal()).toBe(TOKEN);
    expect(sleeps).toEqual([TOKEN_READ_RETRY_DELAYS_MS[0]]);
  });

  it("a dangling ..data symlink during the swap, then the new folder: success", async () => {
    await symlink("..data/token", join(dir, "token"));
    onSleep = async () => {
      await mkdir(join(dir, "..new"));
      await writeFile(join(dir, "..new", "token"), TOKEN);
      await symlink("..new", join(dir, "..data.tmp"));
      await rename(join(dir, "..data.tmp"), join(dir, "..data"));
    };
    expect((await readWebIdentityToken(join(dir, "token"), options())).reveal()).toBe(TOKEN);
  });

  it("missing for the whole ~200 ms: not-found, recoverable, naming the path and the variable", async () => {
    const path = join(dir, "absent");
    const error = await readError(path);
    expect(error.problem).toBe("not-found");
    expect(error.recoverable).toBe(true);
    expect(error.tryNextLink).toBe(false);
    expect(error.message).toContain(path);
    expect(error.message).toContain("AWS_WEB_IDENTITY_TOKEN_FILE");
    expect(sleeps).toEqual([...TOKEN_READ_RETRY_DELAYS_MS]);
    expect(sleeps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(250);
  });

  it("empty, then written: success; empty throughout: an 'empty' error", async () => {
    const path = join(dir, "token");
    await writeFile(path, "");
    onSleep = () => writeFile(path, TOKEN);
    expect((await readWebIdentityToken(path, options())).reveal()).toBe(TOKEN);

    onSleep = undefined;
    await writeFile(path, "\n");
    const error = await readError(path);
    expect(error.problem).toBe("empty");
    expect(error.message).toContain(path);
  });

  it("a partial write, then the whole token: success", async () => {
    const path = join(dir, "token");
    await writeFile(path, TOKEN.slice(0, 40));
    onSleep = () => writeFile(path, TOKEN);
    expect((await readWebIdentityToken(path, options())).reveal()).toBe(TOKEN);
  });

  it("not a JWT: malformed, non-recoverable, without echoing the content", async () => {
    const path = join(dir, "token");
    const content = "apiVersion: v1\nkind: Config\nsecret-ish-content";
    await writeFile(path, content);
    const error = await readError(path);
    expect(error.problem).toBe("malformed");
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain("three base64url parts");
    expect(error.message).not.toContain("secret-ish-content");
  });

  it("three parts whose payload is not JSON: malformed", async () => {
    const path = join(dir, "token");
    await writeFile(path, "aaaa.bbbb.cccc");
    expect((await readError(path)).problem).toBe("malformed");
  });

  it("1 MiB: too-large at once, no retry", async () => {
    const path = join(dir, "token");
    await writeFile(path, Buffer.alloc(1024 * 1024, "a"));
    const error = await readError(path);
    expect(error.problem).toBe("too-large");
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain("64 KiB");
    expect(sleeps).toEqual([]);
  });

  it("exactly 64 KiB of whitespace-padded token is still read", async () => {
    const path = join(dir, "token");
    await writeFile(path, TOKEN + " ".repeat(MAX_TOKEN_FILE_BYTES - TOKEN.length));
    expect((await readWebIdentityToken(path, options())).reveal()).toBe(TOKEN);
  });

  it("a directory at the path: is-directory, hinting at the file inside", async () => {
    const error = await readError(dir);
    expect(error.problem).toBe("is-directory");
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain(dir);
    expect(error.message).toMatch(/directory/);
    expect(sleeps).toEqual([]);
  });

  it("EACCES: access-denied, hinting at fsGroup, no retry", async () => {
    // Tests run as root here, where chmod does not block reads: the read function reports what
    // the kernel reports to a non-root user.
    const path = join(dir, "token");
    await writeFile(path, TOKEN, { mode: 0o600 });
    const denied = Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: "EACCES" });
    const error = await readError(path, { readFile: async () => Promise.reject(denied) });
    expect(error.problem).toBe("access-denied");
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain("fsGroup");
    expect(error.message).toContain(path);
    expect(error.cause).toBe(denied);
    expect(sleeps).toEqual([]);
  });

  it("an expired exp: fails naming the path, exp and subPath, without retrying", async () => {
    const path = join(dir, "token");
    const stale = jwt({ ...CLAIMS, exp: NOW / 1000 - 60 });
    await writeFile(path, stale);
    const error = await readError(path);
    expect(error.problem).toBe("expired");
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain(path);
    expect(error.message).toContain(new Date(NOW - 60_000).toISOString());
    expect(error.message).toContain("subPath");
    expect(error.message).toContain(CLAIMS.sub);
    expect(error.claims?.exp).toBe(NOW / 1000 - 60);
    expectNoToken(error, stale);
  });

  it("no error message or rendering holds the token", async () => {
    const path = join(dir, "token");
    const stale = jwt({ ...CLAIMS, exp: 1 });
    await writeFile(path, stale);
    expectNoToken(await readError(path), stale);
  });

  it("a stable non-JWT whose last two reads agree stays malformed and non-recoverable, after the whole schedule", async () => {
    const path = join(dir, "token");
    await writeFile(path, "not a token");
    const error = await readError(path);
    expect(error.problem).toBe("malformed");
    expect(error.recoverable).toBe(false);
    expect(sleeps).toEqual([...TOKEN_READ_RETRY_DELAYS_MS]);
  });
});

/**
 * A writer that rewrites the token file in place (open, truncate, then write in steps) and is
 * caught part-way by every read: each pause of the reader, it truncates the file and writes a
 * longer part of the token, never the whole of it until `finishAt` pauses have passed.
 */
function churningWriter(path: string, token: string, finishAt = Infinity) {
  let steps = 0;
  return async () => {
    steps++;
    const handle = await open(path, "r+");
    try {
      await handle.truncate(0);
      const whole = steps >= finishAt;
      const cut = whole ? token.length : Math.min(10 + steps * 7, token.length - 1);
      // Two writes, as a writer copying in chunks does; the reader only runs between steps.
      await handle.write(token.slice(0, Math.floor(cut / 2)), 0);
      await handle.write(token.slice(Math.floor(cut / 2), cut), Math.floor(cut / 2));
    } finally {
      await handle.close();
    }
  };
}

describe("a token file rewritten in place between reads", () => {
  it("caught half-written by every read of the schedule: being-written, recoverable (not a final malformed)", async () => {
    const path = join(dir, "token");
    await writeFile(path, TOKEN.slice(0, 5));
    onSleep = churningWriter(path, TOKEN);
    const error = await readError(path);
    expect(error.problem).toBe("being-written");
    expect(error.recoverable).toBe(true);
    expect(error.message).toContain(path);
    expect(error.message).toContain("rewritten in place");
    expect(sleeps).toEqual([...TOKEN_READ_RETRY_DELAYS_MS]);
    expectNoToken(error, TOKEN.slice(0, 20));
  });

  it("the writer finishes at the third pause: the whole token, read on the fourth read", async () => {
    const path = join(dir, "token");
    await writeFile(path, TOKEN.slice(0, 5));
    onSleep = churningWriter(path, TOKEN, 3);
    expect((await readWebIdentityToken(path, options())).reveal()).toBe(TOKEN);
    expect(sleeps).toEqual(TOKEN_READ_RETRY_DELAYS_MS.slice(0, 3));
  });

  /** Reads answered from a script, one entry per read (the last repeats). */
  function scripted(contents: string[]) {
    let reads = 0;
    const readFile = async () => Buffer.from(contents[Math.min(reads++, contents.length - 1)]!);
    return { readFile, reads: () => reads };
  }

  it.each([
    ["every read different", ["a", "ab", "abc", "abcd", "abcde"], "being-written", true],
    ["the same garbage until the last read changes it", ["x", "x", "x", "x", "y"], "being-written", true],
    ["changing, then the last two reads agree", ["a", "ab", "abc", "abc", "abc"], "malformed", false],
    ["empty, then a partial write on the last read", ["", "", "", "", "eyJh"], "being-written", true],
    ["the same garbage on every read", ["x"], "malformed", false],
  ] as const)("injected reads, %s: %s (recoverable %s)", async (_, contents, problem, recoverable) => {
    const script = scripted([...contents]);
    const error = await readError(join(dir, "token"), { readFile: script.readFile });
    expect(error).toMatchObject({ problem, recoverable });
    expect(script.reads()).toBe(TOKEN_READ_RETRY_DELAYS_MS.length + 1);
  });

  it("one read allowed (no retries): a non-JWT is not judged malformed from a single read", async () => {
    const script = scripted(["x"]);
    const error = await readError(join(dir, "token"), { readFile: script.readFile, retryDelaysMs: [] });
    expect(error).toMatchObject({ problem: "being-written", recoverable: true });
  });
});
