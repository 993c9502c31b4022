import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createWebIdentityChainProvider, type WebIdentityChainProvider } from "./chain.js";
import type { FromWebIdentityChainInit } from "./provider-inits.js";

let world: IrsaWorld;
let dir: string;
const providers: WebIdentityChainProvider[] = [];
beforeAll(async () => {
  world = await startIrsaWorld();
  dir = await mkdtemp(join(tmpdir(), "irsa-sdk-order-"));
});
afterAll(async () => {
  await world.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const p of providers.splice(0)) p.close();
  vi.unstubAllEnvs();
  world.sts.reset();
});

/** The environment both as the chain's seam and as process.env (the SDK's own providers read the latter). */
function chain(variables: Record<string, string>, init: FromWebIdentityChainInit = {}) {
  for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
  const env = { AWS_EC2_METADATA_DISABLED: "true", AWS_CONFIG_FILE: join(dir, "none"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "none2"), ...variables };
  const created = createWebIdentityChainProvider({ clientConfig: { endpoint: world.sts.endpoint }, region: "us-east-1", proactive: false, ...init }, { env: () => env });
  providers.push(created);
  return created;
}

const irsa = () => ({ AWS_ROLE_ARN: world.roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: world.tokenFile.path });
const keys = { AWS_ACCESS_KEY_ID: "AKIAENVKEY", AWS_SECRET_ACCESS_KEY: "env-secret" };

describe("fromWebIdentityChain precedence", () => {
  it('default "sdk": environment keys win over IRSA, as in fromNodeProviderChain (no STS call)', async () => {
    await expect(chain({ ...keys, ...irsa() })()).resolves.toMatchObject({ accessKeyId: "AKIAENVKEY" });
    expect(world.sts.calls()).toBe(0);
  });

  it('"irsa-first": IRSA wins over environment keys', async () => {
    const set = await chain({ ...keys, ...irsa() }, { precedence: "irsa-first" })();
    expect(set.accessKeyId).not.toBe("AKIAENVKEY");
    expect(world.sts.calls("AssumeRoleWithWebIdentity")).toBe(1);
  });

  it("static keys alone work; an AWS_PROFILE with static keys is used through the SDK's fromIni", async () => {
    await expect(chain(keys)()).resolves.toMatchObject({ accessKeyId: "AKIAENVKEY" });
    const credentials = join(dir, "credentials");
    await writeFile(credentials, "[app]\naws_access_key_id = AKIAPROFILE\naws_secret_access_key = profile-secret\n");
    const p = chain({ ...irsa(), AWS_PROFILE: "app", AWS_SHARED_CREDENTIALS_FILE: credentials });
    await expect(p()).resolves.toMatchObject({ accessKeyId: "AKIAPROFILE" });
    expect(world.sts.calls()).toBe(0);
  });

  it("an unknown precedence is a ConfigurationError", async () => {
    expect(() => chain({}, { precedence: "first" as never })).toThrow(/`precedence`/);
  });
});
