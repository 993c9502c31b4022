// fromTokenFile (and the provider the v3 default chain builds from the IRSA variables) against
// fromWebIdentity: each case is one configuration, given to both sides the way its users write it.
import type { DiffCase } from "../harness/case-types.js";
import { assumeRequests, callClientWith, callerFeatureLetters, countingAgent, irsaEnv, irsaEnvNoEndpoint, ourWebIdentity, sdkWebIdentity } from "./case-support.js";

/** Both sides with no options: the configuration is the case's environment. */
const defaultProviders = {
  sdk: async () => (await sdkWebIdentity()).fromTokenFile()(),
  ours: async () => (await ourWebIdentity()).fromWebIdentity()(),
};
const sessionNames = (run: Parameters<typeof assumeRequests>[0]) => assumeRequests(run).map((request) => request.sessionName);

export const FROM_TOKEN_FILE_CASES: Record<string, DiffCase> = {
  "env-irsa": {
    env: irsaEnv,
    ...defaultProviders,
  },
  "session-name-env": {
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_ROLE_SESSION_NAME: "checkout" }),
    ...defaultProviders,
    observe: sessionNames,
  },
  "session-name-option": {
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_ROLE_SESSION_NAME: "from-the-variable" }),
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ roleSessionName: "from-the-option" })(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ roleSessionName: "from-the-option" })(),
    observe: sessionNames,
  },
  "no-session-name": {
    env: irsaEnv,
    ...defaultProviders,
    differs: ({ sdk, ours }, expect) => {
      expect(sessionNames(sdk)).toEqual([expect.stringMatching(/^aws-sdk-js-session-\d+$/)]);
      expect(sessionNames(ours)).toEqual([expect.stringMatching(/^[A-Za-z0-9_=,.@-]+-[0-9a-f]{8}$/)]);
    },
  },
  "options-over-variables": {
    // the variables name another role and a missing file: the options must win on both sides
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_ROLE_ARN: ctx.otherRoleArn, AWS_WEB_IDENTITY_TOKEN_FILE: `${ctx.dir}/missing-token` }),
    sdk: async (ctx) => (await sdkWebIdentity()).fromTokenFile({ roleArn: ctx.roleArn, webIdentityTokenFile: ctx.tokenFile })(),
    ours: async (ctx) => (await ourWebIdentity()).fromWebIdentity({ roleArn: ctx.roleArn, webIdentityTokenFile: ctx.tokenFile })(),
  },
  "duration-string": {
    env: irsaEnv,
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ durationSeconds: "1800" as never })(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ durationSeconds: "1800" as never })(),
    observe: (run) => ({ sent: assumeRequests(run).map((request) => request.durationSeconds), lifetime: run.outcome.ok && run.outcome.credentials?.lifetimeMinutes }),
  },
  "duration-out-of-range": {
    env: irsaEnv,
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ durationSeconds: 60 })(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ durationSeconds: 60 })(),
    differs: ({ sdk, ours }, expect) => {
      // the SDK sends it and STS refuses; ours names the option and the range before any call
      expect(assumeRequests(sdk).map((request) => request.durationSeconds)).toEqual(["60"]);
      expect(sdk.outcome.ok).toBe(false);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringMatching(/durationSeconds.*900/) } });
      expect(ours.sts).toEqual([]);
    },
  },
  "session-name-invalid": {
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_ROLE_SESSION_NAME: "my session" }),
    ...defaultProviders,
    differs: ({ sdk, ours }, expect) => {
      expect(assumeRequests(sdk).map((request) => request.sessionName)).toEqual(["my session"]);
      expect(sdk.outcome.ok).toBe(false);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("AWS_ROLE_SESSION_NAME") } });
      expect(ours.sts).toEqual([]);
    },
  },
  "token-file-missing": {
    env: (ctx) => ({ ...irsaEnv(ctx), AWS_WEB_IDENTITY_TOKEN_FILE: `${ctx.dir}/no-such-token` }),
    ...defaultProviders,
    differs: ({ sdk, ours }, expect) => {
      // both fail before STS; ours says which variable names the file and what to check
      expect(sdk.outcome).toMatchObject({ ok: false, error: { code: "ENOENT" } });
      expect(ours.outcome).toMatchObject({ ok: false, error: { message: expect.stringContaining("AWS_WEB_IDENTITY_TOKEN_FILE") } });
      expect([sdk.sts, ours.sts]).toEqual([[], []]);
    },
  },
  "duration-number": {
    env: irsaEnv,
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ durationSeconds: 900 })(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ durationSeconds: 900 })(),
    observe: (run) => ({ sent: assumeRequests(run).map((request) => request.durationSeconds), lifetime: run.outcome.ok && run.outcome.credentials?.lifetimeMinutes }),
  },
  "policy-arns-provider-id": {
    env: irsaEnv,
    sdk: async () =>
      (await sdkWebIdentity()).fromTokenFile({
        policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
        policyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
        providerId: "www.amazon.com",
      } as never)(),
    ours: async () =>
      (await ourWebIdentity()).fromWebIdentity({
        policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}',
        policyArns: [{ arn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }],
        providerId: "www.amazon.com",
      })(),
    observe: (run) => assumeRequests(run).map(({ policy, policyArns, providerId }) => ({ policy, policyArns, providerId })),
  },
  "role-assumer": {
    env: irsaEnv,
    sdk: async () => {
      const assumer = async () => ({ accessKeyId: "AKIDFROMASSUMER", secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 3_600_000) });
      return (await sdkWebIdentity()).fromTokenFile({ roleAssumerWithWebIdentity: assumer })();
    },
    ours: async () => {
      const assumer = async () => ({ accessKeyId: "AKIDFROMASSUMER", secretAccessKey: "s", sessionToken: "t", expiration: new Date(Date.now() + 3_600_000) });
      return (await ourWebIdentity()).fromWebIdentity({ roleAssumerWithWebIdentity: assumer })();
    },
    observe: (run) => ({ key: run.outcome.ok && run.outcome.credentials?.accessKeyId, calls: run.sts.length }),
  },
  "max-attempts": {
    env: irsaEnv,
    arrange: (world) => void world.sts.faults.failNext(3, { code: "Throttling", action: "AssumeRoleWithWebIdentity" }),
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ clientConfig: { maxAttempts: 4, retryStrategy: undefined } as never })(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ clientConfig: { maxAttempts: 4 } })(),
    // mapped onto retry.maxAttempts: the same calls, the same outcome
    differs: ({ sdk, ours }, expect) => {
      expect(assumeRequests(sdk).map((request) => request.status)).toEqual([400, 400, 400, 200]);
      expect(assumeRequests(ours).map((request) => request.status)).toEqual([400, 400, 400, 200]);
      expect([sdk.outcome.ok, ours.outcome.ok]).toEqual([true, true]);
    },
  },
  "retry-mode": {
    env: irsaEnv,
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ clientConfig: { retryMode: "adaptive" } })(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ clientConfig: { retryMode: "adaptive" } as never })(),
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.outcome.ok).toBe(true);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("retryMode") } });
      expect(ours.sts).toEqual([]);
    },
  },
  "client-config-endpoint": {
    env: irsaEnvNoEndpoint,
    sdk: async (ctx) => (await sdkWebIdentity()).fromTokenFile({ clientConfig: { region: "eu-west-1", endpoint: ctx.stsEndpoint } })(),
    ours: async (ctx) => (await ourWebIdentity()).fromWebIdentity({ clientConfig: { region: "eu-west-1", endpoint: ctx.stsEndpoint } })(),
  },
  "client-config-request-handler": {
    env: irsaEnv,
    sdk: async () => {
      const agent = await countingAgent();
      await (await sdkWebIdentity()).fromTokenFile({ clientConfig: { requestHandler: { httpAgent: agent } } })();
      return { carried: agent.carried };
    },
    ours: async () => {
      const agent = await countingAgent();
      await (await ourWebIdentity()).fromWebIdentity({ clientConfig: { requestHandler: { httpAgent: agent } } })();
      return { carried: agent.carried };
    },
  },
  "client-plugins": {
    env: irsaEnv,
    sdk: async () => {
      const { plugin } = await headerPlugin();
      return (await sdkWebIdentity()).fromTokenFile({ clientPlugins: [plugin] })();
    },
    ours: async () => {
      const { plugin } = await headerPlugin();
      return (await ourWebIdentity()).fromWebIdentity({ clientPlugins: [plugin] })();
    },
    observe: (run) => assumeRequests(run).map((request) => request.extraHeaders["x-diff-plugin"]),
  },
  "parent-client-config-region": {
    env: irsaEnvNoEndpoint,
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ parentClientConfig: { region: "ap-southeast-2" } })(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ parentClientConfig: { region: "ap-southeast-2" } })(),
  },
  "parent-client-config-app-id": {
    env: irsaEnv,
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ parentClientConfig: { userAgentAppId: "checkout-service" } as never })(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ parentClientConfig: { userAgentAppId: "checkout-service" } })(),
    observe: (run) => assumeRequests(run).map((request) => request.appId),
  },
  "caller-app-id": {
    env: irsaEnv,
    sdk: async (ctx) => callClientWith(ctx, (await sdkWebIdentity()).fromTokenFile(), { userAgentAppId: "checkout-service" }),
    ours: async (ctx) => callClientWith(ctx, (await ourWebIdentity()).fromWebIdentity(), { userAgentAppId: "checkout-service" }),
    observe: (run) => run.sts.map((request) => `${String(request.action)} app/${String(request.appId)}`),
  },
  "init-logger": {
    env: irsaEnv,
    sdk: async (ctx) => {
      const { logger, lines } = textLogger();
      await (await sdkWebIdentity()).fromTokenFile({ logger: logger as never })();
      return { debugged: lines.length > 0, tokenLogged: lines.join("\n").includes(ctx.token.trim()) };
    },
    ours: async (ctx) => {
      const { logger, lines } = textLogger();
      await (await ourWebIdentity()).fromWebIdentity({ logger })();
      return { debugged: lines.length > 0, tokenLogged: lines.join("\n").includes(ctx.token.trim()) };
    },
  },
  "caller-logger": {
    // the calling client's logger becomes the STS client's (as in the SDK's role assumer); its filters keep the token out
    env: irsaEnv,
    sdk: async (ctx) => {
      const { logger, seen } = recordingLogger();
      await callClientWith(ctx, (await sdkWebIdentity()).fromTokenFile(), { logger });
      return { commands: seen.map((entry) => entry.commandName), tokenLogged: JSON.stringify(seen).includes(ctx.token.trim()) };
    },
    ours: async (ctx) => {
      const { logger, seen } = recordingLogger();
      await callClientWith(ctx, (await ourWebIdentity()).fromWebIdentity(), { logger });
      return { commands: seen.map((entry) => entry.commandName), tokenLogged: JSON.stringify(seen).includes(ctx.token.trim()) };
    },
  },
  "caller-region-with-aws-region": {
    // AWS_REGION and a calling client of another region; STS goes where each side decides
    env: (ctx) => ({ ...irsaEnvNoEndpoint(ctx), AWS_REGION: "us-west-2" }),
    sdk: async (ctx) => callClientWith(ctx, (await sdkWebIdentity()).fromTokenFile()),
    ours: async (ctx) => callClientWith(ctx, (await ourWebIdentity()).fromWebIdentity({ logger: { info: (line: string) => console.error(line) } })),
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.refused).toEqual(["sts.eu-central-1.amazonaws.com:443"]);
      expect(ours.refused).toEqual(["sts.us-west-2.amazonaws.com:443"]);
      // said once, to a logger that listens at info
      expect(ours.stderr.filter((line) => line.includes("the calling client is in eu-central-1"))).toHaveLength(1);
    },
  },
  "caller-region-alone": {
    env: irsaEnvNoEndpoint,
    sdk: async (ctx) => callClientWith(ctx, (await sdkWebIdentity()).fromTokenFile()),
    ours: async (ctx) => callClientWith(ctx, (await ourWebIdentity()).fromWebIdentity()),
  },
  "caller-request-handler": {
    env: irsaEnv,
    sdk: async (ctx) => {
      const agent = await countingAgent();
      await callClientWith(ctx, (await sdkWebIdentity()).fromTokenFile(), { requestHandler: { httpAgent: agent } });
      return { carried: agent.carried };
    },
    ours: async (ctx) => {
      const agent = await countingAgent();
      await callClientWith(ctx, (await ourWebIdentity()).fromWebIdentity(), { requestHandler: { httpAgent: agent } });
      return { carried: agent.carried };
    },
  },
  "unknown-option": {
    env: irsaEnv,
    sdk: async () => (await sdkWebIdentity()).fromTokenFile({ roleArnn: "typo" } as never)(),
    ours: async () => (await ourWebIdentity()).fromWebIdentity({ roleArnn: "typo" } as never)(),
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.outcome.ok).toBe(true);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("roleArnn") } });
    },
  },
  "feature-tags": {
    env: irsaEnv,
    sdk: async (ctx) => callClientWith(ctx, (await sdkWebIdentity()).fromTokenFile()),
    ours: async (ctx) => callClientWith(ctx, (await ourWebIdentity()).fromWebIdentity()),
    observe: (run) => ({ source: run.outcome.ok && run.outcome.credentials?.features, callerUserAgent: callerFeatureLetters(run) }),
  },
  "sts-error": {
    env: irsaEnv,
    arrange: (world) => void world.sts.faults.failNext(3, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" }),
    ...defaultProviders,
    differs: ({ sdk, ours }, expect) => {
      expect(sdk.outcome).toMatchObject({ ok: false, error: { name: "AccessDenied", httpStatusCode: 403 } });
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "StsRequestError", code: "AccessDenied", causeName: "AccessDenied", httpStatusCode: 403 } });
      expect([sdk.sts.length, ours.sts.length]).toEqual([1, 1]);
    },
  },
  "no-region": {
    env: irsaEnvNoEndpoint,
    ...defaultProviders,
  },
  "aws-endpoint-url": {
    // the endpoint variable for every service, not STS's own
    env: (ctx) => ({ ...irsaEnvNoEndpoint(ctx), AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: ctx.stsEndpoint }),
    ...defaultProviders,
  },
  "sts-regional-endpoints-legacy": {
    env: (ctx) => ({ ...irsaEnvNoEndpoint(ctx), AWS_REGION: "us-west-2", AWS_STS_REGIONAL_ENDPOINTS: "legacy" }),
    ...defaultProviders,
  },
  "aws-default-region": {
    env: (ctx) => ({ ...irsaEnvNoEndpoint(ctx), AWS_DEFAULT_REGION: "eu-west-3" }),
    ...defaultProviders,
    differs: ({ sdk, ours }, expect) => {
      // the SDK ignores the variable; ours follows it, and says so once
      expect(sdk.refused).toEqual(["sts.us-east-1.amazonaws.com:443"]);
      expect(ours.refused).toEqual(["sts.eu-west-3.amazonaws.com:443"]);
      expect(ours.stderr.join("\n")).toMatch(/IRSA_REGION_FROM_AWS_DEFAULT_REGION.*AWS_DEFAULT_REGION/);
    },
  },
};

/** A logger that keeps every line it is given, at any level. */
function textLogger() {
  const lines: string[] = [];
  const keep = (...content: unknown[]) => void lines.push(content.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" "));
  return { logger: { debug: keep, info: keep, warn: keep, error: keep }, lines };
}

/** A v3 client logger that keeps what the SDK's logger middleware tells it at info. */
function recordingLogger() {
  const seen: Array<{ commandName?: string }> = [];
  const logger = { debug: () => {}, info: (entry: unknown) => void (typeof entry === "object" && entry !== null && seen.push(entry as { commandName?: string })), warn: () => {}, error: () => {} };
  return { logger, seen };
}

/** A v3 client plugin that adds one header to every request of the client it is given to. */
async function headerPlugin() {
  const plugin = {
    applyToStack(stack: { add(step: unknown, options: object): void }) {
      stack.add(
        (next: (args: { request: { headers: Record<string, string> } }) => Promise<unknown>) => async (args: { request: { headers: Record<string, string> } }) => {
          args.request.headers["x-diff-plugin"] = "seen";
          return next(args);
        },
        { step: "build", name: "diffHeaderPlugin" },
      );
    },
  };
  return { plugin: plugin as never };
}
