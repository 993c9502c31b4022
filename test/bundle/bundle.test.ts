// Bundle smoke test: the app in bundle-app.ts bundled by esbuild to one ESM and one CJS file, each
// run as a child process from a temporary folder with no node_modules against the local world.
import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleApp, bundleCli } from "./bundle.js";

const run = promisify(execFile);
const CHILD_TIMEOUT_MS = 30_000;

let world: IrsaWorld;
let dir: string;

beforeAll(async () => {
  world = await startIrsaWorld();
  dir = await mkdtemp(join(tmpdir(), "irsa-bundle-"));
  await bundleApp({ format: "esm", outfile: join(dir, "app.mjs") });
  await bundleApp({ format: "cjs", outfile: join(dir, "app.cjs") });
  await bundleCli(join(dir, "irsa-credentials.cjs"));
}, 60_000);

afterAll(async () => {
  await world?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The child sees only what a pod would: the IRSA variables, pointed at the local world. */
function childEnv(): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ...world.env,
    AWS_ENDPOINT_URL: world.sts.endpoint,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9",
    AWS_CONFIG_FILE: join(dir, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "no-credentials"),
  };
}

describe("an app bundled with esbuild, run with no node_modules", () => {
  it("the folder holds the two bundles and nothing else", async () => {
    expect((await readdir(dir)).sort()).toEqual(["app.cjs", "app.mjs", "irsa-credentials.cjs"]);
  });

  it("the irsa-credentials bin, bundled: process prints its JSON, and on Node 22+ nothing on stderr", async () => {
    const before = world.sts.calls("AssumeRoleWithWebIdentity");
    const { stdout, stderr } = await run(process.execPath, [join(dir, "irsa-credentials.cjs"), "process", "--no-cache"], {
      cwd: dir,
      env: childEnv(),
      timeout: CHILD_TIMEOUT_MS,
    });
    expect(JSON.parse(stdout)).toMatchObject({ Version: 1, AccountId: "111122223333" });
    expect(world.sts.calls("AssumeRoleWithWebIdentity") - before).toBe(1);
    if (Number(process.versions.node.split(".")[0]) >= 22) expect(stderr).toBe("");
  });

  it.each([
    ["app.mjs", "provider"],
    ["app.mjs", "chain"],
    ["app.cjs", "provider"],
    ["app.cjs", "chain"],
  ])("%s with the %s: a signed GetCallerIdentity on one STS exchange", async (file, mode) => {
    const before = world.sts.calls("AssumeRoleWithWebIdentity");
    const { stdout, stderr } = await run(process.execPath, [join(dir, file), mode], {
      cwd: dir,
      env: childEnv(),
      timeout: CHILD_TIMEOUT_MS,
    });
    expect(JSON.parse(stdout)).toEqual({ mode, arn: expect.stringMatching(/^arn:aws:sts::111122223333:assumed-role\/irsa-demo\//) });
    expect(world.sts.calls("AssumeRoleWithWebIdentity") - before).toBe(1);
    // On 22 and later the SDK prints nothing; on 20 only its Node-version notice may appear.
    const major = Number(process.versions.node.split(".")[0]);
    if (major >= 22) expect(stderr).toBe("");
    else expect(stderr.replace(/^\(node:\d+\) Warning: NodeVersionSupportWarning[\s\S]*$/, "")).toBe("");
  });
});
