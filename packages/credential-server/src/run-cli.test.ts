import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CliIo } from "./cli-io.js";
import { EXIT_FAILURE, EXIT_USAGE, runCli } from "./run-cli.js";

let folder: string;

/** An in-memory process: what the CLI writes, and a stop signal the test never sends. */
function memoryIo() {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    waitForStopSignal: () => ({ promise: new Promise<string>(() => {}), dispose: () => {} }),
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

async function run(argv: string[]) {
  const memory = memoryIo();
  const code = await runCli(argv, memory.io);
  return { code, stdout: memory.stdout(), stderr: memory.stderr() };
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "irsa-cli-unit-"));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe("runCli", () => {
  it("prints the main usage on --help (stdout, 0) and without a command (stderr, 2)", async () => {
    const help = await run(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: irsa-credentials <command>/);
    const bare = await run([]);
    expect(bare.code).toBe(EXIT_USAGE);
    expect(bare.stderr).toMatch(/^Usage: irsa-credentials <command>/);
  });

  it("prints each command's usage", async () => {
    const serve = await run(["serve", "--help"]);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toContain("--write-auth-token-file PATH");
    expect(serve.stdout).toContain("--allow-non-loopback");
    const process = await run(["process", "-h"]);
    expect(process.code).toBe(0);
    expect(process.stdout).toContain("credential_process = irsa-credentials process");
  });

  it.each([
    [["frobnicate"], /Unknown command "frobnicate"/],
    [["serve"], /serve needs --write-auth-token-file PATH .* or --auth-token-file PATH/],
    [["serve", "--write-auth-token-file", "a", "--auth-token-file", "b"], /not both/],
    [["serve", "--auth-token-file", "a", "--auth-token-file-mode", "0600"], /applies to --write-auth-token-file only/],
    [["serve", "--write-auth-token-file", "a", "--port", "http"], /--port must be an integer from 0 to 65535; got "http"/],
    [["serve", "--write-auth-token-file", "a", "--auth-token-file-mode", "rw-r"], /octal file mode/],
    [["serve", "--bogus"], /Unknown option '--bogus'/],
    [["serve", "--log-level", "loud", "--write-auth-token-file", "a"], /--log-level must be/],
    [["process", "--duration-seconds", "60"], /--duration-seconds must be an integer from 900 to 43200/],
    [["process", "extra"], /Unexpected argument 'extra'/],
  ])("refuses %j with exit code 2 and a pointer to --help", async (argv, message) => {
    const result = await run(argv);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).toMatch(/Run "irsa-credentials.* --help" for usage/);
    expect(result.stdout).toBe("");
  });

  it("refuses a non-loopback --host without --allow-non-loopback (exit 1, nothing written)", async () => {
    const tokenFile = join(folder, "token");
    const result = await run(["serve", "--host", "0.0.0.0", "--write-auth-token-file", tokenFile]);
    expect(result.code).toBe(EXIT_FAILURE);
    expect(result.stderr).toMatch(/^irsa-credentials serve: Refusing to serve credentials on the non-loopback address 0\.0\.0\.0/);
    expect(result.stderr).toContain("--allow-non-loopback");
    await expect(stat(tokenFile)).rejects.toThrow(/ENOENT/);
  });
});
