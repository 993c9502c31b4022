// aws-sdk v2's TokenFileWebIdentityCredentials(clientConfig) against new WebIdentityCredentials(init, clientConfig).
import type { DiffCase, SideContext, SideRun } from "../harness/case-types.js";
import { assumeRequests, countingAgent } from "./case-support.js";

const v2Env = (ctx: SideContext): Record<string, string> => ({ AWS_ROLE_ARN: ctx.roleArn, AWS_WEB_IDENTITY_TOKEN_FILE: ctx.tokenFile });
const here = (ctx: SideContext) => ({ endpoint: ctx.stsEndpoint, region: "us-east-1" });
type V2Config = Record<string, unknown>;

async function sdkV2(config: V2Config): Promise<unknown> {
  const { default: AWS } = await import("aws-sdk");
  const credentials = new AWS.TokenFileWebIdentityCredentials(config);
  await credentials.getPromise();
  return credentials;
}
async function oursV2(config: V2Config, after?: () => void): Promise<unknown> {
  const { WebIdentityCredentials } = await import("@irsa/aws-sdk-v2");
  // a logger listening at info, its lines on stderr (where a case can look for them)
  const credentials = new WebIdentityCredentials({ logger: { info: (line: string) => console.error(line) } }, config as never);
  try {
    await credentials.getPromise();
    return credentials;
  } finally {
    credentials.close();
    after?.();
  }
}
/** A v2 user's call written as v2 takes it: the STS client config as the first argument. */
async function oursV2FirstArgument(config: V2Config): Promise<unknown> {
  const { WebIdentityCredentials } = await import("@irsa/aws-sdk-v2");
  const credentials = new WebIdentityCredentials(config as never);
  credentials.close();
  return credentials;
}
const calls = (run: SideRun) => ({ ok: run.outcome.ok, statuses: assumeRequests(run).map((request) => request.status), refused: run.refused });

