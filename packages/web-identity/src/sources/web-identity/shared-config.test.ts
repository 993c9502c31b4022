import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createWebIdentityChainProvider } from "../../providers/chain.js";
import { createWebIdentityProvider, type WebIdentityCredentialProvider } from "../../providers/from-web-identity.js";
import type { FromWebIdentityInit } from "../../providers/provider-inits.js";
import { loadProfileSettings } from "./shared-config.js";

let world: IrsaWorld;
let dir: string;
const providers: WebIdentityCredentialProvider[] = [];

beforeAll(async () => {
  world = await startIrsaWorld();
  dir = await mkdtemp(join(tmpdir(), "irsa-shared-config-"));
});
afterAll(async () => {
  await world.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const p of providers.splice(0)) p.close();
  world.sts.reset();
});

async function files(config: string, credentials = "") {
  const configFile = join(dir, `config-${providers.length}-${Math.random().toString(16).slice(2)}`);
  const credentialsFile = `${configFile}-credentials`;
  await writeFile(configFile, config);
  await writeFile(credentialsFile, credentials);
  return { AWS_CONFIG_FILE: configFile, AWS_SHARED_CREDENTIALS_FILE: credentialsFile };
}

function provider(env: Record<string, string>, init: FromWebIdentityInit = {}) {
  const created = createWebIdentityProvider(
    { clientConfig: { endpoint: world.sts.endpoint }, proactive: false, retry: { sleep: async () => {} }, ...init },
    { env: () => env },
  );
  providers.push(created);
  return created;
}

