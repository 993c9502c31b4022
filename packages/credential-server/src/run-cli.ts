import { CredentialServerConfigError } from "./errors.js";
import { PROCESS_IO, type CliIo } from "./cli-io.js";
import { UsageError } from "./cli-options.js";
import { processCommand } from "./process-command.js";
import { serveCommand } from "./serve-command.js";
import { MAIN_USAGE } from "./usage.js";

/** Exit code of a failure to get credentials or to start. */
export const EXIT_FAILURE = 1;
/** Exit code of a usage error (unknown command or flag, bad value). */
export const EXIT_USAGE = 2;

/** Messages of node:util parseArgs for unknown or malformed flags. */
function isParseArgsError(error: unknown): error is Error {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}

/**
 * Runs `irsa-credentials` with `argv` (without node and the script) and returns the exit code.
 * Errors are written to stderr as one clear line; nothing secret is in them.
 */
export async function runCli(argv: string[], io: CliIo = PROCESS_IO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === "--help" || command === "-h" || command === "help") {
      (command === undefined ? io.stderr : io.stdout)(MAIN_USAGE);
      return command === undefined ? EXIT_USAGE : 0;
    }
    if (command === "serve") return await serveCommand(rest, io);
    if (command === "process") return await processCommand(rest, io);
    throw new UsageError(`Unknown command "${command}".`);
  } catch (error) {
    const name = command === "serve" || command === "process" ? `irsa-credentials ${command}` : "irsa-credentials";
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`${name}: ${(error as Error).message}\nRun "${name} --help" for usage.\n`);
      return EXIT_USAGE;
    }
    const described =
      error instanceof Error
        ? `${error instanceof CredentialServerConfigError ? "" : `${error.name}: `}${error.message}`
        : String(error);
    io.stderr(`${name}: ${described}\n`);
    return EXIT_FAILURE;
  }
}
