// The minimum validities (horizons) of an engine's live consumers. The largest one shapes the
// refresh schedule; a consumer that goes away gives its horizon back.

export class Horizons {
  readonly #counts = new Map<number, number>();
  #max = 0;

  /** `changed` is called whenever the largest horizon changes. */
  constructor(private readonly changed: () => void = () => {}) {}

  /** The largest live horizon, ms (0 when none). */
  get max(): number {
    return this.#max;
  }

  /** Adds one consumer's horizon; returns the function that removes it (idempotent). */
  add(ms: number): () => void {
    this.#counts.set(ms, (this.#counts.get(ms) ?? 0) + 1);
    this.#setMax(Math.max(this.#max, ms));
    let removed = false;
    return () => {
      if (removed) return;
      removed = true;
      const left = (this.#counts.get(ms) ?? 1) - 1;
      if (left > 0) this.#counts.set(ms, left);
      else this.#counts.delete(ms);
      this.#setMax(Math.max(0, ...this.#counts.keys()));
    };
  }

  #setMax(max: number): void {
    if (max === this.#max) return;
    this.#max = max;
    this.changed();
  }
}
