import { lstat, readFile, readdir, readlink } from "node:fs/promises";
import { join } from "node:path";
import { decodeJwt } from "jose";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { KubeletTokenFile } from "./kubelet-token-file.js";
import { createOidcIssuer, type OidcIssuer } from "./oidc-issuer.js";

describe("KubeletTokenFile", () => {
  let issuer: OidcIssuer;
  let file: KubeletTokenFile | undefined;

  beforeEach(async () => {
    issuer = await createOidcIssuer({ serve: false });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await file?.close();
    file = undefined;
    await issuer.close();
  });

  it("lays out files like kubelet's atomic writer", async () => {
    file = await KubeletTokenFile.create({ issuer, namespace: "ns", serviceAccount: "sa" });
    const entries = (await readdir(file.dir)).sort();
    expect(entries).toHaveLength(3);
    const dataDir = entries.find((name) => /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\.\d{9}$/.test(name));
    expect(dataDir).toBeDefined();
    expect(entries).toEqual(expect.arrayContaining(["..data", "token"]));
    expect(await readlink(join(file.dir, "..data"))).toBe(dataDir);
    expect(await readlink(join(file.dir, "token"))).toBe(join("..data", "token"));
    expect((await lstat(join(file.dir, dataDir!, "token"))).isFile()).toBe(true);
    const token = await readFile(file.path, "utf8");
    expect(token).toBe(file.currentToken);
    expect(decodeJwt(token)).toMatchObject({ sub: "system:serviceaccount:ns:sa", jti: file.currentJti });
  });

  it("rotate swaps ..data to a new folder, removes the old one and changes the token", async () => {
    file = await KubeletTokenFile.create({ issuer });
    const firstDir = await file.currentDataDir();
    const firstJti = file.currentJti;
    await file.rotate();
    const secondDir = await file.currentDataDir();
    expect(secondDir).not.toBe(firstDir);
    expect(file.currentJti).not.toBe(firstJti);
    expect(file.rotations).toBe(1);
    const entries = await readdir(file.dir);
    expect(entries).not.toContain(firstDir);
    expect(entries).not.toContain("..data_tmp");
    expect(await readFile(file.path, "utf8")).toBe(file.currentToken);
  });

  it("a tight reader never sees a missing, empty or partial token across 100 rotations", async () => {
    file = await KubeletTokenFile.create({ issuer });
    const written = new Set<string>([file.currentToken]);
    const seen = new Set<string>();
    let reads = 0;
    let done = false;
    const failures: string[] = [];
    const readLoop = async (): Promise<void> => {
      while (!done) {
        try {
          const token = await readFile(file!.path, "utf8");
          reads += 1;
          seen.add(token);
        } catch (error) {
          failures.push(String((error as NodeJS.ErrnoException).code ?? error));
        }
      }
    };
    // Several readers in parallel so reads overlap every step of the swap.
    const readers = [readLoop(), readLoop(), readLoop()];
    for (let i = 0; i < 100; i += 1) {
      await file.rotate();
      written.add(file.currentToken);
    }
    done = true;
    await Promise.all(readers);
    expect(failures).toEqual([]);
    // Every read returned one whole token that was written: never empty, never a fragment.
    expect([...seen].filter((token) => !written.has(token))).toEqual([]);
    expect(seen.size).toBeGreaterThan(50);
    expect(file.rotations).toBe(100);
    expect(reads).toBeGreaterThan(100);
  });

  it("rotates automatically at 80% of the token lifetime under fake timers", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(Date.UTC(2026, 10, 27, 13, 0, 0));
    file = await KubeletTokenFile.create({ issuer, ttlSeconds: 1000, autoRotate: true });
    const first = file.currentJti;
    await vi.advanceTimersByTimeAsync(799_000);
    expect(file.rotations).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.waitFor(() => expect(file!.rotations).toBe(1));
    expect(file.currentJti).not.toBe(first);
    expect(decodeJwt(file.currentToken).iat).toBe(Date.UTC(2026, 10, 27, 13, 13, 20) / 1000);
    await vi.advanceTimersByTimeAsync(800_000);
    await vi.waitFor(() => expect(file!.rotations).toBe(2));
  });

  it("close removes the directory it created and stops rotating", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    file = await KubeletTokenFile.create({ issuer, ttlSeconds: 10, autoRotate: true });
    const dir = file.dir;
    await file.close();
    await expect(lstat(dir)).rejects.toMatchObject({ code: "ENOENT" });
    expect(vi.getTimerCount()).toBe(0);
    await expect(file.rotate()).rejects.toThrow(/closed/);
  });

  it("writeRaw swaps in arbitrary content atomically (for negative tests)", async () => {
    file = await KubeletTokenFile.create({ issuer });
    await file.writeRaw("");
    expect(await readFile(file.path, "utf8")).toBe("");
    expect(file.currentJti).toBe("");
    await file.rotate();
    expect(await readFile(file.path, "utf8")).toBe(file.currentToken);
  });

  it("rejects a missing issuer or a non-positive lifetime with a clear error", async () => {
    await expect(KubeletTokenFile.create({} as never)).rejects.toThrow(/needs an `issuer`/);
    await expect(KubeletTokenFile.create({ issuer, ttlSeconds: 0 })).rejects.toThrow(RangeError);
  });
});
