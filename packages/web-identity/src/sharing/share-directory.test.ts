import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { checkShareDirectory } from "./share-directory.js";

const root = mkdtempSync(join(tmpdir(), "share-dir-"));
const uid = process.getuid!();
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the pod tier's directory", () => {
  it("a missing one is created 0700 and accepted", () => {
    const directory = join(root, "new", "share");
    expect(checkShareDirectory(directory, uid)).toMatchObject({ ok: true });
    expect(statSync(directory).mode & 0o777).toBe(0o700);
  });

  it.each([
    ["group or others may enter (0750)", (d: string) => chmodSync(d, 0o750), /must be 700/],
    ["not writable by its owner (0500)", (d: string) => chmodSync(d, 0o500), /must be 700/],
    ["owned by another user", (d: string) => chownSync(d, 65_534, 65_534), /owned by uid 65534/],
  ])("refused when %s", (_, spoil, reason) => {
    const directory = join(root, `d${Math.random()}`);
    mkdirSync(directory, { mode: 0o700 });
    spoil(directory);
    const checked = checkShareDirectory(directory, uid);
    expect(checked.ok).toBe(false);
    expect(!checked.ok && checked.reason).toMatch(reason);
  });

  it("refused when it is a symbolic link, or a relative path", () => {
    const target = join(root, "target");
    mkdirSync(target, { mode: 0o700 });
    symlinkSync(target, join(root, "link"));
    expect(checkShareDirectory(join(root, "link"), uid)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a directory/) });
    expect(checkShareDirectory("relative/share", uid)).toMatchObject({ ok: false, reason: expect.stringMatching(/not an absolute path/) });
  });
});
