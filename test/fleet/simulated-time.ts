// Simulated time for the fleet: one event queue (a binary heap ordered by time, then by insertion)
// for everything that happens, and a stand-in for the global setTimeout/clearTimeout, so the real
// refresh engine's proactive timer fires at simulated instants. Between two instants every pending
// promise job runs (one real setImmediate turn), so the engine reaches the state the next event sees.

interface ScheduledEvent {
  readonly time: number;
  readonly order: number;
  readonly run: () => void;
  cancelled: boolean;
}

/** What the fake setTimeout returns: enough of a Node Timeout for the engine (`unref`). */
export class SimulatedTimer {
  constructor(readonly event: ScheduledEvent) {}
  unref(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  hasRef(): boolean {
    return false;
  }
}

const flushPromiseJobs = () => new Promise<void>((resolve) => setImmediate(resolve));

export class SimulatedTime {
  #now: number;
  #order = 0;
  readonly #heap: ScheduledEvent[] = [];
  #afterSettle: Array<() => void> = [];

  constructor(startMs = 0) {
    this.#now = startMs;
  }

  /** The simulated clock, in milliseconds. */
  readonly now = (): number => this.#now;

  get pendingEvents(): number {
    return this.#heap.length;
  }

  /** Runs `run` at simulated time `time` (never in the past). */
  at(time: number, run: () => void): ScheduledEvent {
    const event: ScheduledEvent = { time: Math.max(time, this.#now), order: this.#order++, run, cancelled: false };
    this.#push(event);
    return event;
  }

  /**
   * Runs `run` once the promise jobs started at the current instant have settled, before the
   * clock moves: e.g. to see whether a call is still waiting. `run` may only schedule events.
   */
  afterSettle(run: () => void): void {
    this.#afterSettle.push(run);
  }

  /**
   * Replaces the global setTimeout/clearTimeout by simulated ones until the returned function is
   * called. Only the engine's timers run through them; the simulation's own waits use `at`.
   */
  installTimers(): () => void {
    const realSetTimeout = globalThis.setTimeout;
    const realClearTimeout = globalThis.clearTimeout;
    const fakeSetTimeout = (callback: (...args: unknown[]) => void, delay?: number, ...args: unknown[]) =>
      new SimulatedTimer(this.at(this.#now + Math.max(0, Number(delay) || 0), () => callback(...args)));
    const fakeClearTimeout = (timer: unknown) => {
      if (timer instanceof SimulatedTimer) timer.event.cancelled = true;
    };
    globalThis.setTimeout = fakeSetTimeout as unknown as typeof setTimeout;
    globalThis.clearTimeout = fakeClearTimeout as typeof clearTimeout;
    return () => {
      globalThis.setTimeout = realSetTimeout;
      globalThis.clearTimeout = realClearTimeout;
    };
  }

  /** Runs every event up to `untilMs` in order, letting promise jobs settle between instants. */
  async runUntil(untilMs: number): Promise<void> {
    for (;;) {
      let next = this.#heap[0];
      if (next === undefined || next.time > this.#now) {
        await flushPromiseJobs();
        // Checks only schedule events: no promise job to settle after them.
        if (this.#afterSettle.length > 0) {
          const checks = this.#afterSettle;
          this.#afterSettle = [];
          for (const check of checks) check();
        }
        next = this.#heap[0];
        if (next === undefined || next.time > untilMs) break;
        this.#now = Math.max(this.#now, next.time);
      }
      this.#pop();
      if (!next.cancelled) next.run();
    }
    this.#now = Math.max(this.#now, untilMs);
  }

  #before(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.time < b.time || (a.time === b.time && a.order < b.order);
  }

  #push(event: ScheduledEvent): void {
    const heap = this.#heap;
    heap.push(event);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#before(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  #pop(): void {
    const heap = this.#heap;
    const last = heap.pop();
    if (heap.length === 0 || last === undefined) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && this.#before(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.#before(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}
