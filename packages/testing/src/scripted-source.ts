// A credential source whose answers the test scripts, and which measures how it is called:
// for tests of a refresh engine (`withCredentialCache`) on fake timers.

/** The v3 credential shape (structural, so this package needs no AWS SDK types). */
export interface ScriptedCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** A credential set whose secret parts are easy to search for in printed output. */
export function credentialSet(id: string, expiresAt: number | undefined): ScriptedCredentials {
  return {
    accessKeyId: `ASIA${id}`,
    secretAccessKey: `SECRET-${id}-wJalrXUtnFEMI`,
    sessionToken: `TOKEN-${id}-IQoJb3JpZ2luX2Vj`,
    ...(expiresAt === undefined ? {} : { expiration: new Date(expiresAt) }),
  };
}

interface Pending {
  readonly properties: Record<string, unknown> | undefined;
  resolve(value: ScriptedCredentials): void;
  reject(error: unknown): void;
}

/**
 * A source that leaves each call pending until the test answers it (`succeed`, `fail`, `hang`),
 * or answers at once through `answerWith`. Counts calls and the calls in flight at once.
 */
export class ScriptedSource {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  /** Calls left pending for ever by `hang()`. */
  hung = 0;
  readonly properties: Array<Record<string, unknown> | undefined> = [];
  private readonly pending: Pending[] = [];
  private answer: (() => ScriptedCredentials | Promise<ScriptedCredentials>) | undefined;

  readonly provider = async (properties?: Record<string, unknown>): Promise<ScriptedCredentials> => {
    this.calls++;
    this.properties.push(properties);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.answer !== undefined) return await this.answer();
      return await new Promise<ScriptedCredentials>((resolve, reject) => {
        this.pending.push({ properties, resolve, reject });
      });
    } finally {
      this.inFlight--;
    }
  };

  /** Answers every future call at once with `answer` (which may throw). */
  answerWith(answer: (() => ScriptedCredentials | Promise<ScriptedCredentials>) | undefined): void {
    this.answer = answer;
  }

  /** Calls waiting for an answer (hung ones excluded). */
  get waiting(): number {
    return this.pending.length;
  }

  succeed(set: ScriptedCredentials): void {
    this.next().resolve(set);
  }

  fail(error: unknown): void {
    this.next().reject(error);
  }

  /** Leaves the oldest pending call unsettled for ever (a hung file system, a black hole). */
  hang(): void {
    this.next();
    this.hung++;
  }

  private next(): Pending {
    const call = this.pending.shift();
    if (call === undefined) throw new Error("the source has no pending call to answer");
    return call;
  }
}

/** Lets every queued promise callback run (setImmediate is left real by the fake timers). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Tracks whether a promise has settled, without adding an unhandled rejection. */
export function track<T>(promise: Promise<T>): { readonly done: boolean; readonly promise: Promise<T> } {
  const state = { done: false, promise };
  promise.then(
    () => (state.done = true),
    () => (state.done = true),
  );
  return state;
}

/** A logger that records every line, by level. */
export function recordingLogger() {
  const lines: Array<{ level: string; text: string }> = [];
  const at = (level: string) => (...content: unknown[]) => lines.push({ level, text: content.map(String).join(" ") });
  return { lines, logger: { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") } };
}