describe("shared config files, through the SDK's loader", () => {
  it("the [default] profile's region, when no option or variable names one", async () => {
    const env = { ...(await files("[default]\nregion = eu-west-3\n")), AWS_ROLE_ARN: world.roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: world.tokenFile.path };
    const p = provider(env);
    await p();
    expect(p.stats).toMatchObject({ region: "eu-west-3", regionSource: "profile" });
    const withEnv = provider({ ...env, AWS_REGION: "us-west-2" });
    await withEnv();
    expect(withEnv.stats).toMatchObject({ region: "us-west-2", regionSource: "env:AWS_REGION" });
  });

  it("AWS_PROFILE chooses the profile; a web-identity profile (role_arn, web_identity_token_file, role_session_name, duration_seconds) is used", async () => {
    const config =
      "[default]\nregion = eu-west-3\n" +
      `[profile app]\nregion = ap-northeast-1\nrole_arn = ${world.roleArn}\nweb_identity_token_file = ${world.tokenFile.path}\n` +
      "role_session_name = from-profile\nduration_seconds = 1800\n";
    const p = provider({ ...(await files(config)), AWS_PROFILE: "app" });
    const set = await p();
    expect(p.stats).toMatchObject({ region: "ap-northeast-1", regionSource: "profile", roleArn: world.roleArn, roleSessionName: "from-profile" });
    expect(set.expiration!.getTime() - Date.now()).toBeLessThanOrEqual(1_800_000);
    expect(world.sts.requests.at(-1)).toMatchObject({ action: "AssumeRoleWithWebIdentity", sessionName: "from-profile" });
  });

  it("the IRSA variables win over a web-identity profile; a half-set profile is a ConfigurationError naming it", async () => {
    const env = await files(`[profile half]\nweb_identity_token_file = ${world.tokenFile.path}\n`);
    await expect(provider({ ...env, AWS_PROFILE: "half" })()).rejects.toThrow(/profile `half`.*no role_arn/);
    const irsa = provider({ ...env, AWS_PROFILE: "half", AWS_ROLE_ARN: world.roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: world.tokenFile.path, AWS_REGION: "us-east-1" });
    await expect(irsa()).resolves.toMatchObject({ accessKeyId: expect.any(String) });
  });

  it("the chain's SDK order: the active web-identity profile wins over the IRSA variables (as fromIni before fromTokenFile); options still win; irsa-first keeps the variables first", async () => {
    const otherRole = "arn:aws:iam::111122223333:role/profile-role";
    world.sts.addRole({ roleArn: otherRole, trust: { issuer: world.issuer, subjects: ["system:serviceaccount:default:app"] } });
    const env = {
      ...(await files(`[default]\nrole_arn = ${otherRole}\nweb_identity_token_file = ${world.tokenFile.path}\nrole_session_name = from-profile\n`)),
      AWS_ROLE_ARN: world.roleArn,
      AWS_WEB_IDENTITY_TOKEN_FILE: world.tokenFile.path,
      AWS_ROLE_SESSION_NAME: "from-variable",
      AWS_REGION: "us-east-1",
    };
    const chain = (init: Record<string, unknown>) => {
      const created = createWebIdentityChainProvider({ clientConfig: { endpoint: world.sts.endpoint }, proactive: false, fallbacks: [], ...init }, { env: () => env });
      providers.push(created as never);
      return created;
    };
    const roleOf = async (p: () => Promise<{ accessKeyId: string }>) => world.sts.issuedCredentials.get((await p()).accessKeyId)?.roleArn;
    expect(await roleOf(chain({}))).toBe(otherRole);
    expect(world.sts.requests.at(-1)?.sessionName).toBe("from-profile"); // the profile's own name before AWS_ROLE_SESSION_NAME
    expect(await roleOf(chain({ roleArn: world.roleArn }))).toBe(world.roleArn);
    expect(await roleOf(chain({ precedence: "irsa-first" }))).toBe(world.roleArn);
    expect(world.sts.requests.at(-1)?.sessionName).toBe("from-variable");
    // fromWebIdentity (fromTokenFile's stand-in) reads the variables first, as fromTokenFile
    expect(await roleOf(provider(env))).toBe(world.roleArn);
  });

  it("a role profile whose source_profile chain ends in a web-identity profile: web identity, then AssumeRole per profile; a loop is a ConfigurationError naming it", async () => {
    const base = "arn:aws:iam::111122223333:role/profile-role";
    const app = "arn:aws:iam::111122223333:role/app-role";
    world.sts.addRole({ roleArn: base, trust: { issuer: world.issuer, subjects: ["system:serviceaccount:default:app"] } });
    world.sts.addRole({ roleArn: app, assumableBy: [base] });
    const env = {
      ...(await files(
        `[profile app]\nregion = eu-west-3\nrole_arn = ${app}\nsource_profile = wi\nrole_session_name = app-session\n` +
          `[profile wi]\nrole_arn = ${base}\nweb_identity_token_file = ${world.tokenFile.path}\n` +
          "[profile loop-a]\nrole_arn = arn:aws:iam::111122223333:role/a\nsource_profile = loop-b\n" +
          "[profile loop-b]\nrole_arn = arn:aws:iam::111122223333:role/b\nsource_profile = loop-a\n",
      )),
      AWS_PROFILE: "app",
    };
    expect(await loadProfileSettings(env)).toMatchObject({ name: "wi", region: "eu-west-3", role_arn: base, sourceChain: [{ profile: "app", role_arn: app, role_session_name: "app-session" }] });
    const p = provider(env);
    const set = await p();
    expect(world.sts.issuedCredentials.get(set.accessKeyId)?.roleArn).toBe(app);
    expect(world.sts.requests.map((request) => [request.action, request.roleArn])).toEqual([
      ["AssumeRoleWithWebIdentity", base],
      ["AssumeRole", app],
    ]);
    await expect(provider({ ...env, AWS_PROFILE: "loop-a" })()).rejects.toThrow(/loop-b.*loop|loop.*loop-a/);
  });

  it("the credentials file merges with the config file as in the SDK; missing files are an empty profile", async () => {
    const env = await files("[default]\nregion = eu-west-3\n", "[default]\nregion = eu-north-1\n");
    expect(await loadProfileSettings(env)).toMatchObject({ name: "default", region: "eu-north-1" });
    expect(await loadProfileSettings({ AWS_CONFIG_FILE: join(dir, "absent"), AWS_SHARED_CREDENTIALS_FILE: join(dir, "absent2") })).toEqual({ name: "default" });
  });
});
