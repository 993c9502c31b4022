import { spawn } from "node:child_process";

/** What a finished child process left. */
export interface ProcessResult {
  /** Exit code; `null` when it was killed (timeout or signal). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall time in milliseconds. */
  ms: number;
  /** True when it was killed for running past `timeoutMs`. */
  timedOut: boolean;
}

/** Options of {@link runProcess}. */
export interface RunProcessOptions {
  cwd: string;
  /** Full environment of the child (not merged). */
  env: NodeJS.ProcessEnv;
  /** Killed (with its whole process group) after this long. */
  timeoutMs: number;
}

/**
 * Runs a command without a shell and collects its output. The child leads its own process group
 * so that a timeout also ends what it started (npm and npx spawn their own children).
 */
export function runProcess(command: string, args: readonly string[], options: RunProcessOptions): Promise<ProcessResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
    }, options.timeoutMs);
    const finish = (code: number | null) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: performance.now() - started, timedOut });
    };
    child.on("error", (error) => {
      stderr += `${error.message}\n`;
      finish(null);
    });
    child.on("close", (code) => finish(code));
  });
}

/** The last lines of a child's output, for a failure message. */
export function tail(result: ProcessResult, lines = 25): string {
  const text = `${result.stdout}\n${result.stderr}`.trim();
  return text.split("\n").slice(-lines).join("\n");
}
