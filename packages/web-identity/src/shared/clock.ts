// One clock per provider. The default reads `Date.now` at each call, never a reference taken at
// construction: a test suite that builds its provider at module scope and installs fake timers
// later (vi.useFakeTimers, setSystemTime) then moves every part of the provider at once.

/** Epoch milliseconds. */
export type Clock = () => number;

/** The system clock, looked up at each call. */
export const systemClock: Clock = () => Date.now();

/** The injected clock, else the system clock read at call time. */
export function clockOf(now: Clock | undefined): Clock {
  return now ?? systemClock;
}
