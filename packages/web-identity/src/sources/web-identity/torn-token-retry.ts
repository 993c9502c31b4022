import type { WebIdentityToken } from "./token-file.js";

/**
 * Wait before re-reading a token STS rejected as invalid: long enough for a writer that rewrites
 * the file in place (a copy loop, an init container, a CSI driver) to finish, short enough to stay
 * far inside one refresh.
 */
export const TORN_TOKEN_PAUSE_MS = 150;

/**
 * What an `InvalidIdentityToken` about a token's signature or format means, for one fetch. A
 * token caught half-written still looks like a JWT, so STS's rejection may be about bytes that
 * are already gone: pause, read the file again, and try once more. Only the same bytes rejected
 * twice are a verdict on the token (non-recoverable); a rejection seen once is transient. The
 * audience and identity-provider diagnoses never come here (they are final at once).
 */
export class TornTokenRetry {
  readonly #rejected: WebIdentityToken[] = [];

  constructor(private readonly sleep: (ms: number) => Promise<void>) {}

  /** Records that STS rejected `token`; true when it had rejected these same bytes before. */
  rejected(token: WebIdentityToken): boolean {
    if (this.#rejected.some((earlier) => earlier.sameAs(token))) return true;
    this.#rejected.push(token);
    return false;
  }

  /**
   * After a rejection: the token to try next, or undefined when these bytes were already rejected
   * once. A file that changed already (kubelet rotated it) is used at once; otherwise it is read
   * again after the pause.
   */
  async next(token: WebIdentityToken, reread: () => Promise<WebIdentityToken>): Promise<WebIdentityToken | undefined> {
    if (this.rejected(token)) return undefined;
    const now = await reread();
    if (!now.sameAs(token)) return now;
    await this.sleep(TORN_TOKEN_PAUSE_MS);
    return reread();
  }
}
