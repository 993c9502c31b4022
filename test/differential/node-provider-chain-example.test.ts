import { expect, it } from "vitest";
import { runNodeProviderChain } from "../../examples/node-provider-chain/src/node-provider-chain.js";

// examples/node-provider-chain (run in CI with `pnpm --filter … start`), here in-process.
it("examples/node-provider-chain: the SDK's chain and ours run as the same role, one STS call each; env restored", async () => {
  const envBefore = { ...process.env };
  const lines: string[] = [];
  const result = await runNodeProviderChain((line) => lines.push(line));
  const role = (arn: string | undefined) => arn?.split("/")[1];
  expect(role(result.oursArn)).toBe(role(result.sdkArn));
  expect(role(result.oursArn)).toBe("irsa-demo");
  expect([result.stsCallsBySdk, result.stsCallsByOurs]).toEqual([1, 1]);
  expect(lines.join("\n")).toContain("same role");
  expect(process.env).toEqual(envBefore);
});
