// Types: an init written for the AWS SDK's `fromTokenFile` (typed `FromTokenFileInit`) is accepted
// by `fromWebIdentity` as it is. `pnpm typecheck` compiles this file, so the assignments below
// fail it when a field the SDK types differently is typed narrower by us; the run checks that the
// same object is accepted at run time and the SDK-typed role assumer is called as the SDK calls it.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AssumeRoleWithWebIdentityParams, FromTokenFileInit } from "@aws-sdk/credential-provider-web-identity";
import { fromWebIdentity, type FromWebIdentityInit } from "@irsa/web-identity";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const TOKEN = `${part({ alg: "RS256" })}.${part({ sub: "system:serviceaccount:shop:api", exp: Math.floor(Date.now() / 1000) + 3600 })}.c2ln`;

let dir: string | undefined;
afterEach(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe("an init typed as the SDK's FromTokenFileInit", () => {
  it("is a FromWebIdentityInit at compile time", () => {
    expectTypeOf<FromTokenFileInit>().toExtend<FromWebIdentityInit>();
    expectTypeOf(fromWebIdentity).toBeCallableWith({} as FromTokenFileInit);
  });

  it("works at run time, its role assumer (typed as the SDK's) called with the role, session name and token", async () => {
    dir = await mkdtemp(join(tmpdir(), "irsa-sdk-init-"));
    const tokenFile = join(dir, "token");
    await writeFile(tokenFile, TOKEN);
    const seen: AssumeRoleWithWebIdentityParams[] = [];
    const init: FromTokenFileInit = {
      roleArn: "arn:aws:iam::123456789012:role/app",
      webIdentityTokenFile: tokenFile,
      roleSessionName: "app-session",
      durationSeconds: 900,
      roleAssumerWithWebIdentity: async (params: AssumeRoleWithWebIdentityParams) => {
        seen.push(params);
        return { accessKeyId: "ASIAASSUMER", secretAccessKey: "assumer-secret", sessionToken: "assumer-session", expiration: new Date(Date.now() + 3_600_000) };
      },
    };
    const provider = fromWebIdentity(init); // as typed for the SDK, unchanged
    try {
      expect((await provider()).accessKeyId).toBe("ASIAASSUMER");
    } finally {
      provider.close();
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ RoleArn: init.roleArn, RoleSessionName: "app-session", WebIdentityToken: TOKEN, DurationSeconds: 900 });
  });
});
