// Importing @irsa/iam-auth costs no more than importing @irsa/web-identity: its modules import
// nothing else at load. The SDK signers and database clients are loaded on first use.
import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+["']([^"']+)["']/gm;

describe("load cost", () => {
  it("the package's modules import only @irsa/web-identity and each other at load", async () => {
    const folder = new URL(".", import.meta.url);
    const files = (await readdir(folder)).filter((name) => name.endsWith(".ts") && !name.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(10);
    const loaded = new Set<string>();
    for (const file of files) {
      const text = await readFile(new URL(file, folder), "utf8");
      for (const match of text.matchAll(STATIC_IMPORT)) if (!match[1]!.startsWith("./")) loaded.add(`${file}: ${match[1]}`);
    }
    expect([...loaded].filter((entry) => !entry.endsWith(": @irsa/web-identity"))).toEqual([]);
  });
});
