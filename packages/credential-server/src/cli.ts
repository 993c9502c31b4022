#!/usr/bin/env node
import { runCli } from "./run-cli.js";

// Exit explicitly once the command is done: keep-alive sockets of the STS client must not hold
// the process open after a graceful stop or after `process` printed its answer.
runCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`irsa-credentials: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
