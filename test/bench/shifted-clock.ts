// A wall clock that can be moved forward for everyone in the process at once: our engine, the
// v3 client's memo (@smithy/core reads Date.now), aws-sdk v2 (new Date()), and the local STS that
// stamps expirations. So every subject, ours and the anchors, sees the same 1-hour sets placed
// at the same distance from expiry, with no seam of its own. Timers stay real (sockets work).

const RealDate = Date;

/** Milliseconds added to the real clock. */
let offsetMs = 0;

class ShiftedDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(RealDate.now() + offsetMs);
    else super(...(args as [string | number | Date]));
  }

  static override now(): number {
    return RealDate.now() + offsetMs;
  }

  // Dates made before installation (or by a module holding the real Date) still pass instanceof.
  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof RealDate;
  }
}

let installed = false;

/** Replaces the global Date once; later calls only move the clock. Call before creating subjects. */
export function installShiftedClock(): void {
  if (installed) return;
  globalThis.Date = ShiftedDate as DateConstructor;
  installed = true;
}

/** Moves the shared clock so that `Date.now()` reads `epochMs` now. Never moves it backwards. */
export function setClock(epochMs: number): void {
  const wanted = epochMs - RealDate.now();
  if (wanted < offsetMs) throw new RangeError("the shifted clock only moves forward");
  offsetMs = wanted;
}

/** Restores the real Date and clears the shift. */
export function uninstallShiftedClock(): void {
  globalThis.Date = RealDate;
  offsetMs = 0;
  installed = false;
}
