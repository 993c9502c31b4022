import { IrsaCredentialsError, type CachedCredentialProvider } from "@irsa/web-identity";

/** The JSON body of a 503 from the credentials path: what failed and when the server retries. */
export interface UnavailableBody {
  Code: "CredentialsUnavailable" | "CredentialsExpired";
  Message: string;
  /** Name of the error class behind it (`StsRequestError`, ...), when one was seen. */
  Reason?: string;
  /** When the set in hand expired (ISO 8601), for `CredentialsExpired`. */
  ExpiredAt?: string;
  /** When the provider calls its source again (ISO 8601). */
  RetryAt: string;
}

/** Never tell clients to come back sooner than this, nor later than the engine's longest wait. */
const MIN_RETRY_AFTER_S = 1;

/**
 * A 503 answer instead of credentials: either the provider failed (`error`), or it returned a set
 * that has already expired (`expiredAt`). The retry time is the engine's backoff end when it has
 * one, else one second. Only our own typed errors (written to say what to fix, never a secret)
 * lend their message; any other error is named by class only.
 */
export function unavailableAnswer(
  provider: CachedCredentialProvider,
  now: number,
  cause: { error: unknown } | { expiredAt: Date },
): { retryAfterSeconds: number; body: UnavailableBody } {
  const backoffUntil = provider.stats.backoffUntil;
  const retryAt = backoffUntil !== undefined && backoffUntil > now ? backoffUntil : now + MIN_RETRY_AFTER_S * 1000;
  const retryAfterSeconds = Math.max(MIN_RETRY_AFTER_S, Math.ceil((retryAt - now) / 1000));
  const retryIso = new Date(retryAt).toISOString();
  if ("expiredAt" in cause) {
    const failures = provider.stats.failures;
    return {
      retryAfterSeconds,
      body: {
        Code: "CredentialsExpired",
        Message:
          `The credentials in hand expired at ${cause.expiredAt.toISOString()} and no new set could be fetched yet ` +
          `(${failures} failed refresh${failures === 1 ? "" : "es"}); the next try is at ${retryIso}.`,
        ExpiredAt: cause.expiredAt.toISOString(),
        RetryAt: retryIso,
      },
    };
  }
  const error = cause.error;
  const reason = error instanceof Error ? error.name : undefined;
  const detail = error instanceof IrsaCredentialsError ? `: ${error.message}` : ".";
  return {
    retryAfterSeconds,
    body: {
      Code: "CredentialsUnavailable",
      Message: `Credentials are not available: fetching them failed${reason ? ` (${reason})` : ""}${detail} The next try is at ${retryIso}.`,
      ...(reason ? { Reason: reason } : {}),
      RetryAt: retryIso,
    },
  };
}
