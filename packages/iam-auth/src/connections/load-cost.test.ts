// The connection helpers keep the package's promise (see ../load-cost.test.ts, which reads the
// top folder): at load they import only @irsa/web-identity and each other; the SigV4 signer, the
// MSK signer and the OpenSearch client are loaded on first use.
import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";

const STATIC_IMPORT = /^\s*(?:import|export)\s+(?!type\b)[^;]*?from\s+["']([^"']+)["']/gm;
const FOLDERS = ["connections", "elasticache", "msk", "opensearch"];

describe("load cost of the connection helpers", () => {
  it("their modules import only @irsa/web-identity and the package's own modules at load", async () => {
    const loaded: string[] = [];
    let files = 0;
    for (const folder of FOLDERS) {
      const url = new URL(`../${folder}/`, import.meta.url);
      for (const name of (await readdir(url)).filter((n) => n.endsWith(".ts") && !n.endsWith(".test.ts"))) {
        files += 1;
        const text = await readFile(new URL(name, url), "utf8");
        for (const match of text.matchAll(STATIC_IMPORT)) {
          const specifier = match[1]!;
          if (!specifier.startsWith("./") && !specifier.startsWith("../") && specifier !== "@irsa/web-identity") loaded.push(`${folder}/${name}: ${specifier}`);
        }
      }
    }
    // The peer loader and the signing credentials live in the top folder (../load-cost.test.ts).
    expect(files).toBeGreaterThanOrEqual(9);
    expect(loaded).toEqual([]);
  });
});
