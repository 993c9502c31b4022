/** What the CLI touches of its process, as a seam so commands run in tests too. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Resolves with the name of the first SIGTERM or SIGINT; `dispose` removes the handlers. */
  waitForStopSignal: () => { promise: Promise<string>; dispose: () => void };
}

/** The real process. */
export const PROCESS_IO: CliIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
  waitForStopSignal: () => {
    let dispose = () => {};
    const promise = new Promise<string>((resolve) => {
      const onSignal = (signal: NodeJS.Signals) => resolve(signal);
      process.once("SIGTERM", onSignal);
      process.once("SIGINT", onSignal);
      dispose = () => {
        process.off("SIGTERM", onSignal);
        process.off("SIGINT", onSignal);
      };
    });
    return { promise, dispose };
  },
};
