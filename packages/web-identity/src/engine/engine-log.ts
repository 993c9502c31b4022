// The engine's log lines, built from its events: the transitions emit events, and this file
// alone decides what a human reads. Never a secret: events carry none.

import type { CredentialCacheEvent } from "./cache-types.js";
import type { CachedSet } from "./decide.js";

export type LogLevel = "debug" | "info" | "warn" | "error";

/** What the engine knew when it emitted the event, for the line's wording. */
export interface LogContext {
  /** The refresh ran behind the callers' backs (advisory window, timer). */
  readonly background: boolean;
  readonly cached: CachedSet | undefined;
}

/** The level and text of the log line for `event`, or undefined for no line. */
export function logLineFor(event: CredentialCacheEvent, context: LogContext): { level: LogLevel; message: string } | undefined {
  switch (event.type) {
    case "refresh-started":
      return { level: "debug", message: `refreshing credentials (${event.reason}${event.background ? ", in the background" : ""})` };
    case "refresh-succeeded":
      return {
        level: "debug",
        message:
          `credentials refreshed (${event.reason}): ${event.accessKeyId}, ` +
          (event.nextRefreshAt === undefined || event.expiration === undefined
            ? "no expiration"
            : `expires ${iso(event.expiration)}, next refresh ${iso(event.nextRefreshAt)}`),
      };
    case "refresh-failed": {
      const cause = `${event.errorName}: ${event.message}`;
      if (event.recoverable) return { level: "debug", message: `credential refresh failed (${event.reason}): ${cause}` };
      const serving = context.background && context.cached !== undefined;
      return {
        level: context.background ? "error" : "debug",
        message:
          `credential refresh failed (${event.reason}) with a non-recoverable error` +
          (serving ? `; serving the cached credentials ${context.cached!.identity.accessKeyId} while they stay outside the mandatory window` : "") +
          `: ${cause}`,
      };
    }
    case "refresh-timed-out":
      return {
        level: "warn",
        message:
          `credential refresh (${event.reason}) did not settle within ${event.timeoutMs} ms: the waiting callers get a ` +
          "RefreshTimeoutError, and no new source call starts until this one settles",
      };
    case "backoff": {
      const cached = context.cached;
      const serving =
        event.rule === "backoff" && cached !== undefined
          ? `serving the cached credentials ${cached.identity.accessKeyId} (valid until ${iso(cached.expiration)})`
          : "raising the last error to callers (no valid credentials to serve)";
      return { level: "warn", message: `credential refresh failed, ${serving} and retrying after ${iso(event.until)}` };
    }
    case "error-cached":
      return { level: "debug", message: `${event.errorName} cached until ${iso(event.until)}: no source call before then` };
    case "invalidated":
      return { level: "info", message: `credentials ${event.accessKeyId} invalidated: the next call refreshes them` };
    default:
      return undefined;
  }
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
