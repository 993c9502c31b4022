import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library: dual ESM + CJS with types.
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    dts: true,
    clean: true,
    target: "node20",
    sourcemap: false,
    splitting: false,
  },
  {
    // The `irsa-credentials` bin: ESM only (the package is "type": "module"); tsup keeps the
    // `#!/usr/bin/env node` line of src/cli.ts and marks the file executable.
    entry: ["src/cli.ts"],
    format: ["esm"],
    dts: false,
    clean: false,
    target: "node20",
    sourcemap: false,
    splitting: false,
  },
]);
