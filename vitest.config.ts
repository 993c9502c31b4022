import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests run against the TypeScript sources of the workspace packages, so no build is needed
// before `pnpm test`; the packed builds are tested by `pnpm test:pack`.
const source = (pkg: string) =>
  fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      "@irsa/testing": source("testing"),
      "@irsa/web-identity": source("web-identity"),
      "@irsa/aws-sdk-v2": source("aws-sdk-v2"),
      "@irsa/credential-server": source("credential-server"),
      "@irsa/iam-auth": source("iam-auth"),
    },
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "test/**/*.test.ts"],
    environment: "node",
    env: {
      // The SDK's notice that its 2027 releases need Node 22 is noise in test output on Node 20.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      // A safety net: an IMDS lookup that a test forgot to point at the local emulator goes to a
      // closed loopback port, never to 169.254.169.254. Tests of IMDS set their own endpoint.
      AWS_EC2_METADATA_SERVICE_ENDPOINT: "http://127.0.0.1:9",
    },
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    reporters: ["default"],
  },
});
