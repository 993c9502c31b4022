// The engine's one timer: unref()ed, and holding only a WeakRef to its engine, so a provider
// nobody references stops refreshing and is collected.

/** setTimeout cannot wait longer (about 24.8 days); a longer wait re-arms when it fires. */
const MAX_TIMER_DELAY_MS = 2_147_483_647;

export class ProactiveTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly owner: WeakRef<{ onTimer(): void }>;

  constructor(owner: { onTimer(): void }) {
    this.owner = new WeakRef(owner);
  }

  /** Fires at `at` (epoch ms, read against `now`), replacing any earlier instant. */
  arm(at: number, now: number): void {
    this.clear();
    if (!Number.isFinite(at)) return;
    // Whole milliseconds, rounded up: a clock reads whole milliseconds, so a fractional delay
    // would fire just before the instant and re-arm with a zero delay, over and over.
    const delay = Math.min(Math.max(Math.ceil(at - now), 0), MAX_TIMER_DELAY_MS);
    const owner = this.owner;
    // The global setTimeout, looked up now, so fake timers installed by tests apply.
    const timer = setTimeout(() => {
      this.timer = undefined;
      owner.deref()?.onTimer();
    }, delay);
    timer.unref?.();
    this.timer = timer;
  }

  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
