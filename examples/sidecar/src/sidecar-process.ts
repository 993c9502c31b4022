// The sidecar container of pod.yaml, as a child process: the real `irsa-credentials serve` of
// @irsa/credential-server. It runs from the package's TypeScript source through tsx, in one node
// process (so SIGTERM reaches the server itself, as kubelet's would), and needs no build.
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { EventEmitter, once } from "node:events";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);

/** The log line `serve` prints first, with the URL of the credentials and of the health listener. */
const LISTENING_MESSAGE = "listening";
/** The log line `serve` prints once the first STS call succeeded (`/readyz` turns 200 then). */
const READY_MESSAGE = "ready: first credentials in hand";
/** How many characters of the sidecar's stderr a failure message quotes. */
const STDERR_TAIL_CHARS = 2_000;

/** One JSON log line of the sidecar. */
export type SidecarLogLine = Record<string, unknown> & { msg?: string };

/** Options of {@link startSidecar}. */
export interface SidecarInit {
  /** The sidecar container's environment (the IRSA variables, the STS endpoint, no IMDS). */
  env: NodeJS.ProcessEnv;
  /** Where `serve` writes the random authorization token the app sends. */
  authTokenFile: string;
  /** Called with every JSON log line the sidecar prints. Default: nothing. */
  onLogLine?: (line: SidecarLogLine) => void;
}

/** A running sidecar. */
export interface Sidecar {
  /** Settles with the credentials URL and the health listener's base URL once `serve` listens. */
  listening(): Promise<{ url: string; healthUrl: string }>;
  /** Settles once the sidecar logged that its first credentials are in hand. */
  ready(): Promise<void>;
  /** Sends SIGTERM and settles with the exit code (`null` when a signal ended it). */
  stop(): Promise<number | null>;
  /** Ends the process at once, if it still runs (the clean-up after a failed step). */
  kill(): Promise<void>;
}

/** The command that runs the CLI from the source of `@irsa/credential-server`, resolved through the package. */
export function sidecarCommand(): [string, ...string[]] {
  const packageDir = dirname(require.resolve("@irsa/credential-server/package.json"));
  const cliSource = join(packageDir, "src", "cli.ts");
  if (!existsSync(cliSource)) {
    throw new Error(`The CLI source of @irsa/credential-server is not at ${cliSource}: run the example from the workspace.`);
  }
  const tsxLoader = pathToFileURL(require.resolve("tsx")).href;
  return [process.execPath, "--import", tsxLoader, cliSource];
}

/** Starts `irsa-credentials serve --port 0 --write-auth-token-file PATH --health-port 0` on loopback. */
export function startSidecar(init: SidecarInit): Sidecar {
  const [command, ...prefix] = sidecarCommand();
  const args = [
    ...prefix,
    "serve",
    "--host", "127.0.0.1",
    "--port", "0",
    "--write-auth-token-file", init.authTokenFile,
    // The probe listener of pod.yaml; on loopback here, as nothing else needs to reach it.
    "--health-host", "127.0.0.1",
    "--health-port", "0",
  ];
  const child: ChildProcessByStdio<null, Readable, Readable> = spawn(command, args, {
    env: init.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: SidecarLogLine[] = [];
  const logEvents = new EventEmitter();
  let stderr = "";
  let pending = "";
  const exited = once(child, "exit").then(([code]) => code as number | null);
  const spawnFailed = once(child, "error").then(([error]) => {
    throw new Error(`The sidecar could not start: ${(error as Error).message}`);
  });
  spawnFailed.catch(() => {});

  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
  });
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const line = parseLogLine(text);
      if (line === undefined) continue;
      lines.push(line);
      init.onLogLine?.(line);
      logEvents.emit("line", line);
    }
  });

  /** Settles with the first line of `message`, or rejects if the sidecar exits before it. */
  const waitForLine = async (message: string): Promise<SidecarLogLine> => {
    const seen = lines.find((line) => line.msg === message);
    if (seen) return seen;
    const found = new Promise<SidecarLogLine>((resolve) => {
      const onLine = (line: SidecarLogLine) => {
        if (line.msg !== message) return;
        logEvents.off("line", onLine);
        resolve(line);
      };
      logEvents.on("line", onLine);
    });
    const died = exited.then((code) => {
      const detail = stderr.trim() ? `; its stderr ends with:\n${stderr.trim()}` : "";
      throw new Error(`The sidecar exited with code ${code} before logging "${message}"${detail}`);
    });
    return Promise.race([found, died, spawnFailed]);
  };

  return {
    async listening() {
      const line = await waitForLine(LISTENING_MESSAGE);
      if (typeof line.url !== "string" || typeof line.healthUrl !== "string") {
        throw new Error(`The sidecar's "listening" line has no url or healthUrl: ${JSON.stringify(line)}`);
      }
      return { url: line.url, healthUrl: line.healthUrl };
    },
    async ready() {
      await waitForLine(READY_MESSAGE);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      return exited;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

function parseLogLine(text: string): SidecarLogLine | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as SidecarLogLine) : undefined;
  } catch {
    return undefined;
  }
}
