import type { AnswerFacts } from "./answer-facts.js";

/** `AssumeRoleWithWebIdentity` never issues more than 12 hours; a longer lifetime is capped to it. */
export const MAX_STS_LIFETIME_MS = 12 * 3600_000;

/** A measured skew above this is warned about (once per provider). */
export const CLOCK_SKEW_WARN_MS = 60_000;

/**
 * Before any skew is measured, a token is refused locally as expired only when it expired more
 * than this long ago by the local clock: AWS refuses requests signed more than 15 minutes off, so
 * a clock further off cannot work with AWS anyway, and within it STS is the better judge.
 */
export const UNMEASURED_SKEW_ALLOWANCE_MS = 15 * 60_000;

/** Date headers have 1-second resolution: a lifetime measured against one is shortened by this. */
const DATE_HEADER_RESOLUTION_MS = 1_000;

/**
 * Server clock minus local clock shown by one answer, ms: its `Date` header against the local
 * time of receipt. The header is truncated to the second, so a difference within that is no skew
 * (0). Undefined when the answer had no `Date`.
 */
export function skewOf(facts: AnswerFacts | undefined): number | undefined {
  if (facts?.serverDateMs === undefined || facts.receivedAtMs === undefined) return undefined;
  const raw = facts.serverDateMs - facts.receivedAtMs;
  return Math.abs(raw) <= DATE_HEADER_RESOLUTION_MS ? 0 : raw;
}

/** An answer's `Expiration` placed on the local clock. */
export interface PlacedExpiration {
  /** Local-clock expiration: the answer's `Expiration` minus the measured skew, at most 12 h after receipt. */
  expiration: Date;
  /** The lifetime the answer claimed (on the server's clock), before the cap. */
  claimedLifetimeMs: number;
  /** True when the claimed lifetime was above 12 h and was cut to it. */
  capped: boolean;
}

/**
 * Takes the lifetime from the answer itself (its `Expiration` against its own `Date` header) and
 * places it on the local clock, so a local clock minutes or hours off changes nothing. With
 * clocks within the `Date` header's second (or no header), the `Expiration` is kept as sent.
 */
export function placeOnLocalClock(expiration: Date, facts: AnswerFacts | undefined): PlacedExpiration {
  const receivedAt = facts?.receivedAtMs ?? facts?.now() ?? Date.now();
  const local = expiration.getTime() - (skewOf(facts) ?? 0);
  const claimedLifetimeMs = local - receivedAt;
  const capped = claimedLifetimeMs > MAX_STS_LIFETIME_MS;
  return { expiration: new Date(capped ? receivedAt + MAX_STS_LIFETIME_MS : local), claimedLifetimeMs, capped };
}

/** What is reported when a skew is measured. */
export interface ClockSkewReport {
  /** Server clock minus local clock, ms (positive: the local clock is behind). */
  skewMs: number;
  endpoint?: string;
  /** True the first time the skew exceeds {@link CLOCK_SKEW_WARN_MS}. */
  warn: boolean;
}

/** The local clock's offset from STS's, measured from every answer's `Date` header. */
export class ClockSkew {
  #skewMs: number | undefined;
  #warned = false;
  constructor(
    readonly now: () => number,
    private readonly onMeasured?: (report: ClockSkewReport) => void,
  ) {}

  /** Last measured skew (server − local), ms; undefined before any answer carried a `Date`. */
  get measuredMs(): number | undefined {
    return this.#skewMs;
  }

  /** Records the skew shown by one answer (success or error alike). */
  observe(facts: AnswerFacts): void {
    const skewMs = skewOf(facts);
    if (skewMs === undefined) return;
    const changed = this.#skewMs === undefined || Math.abs(skewMs - this.#skewMs) > DATE_HEADER_RESOLUTION_MS;
    this.#skewMs = skewMs;
    const warn = !this.#warned && Math.abs(skewMs) > CLOCK_SKEW_WARN_MS;
    if (warn) this.#warned = true;
    if (changed || warn) this.onMeasured?.({ skewMs, endpoint: facts.endpoint, warn });
  }

  /**
   * True when a token whose `exp` is `expMs` is expired for AWS: judged on AWS's clock (local +
   * measured skew), or, before any measurement, only when it is past by more than the allowance.
   */
  tokenExpired(expMs: number): boolean {
    const now = this.now();
    return this.#skewMs !== undefined ? expMs <= now + this.#skewMs : expMs + UNMEASURED_SKEW_ALLOWANCE_MS <= now;
  }
}