export const V2_CASES: Record<string, DiffCase> = {
  "v2-endpoint-region": {
    env: v2Env,
    sdk: async (ctx) => sdkV2(here(ctx)),
    ours: async (ctx) => oursV2(here(ctx)),
  },
  "v2-client-config-first-argument": {
    env: v2Env,
    sdk: async (ctx) => sdkV2({ ...here(ctx), httpOptions: { timeout: 2_000 }, maxRetries: 1 }),
    ours: async (ctx) => oursV2FirstArgument({ ...here(ctx), httpOptions: { timeout: 2_000 }, maxRetries: 1 }),
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.outcome.ok).toBe(true);
      expect(ours.outcome).toMatchObject({
        ok: false,
        error: {
          name: "ConfigurationError",
          message: expect.stringContaining("goes in the SECOND argument: new WebIdentityCredentials({}, { endpoint, region, httpOptions, maxRetries })"),
        },
      });
      expect(ours.sts).toEqual([]);
    },
  },
  "v2-region-alone": {
    env: v2Env,
    sdk: async () => sdkV2({ region: "eu-central-1" }),
    ours: async () => oursV2({ region: "eu-central-1" }),
    differs: ({ sdk, ours }, expect) => {
      // v2's default is the global endpoint ("legacy"); ours the region's, as v3, and says so once
      expect(sdk.refused).toEqual(["sts.amazonaws.com:443"]);
      expect(ours.refused).toEqual(["sts.eu-central-1.amazonaws.com:443"]);
      expect(ours.stderr.filter((line) => line.includes("would call the global STS endpoint"))).toHaveLength(1);
    },
  },
  "v2-endpoint-url-variable": {
    // v3's AWS_ENDPOINT_URL_STS, set for the pod's v3 clients: v2 does not read it, ours does
    env: (ctx) => ({ ...v2Env(ctx), AWS_ENDPOINT_URL_STS: ctx.stsEndpoint }),
    sdk: async () => sdkV2({ region: "eu-central-1" }),
    ours: async () => oursV2({ region: "eu-central-1" }),
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.refused).toEqual(["sts.amazonaws.com:443"]);
      expect(ours.refused).toEqual([]);
      expect(assumeRequests(ours).map((request) => request.status)).toEqual([200]);
    },
  },
  "v2-http-timeout": {
    env: v2Env,
    arrange: (world) => void world.sts.faults.hangNext(3, { maxMs: 5_000, action: "AssumeRoleWithWebIdentity" }),
    sdk: async (ctx) => sdkV2({ ...here(ctx), httpOptions: { timeout: 300 }, maxRetries: 0 }),
    ours: async (ctx) => oursV2({ ...here(ctx), httpOptions: { timeout: 300 }, maxRetries: 0 }),
    observe: calls,
  },
  "v2-http-agent": {
    env: v2Env,
    sdk: async (ctx) => {
      const agent = await countingAgent();
      await sdkV2({ ...here(ctx), httpOptions: { agent } });
      return { carried: agent.carried > 0, destroyed: agent.destroys };
    },
    ours: async (ctx) => {
      const agent = await countingAgent();
      await oursV2({ ...here(ctx), httpOptions: { agent } });
      // close() is ours only: the agent is the caller's, and stays open as v2 leaves it
      return { carried: agent.carried > 0, destroyed: agent.destroys };
    },
  },
  "v2-http-proxy": {
    env: v2Env,
    sdk: async (ctx) => sdkV2({ endpoint: "http://127.0.0.1:9", region: "us-east-1", httpOptions: { proxy: ctx.stsEndpoint } }),
    ours: async (ctx) => oursV2({ endpoint: "http://127.0.0.1:9", region: "us-east-1", httpOptions: { proxy: ctx.stsEndpoint } }),
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.sts.map((request) => request.absoluteUrl)).toEqual([true]);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("httpOptions.proxy") } });
      expect(ours.sts).toEqual([]);
    },
  },
  "v2-api-version-ssl": {
    env: v2Env,
    sdk: async (ctx) => sdkV2({ ...here(ctx), apiVersion: "2011-06-15", sslEnabled: true }),
    ours: async (ctx) => oursV2({ ...here(ctx), apiVersion: "2011-06-15", sslEnabled: true }),
  },
  "v2-ssl-disabled": {
    env: v2Env,
    sdk: async () => sdkV2({ region: "us-west-2", sslEnabled: false }),
    ours: async () => oursV2({ region: "us-west-2", sslEnabled: false }),
    differs: ({ sdk, ours }, expect) => {
      // v2 goes to the global endpoint; ours refuses (STS answers over HTTPS only)
      expect(sdk.refused).toEqual(["sts.amazonaws.com:443"]);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("sslEnabled") } });
      expect(ours.refused).toEqual([]);
    },
  },
  "v2-custom-backoff": {
    env: v2Env,
    sdk: async (ctx) => sdkV2({ ...here(ctx), retryDelayOptions: { customBackoff: () => 10 } }),
    ours: async (ctx) => oursV2({ ...here(ctx), retryDelayOptions: { customBackoff: () => 10 } }),
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.outcome.ok).toBe(true);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("retryDelayOptions.customBackoff") } });
    },
  },
  "v2-max-retries": {
    env: v2Env,
    arrange: (world) => void world.sts.faults.failNext(2, { code: "Throttling", action: "AssumeRoleWithWebIdentity" }),
    sdk: async (ctx) => sdkV2({ ...here(ctx), maxRetries: 2, retryDelayOptions: { base: 10 } }),
    ours: async (ctx) => oursV2({ ...here(ctx), maxRetries: 2, retryDelayOptions: { base: 10 } }),
    observe: calls,
  },
  "v2-regional-endpoints-legacy": {
    env: v2Env,
    sdk: async () => sdkV2({ region: "us-west-2", stsRegionalEndpoints: "legacy" }),
    ours: async () => oursV2({ region: "us-west-2", stsRegionalEndpoints: "legacy" }),
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.refused).toEqual(["sts.amazonaws.com:443"]);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("stsRegionalEndpoints") } });
      expect(ours.refused).toEqual([]);
    },
  },
  "v2-params": {
    env: v2Env,
    sdk: async (ctx) => sdkV2({ ...here(ctx), params: { DurationSeconds: 1800, ProviderId: "www.amazon.com" } }),
    ours: async (ctx) => oursV2({ ...here(ctx), params: { DurationSeconds: 1800, ProviderId: "www.amazon.com" } }),
    observe: (run) => assumeRequests(run).map(({ durationSeconds, providerId, roleArn }) => ({ durationSeconds, providerId, roleArn })),
  },
  "v2-params-role-and-session": {
    env: v2Env,
    sdk: async (ctx) => sdkV2({ ...here(ctx), params: { RoleArn: ctx.otherRoleArn, RoleSessionName: "bound-session" } }),
    ours: async (ctx) => oursV2({ ...here(ctx), params: { RoleArn: ctx.otherRoleArn, RoleSessionName: "bound-session" } }),
    differs: ({ sdk, ours }, expect) => {
      // v2 sends its own RoleArn and RoleSessionName: the bound ones never take effect there
      expect(assumeRequests(sdk).map(({ roleArn, sessionName }) => ({ roleArn, sessionName }))).toEqual([{ roleArn: expect.stringContaining("irsa-demo"), sessionName: "token-file-web-identity" }]);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringMatching(/params\.RoleArn.*init\.roleArn/) } });
      expect(ours.sts).toEqual([]);
    },
  },
  "v2-default-session-name": {
    env: v2Env,
    sdk: async (ctx) => sdkV2(here(ctx)),
    ours: async (ctx) => oursV2(here(ctx)),
    differs: ({ sdk, ours }, expect) => {
      expect(assumeRequests(sdk).map((request) => request.sessionName)).toEqual(["token-file-web-identity"]);
      expect(assumeRequests(ours).map((request) => request.sessionName)).toEqual([expect.stringMatching(/^[A-Za-z0-9_=,.@-]+-[0-9a-f]{8}$/)]);
    },
  },
  "v2-idp-communication-error": {
    env: v2Env,
    arrange: (world) => void world.sts.faults.failNext(1, { code: "IDPCommunicationError", action: "AssumeRoleWithWebIdentity" }),
    sdk: async (ctx) => sdkV2(here(ctx)),
    ours: async (ctx) => oursV2(here(ctx)),
    differs: ({ sdk, ours }, expect) => {
      // v2 means to retry it but tests for "IDPCommunicationErrorException", a code STS never sends
      expect(calls(sdk)).toEqual({ ok: false, statuses: [400], refused: [] });
      expect(calls(ours)).toEqual({ ok: true, statuses: [400, 200], refused: [] });
    },
  },
  "v2-load-config": {
    env: () => ({ AWS_SDK_LOAD_CONFIG: "1", AWS_PROFILE: "wi" }),
    files: (ctx) => ({ config: `[profile wi]\nrole_arn = ${ctx.otherRoleArn}\nweb_identity_token_file = ${ctx.tokenFile}\n` }),
    sdk: async (ctx) => sdkV2(here(ctx)),
    ours: async (ctx) => oursV2(here(ctx)),
  },
  "v2-without-load-config": {
    env: () => ({ AWS_PROFILE: "wi" }),
    files: (ctx) => ({ config: `[profile wi]\nrole_arn = ${ctx.otherRoleArn}\nweb_identity_token_file = ${ctx.tokenFile}\n` }),
    sdk: async (ctx) => sdkV2(here(ctx)),
    ours: async (ctx) => oursV2(here(ctx)),
    differs: ({ sdk, ours }, expect) => {
      // v2 reads the config file only with AWS_SDK_LOAD_CONFIG; ours always does, as v3
      expect(sdk.outcome.ok).toBe(false);
      expect(ours.outcome).toMatchObject({ ok: true, credentials: { role: expect.stringContaining("profile-role") } });
    },
  },
  "v2-source-profile-chain": {
    // AWS_PROFILE names a role whose source_profile is a web-identity profile: two hops
    env: () => ({ AWS_SDK_LOAD_CONFIG: "1", AWS_PROFILE: "app" }),
    files: (ctx) => ({
      config:
        `[profile app]\nrole_arn = arn:aws:iam::111122223333:role/app-role\nsource_profile = wi\nrole_session_name = app-session\n` +
        `[profile wi]\nrole_arn = ${ctx.otherRoleArn}\nweb_identity_token_file = ${ctx.tokenFile}\n`,
    }),
    sdk: async (ctx) => sdkV2(here(ctx)),
    ours: async (ctx) => oursV2(here(ctx)),
    observe: (run) => ({ ...calls(run), role: run.outcome.ok && run.outcome.credentials?.role, actions: run.sts.map((request) => `${String(request.action)} ${String(request.roleArn)}`) }),
  },
  "v2-sts-error": {
    env: v2Env,
    arrange: (world) => void world.sts.faults.failNext(5, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" }),
    sdk: async (ctx) => sdkV2(here(ctx)),
    ours: async (ctx) => oursV2(here(ctx)),
    differs: ({ sdk, ours }, expect) => {
      // what v2-era code reads, err.code, is the same; the name and message are ours (they say what to fix)
      expect(sdk.outcome).toMatchObject({ ok: false, error: { code: "AccessDenied" } });
      expect(ours.outcome).toMatchObject({ ok: false, error: { code: "AccessDenied", causeName: "AccessDenied", httpStatusCode: 403 } });
      expect([assumeRequests(sdk).length, assumeRequests(ours).length]).toEqual([1, 1]);
    },
  },
  "v2-invalid-token-retry": {
    env: v2Env,
    arrange: (world) => void world.sts.faults.failNext(1, { code: "InvalidIdentityToken", message: "Token is not valid", action: "AssumeRoleWithWebIdentity" }),
    sdk: async (ctx) => sdkV2(here(ctx)),
    ours: async (ctx) => oursV2(here(ctx)),
    observe: calls,
  },
};
