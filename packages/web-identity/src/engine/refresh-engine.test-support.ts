// Test support for the refresh engine specs (imported only by *.test.ts files): a credential
// source whose answers the test scripts, and which measures how it is called.
import type { AwsCredentialIdentity } from "@smithy/types";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A credential set whose secret parts are easy to search for in printed output. */
export function credentialSet(id: string, expiresAt: number | undefined): AwsCredentialIdentity {
  return {
    accessKeyId: `ASIA${id}`,
    secretAccessKey: `SECRET-${id}-wJalrXUtnFEMI`,
    sessionToken: `TOKEN-${id}-IQoJb3JpZ2luX2Vj`,
    ...(expiresAt === undefined ? {} : { expiration: new Date(expiresAt) }),
  };
}

interface Pending {
  readonly properties: Record<string, unknown> | undefined;
  resolve(value: AwsCredentialIdentity): void;
  reject(error: unknown): void;
}

/**
 * A source that leaves each call pending until the test answers it (`succeed`, `fail`), or
 * answers at once through `answerWith`. Counts calls and the calls in flight at once.
 */
export class ScriptedSource {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;
  readonly properties: Array<Record<string, unknown> | undefined> = [];
  private readonly pending: Pending[] = [];
  private answer: (() => AwsCredentialIdentity | Promise<AwsCredentialIdentity>) | undefined;

  readonly provider = async (properties?: Record<string, unknown>): Promise<AwsCredentialIdentity> => {
    this.calls++;
    this.properties.push(properties);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.answer !== undefined) return await this.answer();
      return await new Promise<AwsCredentialIdentity>((resolve, reject) => {
        this.pending.push({ properties, resolve, reject });
      });
    } finally {
      this.inFlight--;
    }
  };

  /** Answers every future call at once with `answer` (which may throw). */
  answerWith(answer: () => AwsCredentialIdentity | Promise<AwsCredentialIdentity>): void {
    this.answer = answer;
  }

  get waiting(): number {
    return this.pending.length;
  }

  succeed(set: AwsCredentialIdentity): void {
    this.next().resolve(set);
  }

  fail(error: unknown): void {
    this.next().reject(error);
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

/** A small seeded generator (mulberry32), so a run replays exactly: same faults, same draws. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
