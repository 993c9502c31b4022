// When live connections must authenticate again: whenever the credential set behind the token
// changes, and at least every `reauthenticateIntervalMs` (ElastiCache cuts an IAM connection 12 h
// after its last AUTH). Checked on an unref'd timer; each check is a cached call (no STS call).
import type { ElastiCacheTokenGenerator } from "./elasticache-token.js";

/** How often the schedule looks at the token and the set, ms. */
export const DEFAULT_CHECK_INTERVAL_MS = 60_000;
/** Re-authenticate live connections at least this often, ms: far below ElastiCache's 12-hour cut. */
export const DEFAULT_REAUTHENTICATE_INTERVAL_MS = 60 * 60_000;
/** The longest re-authentication interval accepted: 11 h, an hour before the 12-hour cut. */
export const MAX_REAUTHENTICATE_INTERVAL_MS = 11 * 60 * 60_000;

/** Why connections are told to authenticate again. */
export type ReauthenticationReason = "credentials-changed" | "interval";

/** What a check found: the current token, and whether live connections must AUTH with it now. */
export interface ReauthenticationCheck {
  readonly username: string;
  readonly password: string;
  readonly reason: ReauthenticationReason | undefined;
}

/** Runs checks on a timer while started; callers react to each check. */
export class ReauthenticationSchedule {
  #timer: NodeJS.Timeout | undefined;
  #lastKeyId: string | undefined;
  #lastPushAt: number;
  #running: Promise<void> | undefined;

  constructor(
    private readonly tokens: ElastiCacheTokenGenerator,
    private readonly options: {
      checkIntervalMs: number;
      reauthenticateIntervalMs: number;
      now: () => number;
      onCheck: (check: ReauthenticationCheck) => void;
      onError: (error: unknown) => void;
    },
  ) {
    this.#lastPushAt = options.now();
  }

  /** Remembers the set a fresh connection authenticated with (no push needed for it). */
  noteAuthenticated(): void {
    this.#lastKeyId ??= this.tokens.signingKeyId;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#lastPushAt = this.options.now();
    this.#lastKeyId = this.tokens.signingKeyId;
    this.#timer = setInterval(() => void this.check(), this.options.checkIntervalMs);
    this.#timer.unref?.();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  get started(): boolean {
    return this.#timer !== undefined;
  }

  /** One check now (the timer's body); never rejects. */
  check(): Promise<void> {
    this.#running ??= this.#check().finally(() => (this.#running = undefined));
    return this.#running;
  }

  async #check(): Promise<void> {
    try {
      const password = await this.tokens.getToken();
      const keyId = this.tokens.signingKeyId;
      const at = this.options.now();
      let reason: ReauthenticationReason | undefined;
      if (keyId !== this.#lastKeyId) reason = "credentials-changed";
      else if (at - this.#lastPushAt >= this.options.reauthenticateIntervalMs) reason = "interval";
      if (reason !== undefined) {
        this.#lastKeyId = keyId;
        this.#lastPushAt = at;
      }
      this.options.onCheck({ username: this.tokens.username, password, reason });
    } catch (error) {
      this.options.onError(error);
    }
  }
}
