import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { build, type Options } from "tsup";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import packageBuild from "../../packages/aws-sdk-v2/tsup.config.js";

const packageDir = fileURLToPath(new URL("../../packages/aws-sdk-v2/", import.meta.url));

// The adapter's class extends the app's AWS.Credentials. This builds the adapter the way the
// package is built (its tsup config: ESM and CJS), loads both outputs in one Node process next to
// the app's own `require("aws-sdk")`, and checks that there is one aws-sdk and one base class.
// (The entry is the adapter module itself: it loads aws-sdk and nothing else at run time.)
describe("@irsa/aws-sdk-v2 built as ESM and CJS", () => {
  let outDir: string;

  beforeAll(async () => {
    // Inside the package, so Node resolves `aws-sdk` from the package as it would for a consumer.
    // (.tmp/ is git-ignored.)
    await mkdir(join(packageDir, ".tmp"), { recursive: true });
    outDir = await mkdtemp(join(packageDir, ".tmp", "dual-format-"));
    // tsup keeps a package's dependencies external by reading the package.json of the current
    // folder; from here, name them (with their subpaths, e.g. aws-sdk/global.js).
    const manifest = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
    const external = [manifest.dependencies, manifest.peerDependencies]
      .flatMap((deps) => Object.keys(deps ?? {}))
      .flatMap((name) => [name, new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/`)]);
    await build({
      ...(packageBuild as Options),
      config: false,
      external,
      entry: { adapter: join(packageDir, "src/provider-credentials.ts") },
      outDir,
      dts: false,
      silent: true,
    });
  });

  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it("both formats extend the very same AWS.Credentials as the app's require('aws-sdk')", async () => {
    const probe = join(outDir, "probe.mjs");
    await writeFile(
      probe,
      `import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const esm = await import("./adapter.js");
const cjs = require("./adapter.cjs");
const AWS = require("aws-sdk");
const provider = async () => ({ accessKeyId: "AKID", secretAccessKey: "secret" });
const fromEsm = esm.toV2Credentials(provider);
const fromCjs = cjs.toV2Credentials(provider);
console.log(JSON.stringify({
  esmIsAppCredentials: fromEsm instanceof AWS.Credentials,
  cjsIsAppCredentials: fromCjs instanceof AWS.Credentials,
  esmBase: Object.getPrototypeOf(esm.ProviderCredentials) === AWS.Credentials,
  cjsBase: Object.getPrototypeOf(cjs.ProviderCredentials) === AWS.Credentials,
  // The rejected-key listener (on AWS.events) is installed once for both copies.
  retryListenersOnAwsEvents: (AWS.events._events.retry ?? []).length,
  awsSdkCopies: Object.keys(require.cache).filter((file) => /[\\\\/]aws-sdk[\\\\/]lib[\\\\/]core\\.js$/.test(file)).length,
}));
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [probe], {
      cwd: outDir,
      env: { ...process.env, AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1" },
      timeout: 15_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      esmIsAppCredentials: true,
      cjsIsAppCredentials: true,
      esmBase: true,
      cjsBase: true,
      retryListenersOnAwsEvents: 1,
      awsSdkCopies: 1,
    });
  });
});
