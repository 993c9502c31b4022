// fromWebToken (a token given by value) against fromWebIdentityToken.
import type { DiffCase, SideRun } from "../harness/case-types.js";
import { assumeRequests, ourWebIdentity, sdkWebIdentity } from "./case-support.js";

const region = { AWS_REGION: "us-east-1" };
const sentToken = (run: SideRun) => assumeRequests(run).map((request) => request.tokenDigest);

export const FROM_WEB_TOKEN_CASES: Record<string, DiffCase> = {
  "web-token": {
    env: (ctx) => ({ ...region, AWS_ENDPOINT_URL_STS: ctx.stsEndpoint }),
    sdk: async (ctx) => (await sdkWebIdentity()).fromWebToken({ roleArn: ctx.roleArn, webIdentityToken: ctx.token })(),
    ours: async (ctx) => (await ourWebIdentity()).fromWebIdentityToken({ roleArn: ctx.roleArn, webIdentityToken: ctx.token })(),
    // mapped: another name, the same call with the same token
    differs: ({ sdk, ours }, expect) => {
      expect(ours.outcome).toMatchObject({ ok: true, credentials: { role: sdk.outcome.ok ? sdk.outcome.credentials?.role : "sdk failed" } });
      expect(sentToken(ours)).toEqual(sentToken(sdk));
      expect(sentToken(ours)).toHaveLength(1);
    },
  },
  "web-token-without-role": {
    env: (ctx) => ({ ...region, AWS_ENDPOINT_URL_STS: ctx.stsEndpoint }),
    sdk: async (ctx) => (await sdkWebIdentity()).fromWebToken({ webIdentityToken: ctx.token } as never)(),
    ours: async (ctx) => (await ourWebIdentity()).fromWebIdentityToken({ webIdentityToken: ctx.token } as never)(),
    differs: ({ sdk, ours }, expect) => {
      // the SDK sends the call without RoleArn and STS refuses it; ours names the option before any call
      expect(sdk.outcome.ok).toBe(false);
      expect(assumeRequests(sdk).map((request) => request.roleArn)).toEqual([undefined]);
      expect(ours.outcome).toMatchObject({ ok: false, error: { name: "ConfigurationError", message: expect.stringContaining("roleArn") } });
      expect(ours.sts).toEqual([]);
    },
  },
};
