/** Upper bound of a hung request when `hangNext` is given no `maxMs`. */
export const DEFAULT_HANG_MAX_MS = 10_000;

/** Largest latency or hang the kit accepts: faults are always bounded. */
export const MAX_FAULT_DELAY_MS = 10 * 60_000;

/** An error answer to inject: HTTP status and, for STS, the error code and message. */
export interface FailureFault<A extends string = string> {
  /** HTTP status of the error response. Default: the server's status for `code` (STS), else 500. */
  status?: number;
  /** Error code (STS: `Throttling`, `InternalFailure`, ...). Servers without codes ignore it. */
  code?: string;
  /** Error message; each server has a sensible default per code/status. */
  message?: string;
  /** Only requests of this kind consume the fault (STS: the `Action`). Default: any request. */
  action?: A;
}

/** What a server must do with one request, decided by {@link FaultInjector.take}. */
export type InjectedFault =
  | { kind: "fail"; status?: number; code?: string; message?: string }
  | { kind: "drop" }
  | { kind: "hang"; maxMs: number }
  | { kind: "malformed" }
  | { kind: "empty" };

interface QueuedFault<A extends string> {
  fault: InjectedFault;
  remaining: number;
  action?: A;
}

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`fault count must be a positive integer, got ${String(n)}`);
  }
}

function checkDelay(ms: number, what: string): void {
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_FAULT_DELAY_MS) {
    throw new RangeError(`${what} must be between 0 and ${MAX_FAULT_DELAY_MS} ms, got ${String(ms)}`);
  }
}

/**
 * Bounded fault injection shared by the local servers: every fault applies to a given number of
 * requests (first queued, first served), and delays are capped.
 * `A` names the request kinds a fault can be restricted to.
 */
export class FaultInjector<A extends string = string> {
  readonly #queue: QueuedFault<A>[] = [];
  #latencyMs = 0;

  /** The next `n` matching requests get an error response. */
  failNext(n: number, failure: FailureFault<A> = {}): this {
    checkCount(n);
    if (failure.status !== undefined && (!Number.isInteger(failure.status) || failure.status < 100 || failure.status > 599)) {
      throw new RangeError(`status must be an HTTP status code, got ${String(failure.status)}`);
    }
    const fault: InjectedFault = { kind: "fail" };
    if (failure.status !== undefined) fault.status = failure.status;
    if (failure.code !== undefined) fault.code = failure.code;
    if (failure.message !== undefined) fault.message = failure.message;
    return this.#push(n, fault, failure.action);
  }

  /** The next `n` matching requests have their connection destroyed without any response. */
  dropNext(n: number, options: { action?: A } = {}): this {
    checkCount(n);
    return this.#push(n, { kind: "drop" }, options.action);
  }

  /**
   * The next `n` matching requests get no answer until the client gives up, the server closes,
   * or `maxMs` passes (then the connection is destroyed). A "black hole".
   */
  hangNext(n: number, options: { maxMs?: number; action?: A } = {}): this {
    checkCount(n);
    const maxMs = options.maxMs ?? DEFAULT_HANG_MAX_MS;
    checkDelay(maxMs, "maxMs");
    return this.#push(n, { kind: "hang", maxMs }, options.action);
  }

  /** The next `n` matching requests get a 200 with a body that is not valid for the protocol. */
  malformedNext(n: number, options: { action?: A } = {}): this {
    checkCount(n);
    return this.#push(n, { kind: "malformed" }, options.action);
  }

  /** The next `n` matching requests get a 200 with an empty body. */
  emptyNext(n: number, options: { action?: A } = {}): this {
    checkCount(n);
    return this.#push(n, { kind: "empty" }, options.action);
  }

  /** Adds `ms` of delay before every answer (0 turns it off). Driven by `setTimeout`. */
  latency(ms: number): this {
    checkDelay(ms, "latency");
    this.#latencyMs = ms;
    return this;
  }

  /** The current added latency in milliseconds. */
  get latencyMs(): number {
    return this.#latencyMs;
  }

  /** Number of requests that queued faults will still affect. */
  get pending(): number {
    return this.#queue.reduce((sum, entry) => sum + entry.remaining, 0);
  }

  /** Removes every queued fault and the latency. */
  clear(): this {
    this.#queue.length = 0;
    this.#latencyMs = 0;
    return this;
  }

  /** Consumes and returns the fault for a request of kind `action`, if one is queued. */
  take(action: A | undefined): InjectedFault | undefined {
    const index = this.#queue.findIndex((entry) => entry.action === undefined || entry.action === action);
    if (index < 0) return undefined;
    const entry = this.#queue[index]!;
    entry.remaining -= 1;
    if (entry.remaining === 0) this.#queue.splice(index, 1);
    return entry.fault;
  }

  #push(n: number, fault: InjectedFault, action: A | undefined): this {
    const entry: QueuedFault<A> = { fault, remaining: n };
    if (action !== undefined) entry.action = action;
    this.#queue.push(entry);
    return this;
  }
}
