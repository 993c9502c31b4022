import { execFileSync } from "node:child_process";
import { closeSync, constants, openSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TokenFileError } from "../../shared/errors.js";
import { readFileCapped } from "./read-file-capped.js";
import { readWebIdentityToken } from "./token-file.js";
import { createWebIdentitySource } from "./web-identity-source.js";

let dir: string;
let fifos: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "irsa-fifo-"));
  fifos = [];
});
afterEach(async () => {
  // Should a read ever block on a FIFO, a writer opening it releases the blocked thread.
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is reading it, which is what we want.
    }
  }
  await rm(dir, { recursive: true, force: true });
});

function mkfifo(name: string): string {
  const path = join(dir, name);
  execFileSync("mkfifo", [path]);
  fifos.push(path);
  return path;
}

/** Settles with the promise, or rejects after `ms`: a blocked read fails the test instead of hanging it. */
function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

describe("token file reads never block", () => {
  it("refuses a FIFO at once with a TokenFileError that names it", async () => {
    const fifo = mkfifo("token");
    const error = await within(
      readWebIdentityToken(fifo, { now: Date.now, sleep: async () => {} }).catch((e: unknown) => e),
      2_000,
    );
    expect(error).toBeInstanceOf(TokenFileError);
    expect((error as TokenFileError).problem).toBe("not-regular-file");
    expect((error as TokenFileError).recoverable).toBe(false);
    expect((error as Error).message).toContain(fifo);
    expect((error as Error).message).toContain("named pipe");
  });

  it("refuses a character device without reading it", async () => {
    const error = await within(readFileCapped("/dev/zero", 1024).catch((e: unknown) => e), 2_000);
    expect((error as { code?: string }).code).toBe("ENOTREG");
    expect((error as { kind?: string }).kind).toBe("character-device");
  });

  it("takes no thread-pool thread: an unrelated readFile completes while 6 providers point at FIFOs", async () => {
    const other = join(dir, "unrelated.txt");
    await writeFile(other, "still readable");
    const failures = Array.from({ length: 6 }, (_, i) =>
      createWebIdentitySource(
        { roleArn: "arn:aws:iam::111122223333:role/app", webIdentityTokenFile: mkfifo(`token-${i}`), region: "us-east-1" },
        { env: () => ({}) },
      )().catch((e: unknown) => e),
    );
    // libuv has 4 threads by default: 6 blocked opens would starve this read.
    expect(await within(readFile(other, "utf8"), 2_000)).toBe("still readable");
    for (const error of await within(Promise.all(failures), 2_000)) {
      expect(error).toBeInstanceOf(TokenFileError);
      expect((error as TokenFileError).problem).toBe("not-regular-file");
    }
  });

  it("still reads a regular file, cut at maxBytes", async () => {
    const file = join(dir, "plain");
    await writeFile(file, "x".repeat(100));
    expect((await readFileCapped(file, 10)).toString()).toBe("x".repeat(10));
  });
});
