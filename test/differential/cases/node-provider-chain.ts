// fromNodeProviderChain (the v3 default chain) against fromWebIdentityChain: environment keys,
// profiles of the shared files, IRSA, IMDS (refused by the guard: where each would have gone).
import type { DiffCase, SideContext, SideRun } from "../harness/case-types.js";
import { assumeRequests, irsaEnv, irsaEnvNoEndpoint, ourWebIdentity } from "./case-support.js";

const sdkChain = async () => (await import("@aws-sdk/credential-providers")).fromNodeProviderChain()();
const ourChain = async () => (await ourWebIdentity()).fromWebIdentityChain()();
const staticKeys = { AWS_ACCESS_KEY_ID: "AKIASTATICKEYEXAMPLE", AWS_SECRET_ACCESS_KEY: "static-secret-example" };
const GENERATED_SESSION_NAME = /^(aws-sdk-js-session-\d+|[A-Za-z0-9_=,.@-]+-[0-9a-f]{8})$/;
const keyAndRole = (run: SideRun) => ({
  outcome: run.outcome.ok
    ? { key: run.outcome.credentials?.role !== undefined ? "issued by the local STS" : run.outcome.credentials?.accessKeyId, role: run.outcome.credentials?.role }
    : { error: run.outcome.error.causeName ?? run.outcome.error.name },
  // a generated name differs by design (the "(no session name)" row); a named one must not
  sessionNames: assumeRequests(run).map((request) => (GENERATED_SESSION_NAME.test(request.sessionName ?? "") ? "(generated)" : request.sessionName)),
  refused: run.refused,
  asked: { container: run.asked.container > 0, imds: run.asked.imds > 0 },
});
/** The SDK's default chain and ours, compared on the identity they end with and where they went. */
const bothChains = { sdk: sdkChain, ours: ourChain, observe: keyAndRole };
const webIdentityProfile = (ctx: SideContext, extra = "") =>
  `[profile wi]\nrole_arn = ${ctx.otherRoleArn}\nweb_identity_token_file = ${ctx.tokenFile}\nrole_session_name = profile-session\n${extra}`;
const stsHere = (ctx: SideContext) => ({ AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_STS: ctx.stsEndpoint });

