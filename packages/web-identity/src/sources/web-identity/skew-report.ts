import type { CredentialCacheEvent } from "../../engine/cache-types.js";
import type { Logger } from "../../shared/logger.js";
import type { ClockSkewReport } from "../../sts/clock-skew.js";

/** The events a source reports by itself (the engine reports the rest). */
export type SourceEvent = Extract<CredentialCacheEvent, { type: "clock-skew" }>;

function describe(skewMs: number): string {
  const seconds = Math.round(Math.abs(skewMs) / 1000);
  return `${seconds} s ${skewMs > 0 ? "behind" : "ahead of"}`;
}

/**
 * What a source does with a measured clock skew: a `clock-skew` event each time it changes, and
 * one warning (logger, else `process.emitWarning`) the first time it exceeds a minute. An
 * observer that throws or rejects changes nothing.
 */
export function skewReporter(
  logger: Logger | undefined,
  report: ((event: SourceEvent) => void) | undefined,
  now: () => number,
): (measured: ClockSkewReport) => void {
  return ({ skewMs, endpoint, warn }) => {
    try {
      const result = report?.({ type: "clock-skew", at: now(), skewMs, ...(endpoint !== undefined && { endpoint }) }) as unknown;
      if (result instanceof Promise) result.catch(() => {});
    } catch {
      // An observer cannot break a refresh.
    }
    if (!warn) return;
    const message =
      `@irsa/web-identity: this machine's clock is ${describe(skewMs)} STS's (the Date header of ${endpoint ?? "its answer"}). ` +
      "Credential lifetimes are taken from STS's answers, so refreshes are not affected; fix the clock (NTP) anyway: " +
      "AWS refuses requests signed more than 15 minutes off.";
    try {
      if (logger?.warn) logger.warn(message);
      else process.emitWarning(message, { code: "IRSA_CLOCK_SKEW" });
    } catch {
      // A throwing logger cannot break a refresh.
    }
  };
}
