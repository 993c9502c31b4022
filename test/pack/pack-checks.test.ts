import { execFileSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inspectTarball, problemCount } from "./inspect-tarball.js";
import { admitsNodeWithoutRequireEsm } from "./require-esm.js";
import { readTarball, type TarballEntry } from "./tarball.js";

// The checks `pnpm test:pack` applies to real tarballs, each shown to fire on a bad one.

function entry(path: string, content: string, mode = 0o644): TarballEntry {
  const bytes = Buffer.from(content);
  return { path: `package/${path}`, mode, size: bytes.length, content: bytes };
}

const manifest = {
  name: "@irsa/example",
  version: "1.0.0",
  main: "./dist/index.cjs",
  types: "./dist/index.d.cts",
  bin: { example: "./dist/cli.js" },
  exports: {
    ".": {
      import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
      require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
    },
  },
  dependencies: { "@smithy/types": "^4.0.0" },
  peerDependencies: { "aws-sdk": "^2.0.0" },
};

function goodPackage(overrides: Record<string, unknown> = {}): TarballEntry[] {
  return [
    entry("package.json", JSON.stringify({ ...manifest, ...overrides }, null, 2)),
    entry("README.md", "# example"),
    entry("dist/index.js", 'import { readFile } from "node:fs/promises";\nimport AWS from "aws-sdk/global.js";\nexport const a = 1;'),
    entry("dist/index.cjs", 'const fs = require("fs");\nconst m = import("@smithy/types");'),
    entry("dist/index.d.ts", "import { AwsCredentialIdentity } from '@smithy/types';\nexport declare const a: number;"),
    entry("dist/index.d.cts", "import { AwsCredentialIdentity } from '@smithy/types';\nexport declare const a: number;"),
    entry("dist/cli.js", "#!/usr/bin/env node\nimport './index.js';", 0o755),
  ];
}

describe("inspectTarball", () => {
  it("finds nothing wrong with a well-formed package", () => {
    expect(problemCount(inspectTarball(goodPackage()))).toBe(0);
  });

  it("reports workspace: and catalog: ranges left in the manifest", () => {
    const problems = inspectTarball(
      goodPackage({ dependencies: { "@irsa/web-identity": "workspace:^", "@smithy/types": "catalog:" } }),
    );
    expect(problems.protocols).toEqual(["@irsa/web-identity: workspace:^", "@smithy/types: catalog:"]);
  });

  it("reports tests, test support, sourcemaps and sources as stray files", () => {
    const problems = inspectTarball([
      ...goodPackage(),
      entry("dist/engine.test.js", ""),
      entry("dist/test-support/raw-http.js", ""),
      entry("dist/refresh-engine.test-support.d.ts", ""),
      entry("dist/index.js.map", "{}"),
      entry("src/index.ts", ""),
    ]);
    expect(problems.strayFiles).toEqual([
      "package/dist/engine.test.js",
      "package/dist/test-support/raw-http.js",
      "package/dist/refresh-engine.test-support.d.ts",
      "package/dist/index.js.map",
      "package/src/index.ts",
    ]);
  });

  it("reports entry points that the tarball lacks", () => {
    const problems = inspectTarball(goodPackage().filter((e) => !e.path.endsWith(".d.cts")));
    expect(problems.missingEntries).toEqual(["./dist/index.d.cts"]);
  });

  it("reports a bin without a shebang or without the executable bit", () => {
    const withoutShebang = goodPackage().map((e) => (e.path.endsWith("cli.js") ? entry("dist/cli.js", "import './index.js';", 0o755) : e));
    expect(inspectTarball(withoutShebang).badBins).toEqual(['./dist/cli.js: no "#!/usr/bin/env node" line']);
    const notExecutable = goodPackage().map((e) => (e.path.endsWith("cli.js") ? { ...e, mode: 0o644 } : e));
    expect(inspectTarball(notExecutable).badBins).toEqual(["./dist/cli.js: not executable (mode 644)"]);
  });

  it("reports imports of undeclared packages and of test tooling", () => {
    const problems = inspectTarball([
      ...goodPackage(),
      entry("dist/extra.js", 'import { STSClient } from "@aws-sdk/client-sts";\nconst nock = require("nock");'),
      entry("dist/extra.d.ts", '/**\n * @example\n * import { fromIni } from "@aws-sdk/credential-providers";\n */\nexport type X = import("jose").JWK;'),
    ]);
    expect(problems.undeclaredImports).toEqual([
      'dist/extra.js imports "@aws-sdk/client-sts", but "@aws-sdk/client-sts" is not in dependencies or peerDependencies',
      'dist/extra.js imports test tooling "nock"',
      'dist/extra.d.ts imports "jose", but "jose" is not in dependencies or peerDependencies',
    ]);
  });
});

describe("readTarball", () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "pack-checks-"));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads paths (long ones too), modes, sizes and contents of a real .tgz", async () => {
    const longFolder = "a-folder-whose-name-is-long-enough".repeat(3);
    await mkdir(join(dir, "package", "dist", longFolder), { recursive: true });
    await writeFile(join(dir, "package", "package.json"), '{"name":"x"}');
    await writeFile(join(dir, "package", "dist", "cli.js"), "#!/usr/bin/env node\n");
    await chmod(join(dir, "package", "dist", "cli.js"), 0o755);
    await writeFile(join(dir, "package", "dist", longFolder, "deep.js"), "x".repeat(1500));
    const tgz = join(dir, "example.tgz");
    execFileSync("tar", ["-czf", tgz, "-C", dir, "package"]);

    const entries = await readTarball(tgz);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect([...byPath.keys()].sort()).toEqual(["package/dist/cli.js", `package/dist/${longFolder}/deep.js`, "package/package.json"].sort());
    expect(byPath.get("package/dist/cli.js")?.mode).toBe(0o755);
    expect(byPath.get("package/package.json")?.content.toString()).toBe('{"name":"x"}');
    expect(byPath.get(`package/dist/${longFolder}/deep.js`)?.size).toBe(1500);
  });
});

describe("admitsNodeWithoutRequireEsm", () => {
  it.each([
    [">=20", true],
    [">=20.0.0", true],
    [">=20.18", true],
    [">=20.19", false],
    [">=20.19.0", false],
    [">=22", true],
    [">=22.12.0", false],
    [">=24", false],
    ["^20.19.0 || >=22.12.0", true],
    ["*", true],
  ])("engines %s -> %s", (range, expected) => {
    expect(admitsNodeWithoutRequireEsm(range)).toBe(expected);
  });
});