export const NODE_PROVIDER_CHAIN_CASES: Record<string, DiffCase> = {
  "chain-env-keys-with-irsa": {
    env: (ctx) => ({ ...irsaEnv(ctx), ...staticKeys }),
    ...bothChains,
  },
  "chain-env-keys-alone": {
    env: () => staticKeys,
    ...bothChains,
  },
  "chain-irsa-alone": {
    env: irsaEnv,
    ...bothChains,
  },
  "chain-profile-static-keys": {
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_PROFILE: "dev" }),
    files: () => ({ credentials: "[dev]\naws_access_key_id = AKIAPROFILEKEYEXAMPL\naws_secret_access_key = profile-secret\n" }),
    ...bothChains,
  },
  "chain-profile-credential-process": {
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_PROFILE: "dev" }),
    files: (ctx) => ({
      "process.cjs": 'process.stdout.write(JSON.stringify({ Version: 1, AccessKeyId: "AKIAPROCESSKEYEXAMPL", SecretAccessKey: "process-secret" }));\n',
      config: `[profile dev]\ncredential_process = ${process.execPath} ${ctx.dir}/process.cjs\n`,
    }),
    ...bothChains,
  },
  "chain-profile-sso": {
    // a valid cached SSO token; GetRoleCredentials goes to the SSO portal, refused by the guard
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_PROFILE: "dev" }),
    files: () => ({
      config: "[profile dev]\nsso_start_url = https://example.awsapps.com/start\nsso_region = eu-west-1\nsso_account_id = 123456789012\nsso_role_name = Dev\n",
    }),
    sdk: async (ctx) => (await writeSsoToken(ctx), sdkChain()),
    ours: async (ctx) => (await writeSsoToken(ctx), ourChain()),
    observe: keyAndRole,
  },
  "chain-web-identity-profile": {
    env: (ctx) => ({ ...stsHere(ctx), AWS_PROFILE: "wi" }),
    files: (ctx) => ({ config: webIdentityProfile(ctx) }),
    ...bothChains,
  },
  "chain-web-identity-profile-and-irsa": {
    // both a web-identity profile (named by AWS_PROFILE) and the IRSA variables: whose role?
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_PROFILE: "wi" }),
    files: (ctx) => ({ config: webIdentityProfile(ctx) }),
    ...bothChains,
  },
  "chain-web-identity-default-profile-and-irsa": {
    // the same in [default], with AWS_PROFILE unset
    env: irsaEnv,
    files: (ctx) => ({ config: webIdentityProfile(ctx).replace("[profile wi]", "[default]") }),
    ...bothChains,
  },
  "chain-source-profile-web-identity": {
    env: (ctx) => ({ ...stsHere(ctx), AWS_PROFILE: "app" }),
    files: (ctx) => ({
      config:
        `[profile app]\nrole_arn = arn:aws:iam::111122223333:role/app-role\nsource_profile = wi\nrole_session_name = app-session\n` +
        webIdentityProfile(ctx),
    }),
    sdk: sdkChain,
    ours: ourChain,
    observe: (run) => ({ ...(keyAndRole(run) as object), actions: run.sts.map((request) => `${String(request.action)} ${String(request.roleArn)}`) }),
  },
  "chain-profile-duration-seconds": {
    env: (ctx) => ({ ...stsHere(ctx), AWS_PROFILE: "wi" }),
    files: (ctx) => ({ config: webIdentityProfile(ctx, "duration_seconds = 1800\n") }),
    sdk: sdkChain,
    ours: ourChain,
    differs: ({ sdk, ours }, expect) => {
      expect(assumeRequests(sdk).map((request) => request.durationSeconds)).toEqual([undefined]);
      expect(assumeRequests(ours).map((request) => request.durationSeconds)).toEqual(["1800"]);
      expect(keyAndRole(ours).outcome).toEqual(keyAndRole(sdk).outcome);
    },
  },
  "chain-profile-region": {
    env: (ctx) => ({ ...irsaEnvNoEndpoint(ctx), AWS_PROFILE: "dev" }),
    files: () => ({ config: "[profile dev]\nregion = eu-west-3\n" }),
    ...bothChains,
  },
  "chain-config-file-variables": {
    // the files somewhere else, named by AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_PROFILE: "dev", AWS_CONFIG_FILE: `${ctx.dir}/elsewhere-config`, AWS_SHARED_CREDENTIALS_FILE: `${ctx.dir}/elsewhere-credentials` }),
    files: () => ({ "elsewhere-credentials": "[dev]\naws_access_key_id = AKIAELSEWHEREKEYEXAM\naws_secret_access_key = elsewhere-secret\n" }),
    ...bothChains,
  },
  "chain-irsa-failing": {
    env: irsaEnv,
    arrange: (world) => void world.sts.faults.failNext(5, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" }),
    ...bothChains,
  },
  "chain-half-irsa": {
    env: (ctx) => ({ AWS_ROLE_ARN: ctx.roleArn, AWS_REGION: "us-east-1" }),
    sdk: sdkChain,
    ours: ourChain,
    differs: ({ sdk, ours }, expect) => {
      // the SDK skips the half-set pair and goes on to IMDS; ours names the missing variable
      expect(sdk.outcome.ok).toBe(false);
      expect(sdk.refused).toContain("169.254.169.254:80");
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("AWS_WEB_IDENTITY_TOKEN_FILE") } });
      expect(ours.refused).toEqual([]);
    },
  },
  "chain-container-credentials": {
    env: (ctx) => ({ AWS_REGION: "us-east-1", AWS_CONTAINER_CREDENTIALS_FULL_URI: ctx.container.fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN: ctx.container.authorizationToken }),
    ...bothChains,
  },
  "chain-container-token-file": {
    env: (ctx) => ({ AWS_REGION: "us-east-1", AWS_CONTAINER_CREDENTIALS_FULL_URI: ctx.container.fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: `${ctx.dir}/container-token` }),
    files: (ctx) => ({ "container-token": ctx.container.authorizationToken }),
    ...bothChains,
  },
  "chain-container-and-irsa": {
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_CONTAINER_CREDENTIALS_FULL_URI: ctx.container.fullUri, AWS_CONTAINER_AUTHORIZATION_TOKEN: ctx.container.authorizationToken }),
    ...bothChains,
  },
  "chain-imds": {
    env: (ctx) => ({ AWS_REGION: "us-east-1", AWS_EC2_METADATA_SERVICE_ENDPOINT: ctx.imdsEndpoint }),
    ...bothChains,
  },
  "chain-imds-disabled": {
    env: (ctx) => ({ AWS_REGION: "us-east-1", AWS_EC2_METADATA_SERVICE_ENDPOINT: ctx.imdsEndpoint, AWS_EC2_METADATA_DISABLED: "true" }),
    sdk: sdkChain,
    ours: ourChain,
    // both fail without asking the IMDS that is there
    differs: ({ sdk, ours }, expect) => {
      expect([sdk.outcome.ok, ours.outcome.ok]).toEqual([false, false]);
      expect([sdk.asked.imds, ours.asked.imds, sdk.refused.length, ours.refused.length]).toEqual([0, 0, 0, 0]);
      expect(ours.outcome).toMatchObject({ error: { name: "CredentialChainError", message: expect.stringContaining("AWS_EC2_METADATA_DISABLED") } });
    },
  },
  "chain-nothing-configured": {
    env: () => ({ AWS_REGION: "us-east-1" }),
    sdk: sdkChain,
    ours: ourChain,
    differs: ({ sdk, ours }, expect) => {
      // both try IMDS (refused here) and fail; ours names every source and why it was skipped
      expect(sdk.refused).toEqual(["169.254.169.254:80"]);
      expect(ours.refused).toEqual(["169.254.169.254:80"]);
      expect(sdk.outcome).toMatchObject({ ok: false, error: { name: "CredentialsProviderError" } });
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "CredentialChainError", message: expect.stringContaining("AWS_ROLE_ARN") } });
    },
  },
};

/** The SSO token cache entry the SDK looks for: ~/.aws/sso/cache/<sha1 of the start URL>.json. */
async function writeSsoToken(ctx: SideContext): Promise<void> {
  const { createHash } = await import("node:crypto");
  const { mkdir, writeFile } = await import("node:fs/promises");
  const dir = `${ctx.dir}/.aws/sso/cache`;
  await mkdir(dir, { recursive: true });
  const name = createHash("sha1").update("https://example.awsapps.com/start").digest("hex");
  const token = { accessToken: "sso-access-token-example", expiresAt: new Date(Date.now() + 3_600_000).toISOString(), region: "eu-west-1", startUrl: "https://example.awsapps.com/start" };
  await writeFile(`${dir}/${name}.json`, JSON.stringify(token));
}
