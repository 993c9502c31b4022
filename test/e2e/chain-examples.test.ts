import { describe, expect, it } from "vitest";
import { runCrossAccount } from "../../examples/cross-account/src/cross-account.js";
import { IMDS_DEADLINE_MS, runImdsFallback } from "../../examples/imds-fallback/src/imds-fallback.js";

// examples/imds-fallback and examples/cross-account (run in CI with `pnpm --filter … start`), here in-process.
describe("examples/imds-fallback", () => {
  it("IMDS wins on a bare node, a denied IRSA never falls back, a silent IMDS ends at its deadline; env restored", async () => {
    const envBefore = { ...process.env };
    const lines: string[] = [];
    const result = await runImdsFallback((line) => lines.push(line));
    expect(result).toMatchObject({
      imdsCallerArn: expect.stringMatching(/assumed-role\/node-instance-role\//),
      irsaError: "StsRequestError AccessDenied",
      imdsRequestsWhileIrsaFailed: 0,
      silentImdsError: "CredentialChainError",
    });
    expect(result.silentImdsElapsedMs).toBeLessThan(IMDS_DEADLINE_MS + 1_000);
    expect(lines.join("\n")).not.toMatch(/secretAccessKey|sessionToken|SecretAccessKey/);
    expect(process.env).toEqual(envBefore);
  });
});

describe("examples/cross-account", () => {
  it("two hops: GetCallerIdentity shows the last role; without the ExternalId hop 2 fails by name", async () => {
    const lines: string[] = [];
    const result = await runCrossAccount((line) => lines.push(line));
    expect(result.callerArn).toMatch(/^arn:aws:sts::333344445555:assumed-role\/reports-reader\/cross-account-demo$/);
    expect(result.failedHop).toEqual({ hopIndex: 1, code: "AccessDenied" });
    expect(result.webIdentityCalls).toBe(2);
    expect(result.assumeRoleCalls).toBe(4);
    expect(lines.join("\n")).toContain("roleChain[1].externalId");
  });
});
