import { describe, expect, it } from "vitest";
import { runV2App } from "../../examples/v2-app/src/v2-app.js";

// examples/v2-app (run in CI with `pnpm --filter @irsa/example-v2-app start`), here in-process.
describe("examples/v2-app", () => {
  it("signs its aws-sdk v2 calls with WebIdentityCredentials, one STS call for all, and cleans up", async () => {
    const envBefore = { ...process.env };
    const lines: string[] = [];

    const result = await runV2App((line) => lines.push(line));

    expect(result).toEqual({
      arn: expect.stringMatching(/^arn:aws:sts::111122223333:assumed-role\/irsa-demo\//),
      assumeRoleCalls: 1,
      callerIdentityCalls: 3,
    });
    expect(lines).toContain(`role: ${result.arn}`);
    expect(lines.join("\n")).not.toMatch(/secretAccessKey|sessionToken/);
    expect(process.env).toEqual(envBefore);
  });
});
