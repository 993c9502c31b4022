import { parseArgs } from "node:util";
import { buildProvider } from "./build-provider.js";
import { PROVIDER_OPTIONS, UsageError, providerInitFromFlags } from "./cli-options.js";
import type { CliIo } from "./cli-io.js";
import { createJsonLogger, isLogLevel } from "./json-logger.js";
import { PROCESS_USAGE } from "./usage.js";

/**
 * `irsa-credentials process`: one fetch, the `credential_process` JSON on stdout, exit. Logs go
 * to stderr so stdout carries the JSON alone.
 */
export async function processCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args: argv, options: PROVIDER_OPTIONS, strict: true, allowPositionals: false });
  if (values.help) {
    io.stdout(PROCESS_USAGE);
    return 0;
  }
  const level = values["log-level"] ?? "warn";
  if (!isLogLevel(level)) throw new UsageError(`--log-level must be debug, info, warn or error; got "${level}".`);
  const provider = buildProvider({
    ...providerInitFromFlags(values),
    logger: createJsonLogger({ level, write: io.stderr }),
    proactive: false,
  });
  try {
    const credentials = await provider();
    const output = {
      Version: 1,
      AccessKeyId: credentials.accessKeyId,
      SecretAccessKey: credentials.secretAccessKey,
      SessionToken: credentials.sessionToken,
      Expiration: credentials.expiration?.toISOString(),
      AccountId: credentials.accountId,
    };
    io.stdout(`${JSON.stringify(output)}\n`);
    return 0;
  } finally {
    provider.close();
  }
}
