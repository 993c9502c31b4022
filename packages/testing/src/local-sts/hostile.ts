import { MAX_FAULT_DELAY_MS } from "../fault-injector.js";

/** Default size of an oversized answer: 100 MB, what a broken proxy or a hostile endpoint may send. */
export const DEFAULT_OVERSIZED_BYTES = 100 * 1024 * 1024;

/** Largest oversized answer the kit sends (it is streamed, never held in memory). */
export const MAX_OVERSIZED_BYTES = 1024 * 1024 * 1024;

/** A body sent in pieces: `chunkBytes` every `intervalMs`. */
export interface SlowDripOptions {
  /** Bytes per piece. Default 16. */
  chunkBytes?: number;
  /** Wait between pieces (`setTimeout`: fake timers drive it). Default 1000 ms. */
  intervalMs?: number;
}

/** How the body of one answer is delivered, decided per request by {@link LocalStsHostile.takeBody}. */
export type HostileBody =
  | { kind: "oversized"; bytes: number }
  | { kind: "slow-drip"; chunkBytes: number; intervalMs: number };

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`count must be a positive integer, got ${String(n)}`);
}

/**
 * The local STS playing a hostile or broken STS, so a client's distrust of its answers can be
 * tested. Settings hold until changed (`clear()` resets them all); body faults apply to a given
 * number of successful answers.
 */
export class LocalStsHostile {
  #clockOffsetMs = 0;
  #expiresInSeconds: number | undefined;
  #answerAsRoleArn: string | undefined;
  #answerAsRoleAction: "AssumeRole" | "AssumeRoleWithWebIdentity" | undefined;
  readonly #bodies: Array<{ body: HostileBody; remaining: number }> = [];

  /**
   * The server's clock runs `offsetMs` ahead of `Date.now()` (negative: behind). Its `Date`
   * header, the `Expiration` it issues and its own token `exp` checks all follow this clock.
   */
  skewClock(offsetMs: number): this {
    if (!Number.isFinite(offsetMs)) throw new RangeError(`offsetMs must be a finite number, got ${String(offsetMs)}`);
    this.#clockOffsetMs = offsetMs;
    return this;
  }

  /** The server's clock offset from `Date.now()`, in milliseconds. */
  get clockOffsetMs(): number {
    return this.#clockOffsetMs;
  }

  /** The server's time, epoch milliseconds. */
  now(): number {
    return Date.now() + this.#clockOffsetMs;
  }

  /**
   * Every issued `Expiration` is `seconds` after issue (on the server's clock), whatever was
   * requested; e.g. ten years, which real STS never issues (at most 12 hours). `undefined` turns
   * it off.
   */
  expireIn(seconds: number | undefined): this {
    if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
      throw new RangeError(`seconds must be a positive number, got ${String(seconds)}`);
    }
    this.#expiresInSeconds = seconds;
    return this;
  }

  /** The lifetime override set by {@link expireIn}. */
  get expiresInSeconds(): number | undefined {
    return this.#expiresInSeconds;
  }

  /**
   * Answers as if another role had been assumed: the `AssumedRoleUser` of every successful
   * `AssumeRole*` (or only of `options.action`) names `roleArn` (its account and name), as a
   * misrouted endpoint would. `undefined` turns it off.
   */
  answerAsRole(roleArn: string | undefined, options: { action?: "AssumeRole" | "AssumeRoleWithWebIdentity" } = {}): this {
    this.#answerAsRoleArn = roleArn;
    this.#answerAsRoleAction = options.action;
    return this;
  }

  /** The role named by {@link answerAsRole}, for answers to `action`. */
  answerAsRoleFor(action: "AssumeRole" | "AssumeRoleWithWebIdentity"): string | undefined {
    return this.#answerAsRoleAction === undefined || this.#answerAsRoleAction === action ? this.#answerAsRoleArn : undefined;
  }

  /**
   * The next `n` successful answers carry `bytes` of body (default 100 MB): a real answer with
   * whitespace padding inside its result, streamed with back-pressure and no `Content-Length`.
   */
  oversizedNext(n: number, options: { bytes?: number } = {}): this {
    checkCount(n);
    const bytes = options.bytes ?? DEFAULT_OVERSIZED_BYTES;
    if (!Number.isInteger(bytes) || bytes < 1 || bytes > MAX_OVERSIZED_BYTES) {
      throw new RangeError(`bytes must be an integer in 1-${MAX_OVERSIZED_BYTES}, got ${String(bytes)}`);
    }
    this.#bodies.push({ body: { kind: "oversized", bytes }, remaining: n });
    return this;
  }

  /** The next `n` successful answers arrive a few bytes at a time (a "slow drip"). */
  slowDripNext(n: number, options: SlowDripOptions = {}): this {
    checkCount(n);
    const chunkBytes = options.chunkBytes ?? 16;
    const intervalMs = options.intervalMs ?? 1000;
    if (!Number.isInteger(chunkBytes) || chunkBytes < 1) throw new RangeError(`chunkBytes must be a positive integer, got ${String(chunkBytes)}`);
    if (!Number.isFinite(intervalMs) || intervalMs < 0 || intervalMs > MAX_FAULT_DELAY_MS) {
      throw new RangeError(`intervalMs must be between 0 and ${MAX_FAULT_DELAY_MS} ms, got ${String(intervalMs)}`);
    }
    this.#bodies.push({ body: { kind: "slow-drip", chunkBytes, intervalMs }, remaining: n });
    return this;
  }

  /** Consumes and returns how the next successful answer's body is delivered, if it is hostile. */
  takeBody(): HostileBody | undefined {
    const entry = this.#bodies[0];
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#bodies.shift();
    return entry.body;
  }

  /** Back to an honest STS: true clock, requested lifetimes, own role, plain bodies. */
  clear(): this {
    this.#clockOffsetMs = 0;
    this.#expiresInSeconds = undefined;
    this.#answerAsRoleArn = undefined;
    this.#answerAsRoleAction = undefined;
    this.#bodies.length = 0;
    return this;
  }
}
