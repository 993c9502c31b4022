import { timingSafeEqual } from "node:crypto";
// node:timers: vitest's fake timers leave it real, so a faked clock cannot stall a check.
import { clearTimeout, setTimeout } from "node:timers";

/** What a client connection presented its credentials with, for the check and the log. */
export interface TokenCheckContext {
  /** The connection's id (1, 2, ... in order of arrival). */
  readonly connectionId: number;
  /** `AUTH` or `HELLO` (with its `AUTH` option). */
  readonly command: "AUTH" | "HELLO";
  /** True when the connection is already authenticated (a re-authentication). */
  readonly reauthentication: boolean;
  /** The emulator's clock at the check, epoch milliseconds (the injected `now`). */
  readonly now: number;
}

/** The verdict of a {@link TokenCheck}: accepted, or refused with a reason for the test log. */
export type TokenCheckResult = { ok: true } | { ok: false; reason: string };

/**
 * Decides whether `password` (an IAM auth token, for ElastiCache) is good for `user`. The seam
 * where an IAM token verifier plugs in. It must not put the password in `reason`.
 */
export type TokenCheck = (user: string, password: string, context: TokenCheckContext) => Promise<TokenCheckResult>;

/** How long a {@link TokenCheck} may take before the emulator refuses the credentials. */
export const DEFAULT_TOKEN_CHECK_TIMEOUT_MS = 5_000;

/**
 * A {@link TokenCheck} that accepts fixed passwords per user (compared in constant time): the
 * simplest stand-in for an IAM token verifier.
 *
 * @example
 * ```ts
 * const cache = await startLocalElastiCache({ checkToken: acceptPasswords({ app: "s3cret" }) });
 * ```
 */
export function acceptPasswords(passwordsByUser: Readonly<Record<string, string | readonly string[]>>): TokenCheck {
  const table = new Map<string, Buffer[]>();
  for (const [user, passwords] of Object.entries(passwordsByUser)) {
    table.set(user, (typeof passwords === "string" ? [passwords] : passwords).map((p) => Buffer.from(p, "utf8")));
  }
  return async (user, password) => {
    const accepted = table.get(user);
    if (accepted === undefined) return { ok: false, reason: `unknown user '${user}'` };
    const given = Buffer.from(password, "utf8");
    const match = accepted.some((expected) => expected.length === given.length && timingSafeEqual(expected, given));
    return match ? { ok: true } : { ok: false, reason: `wrong password for user '${user}'` };
  };
}

/**
 * Runs a check with a deadline. A check that throws, rejects, answers nonsense or takes too long
 * is a refusal; the password is scrubbed from any reason it reports.
 */
export async function runTokenCheck(
  check: TokenCheck,
  user: string,
  password: string,
  context: TokenCheckContext,
  timeoutMs: number,
): Promise<TokenCheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<TokenCheckResult>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, reason: `checkToken did not answer within ${timeoutMs} ms` }), timeoutMs);
    timer.unref();
  });
  try {
    const result = await Promise.race([
      Promise.resolve()
        .then(() => check(user, password, context))
        .catch((error: unknown) => ({ ok: false as const, reason: `checkToken failed: ${describe(error)}` })),
      deadline,
    ]);
    if (result?.ok === true) return { ok: true };
    const reason = typeof result?.reason === "string" ? result.reason : "checkToken answered neither { ok: true } nor { ok: false, reason }";
    return { ok: false, reason: scrub(reason, password) };
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function scrub(text: string, secret: string): string {
  return secret.length === 0 ? text : text.split(secret).join("[redacted]");
}
