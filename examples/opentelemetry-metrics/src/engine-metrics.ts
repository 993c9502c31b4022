// The engine's diagnostics_channel events as OpenTelemetry instruments. Nothing here knows the
// provider: it only subscribes to the channels, as an APM agent or an instrumentation would.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { Meter } from "@opentelemetry/api";
import { DIAGNOSTICS_CHANNELS, type CredentialCacheEvent } from "@irsa/web-identity";

type EventOf<T extends CredentialCacheEvent["type"]> = Extract<CredentialCacheEvent, { type: T }>;

/**
 * Subscribes to the engine's channels and records: refreshes (by reason and outcome), failures
 * (by error and recoverability), refresh duration, backoffs and the backoff still to wait, and the
 * time left before the newest credential set expires. Returns the function that unsubscribes.
 */
export function recordEngineMetrics(meter: Meter, now: () => number = Date.now): () => void {
  const refreshes = meter.createCounter("irsa_credentials.refreshes", { description: "Refreshes finished, by reason and outcome" });
  const failures = meter.createCounter("irsa_credentials.refresh.failures", { description: "Failed refreshes, by error and recoverability" });
  const duration = meter.createHistogram("irsa_credentials.refresh.duration", { unit: "ms", description: "Time a refresh took" });
  const backoffs = meter.createCounter("irsa_credentials.backoffs", { description: "Backoffs entered after a failure" });
  let expiration: number | undefined;
  let backoffUntil: number | undefined;
  meter
    .createObservableGauge("irsa_credentials.time_to_expiry", { unit: "s", description: "Seconds until the newest set expires" })
    .addCallback((result) => {
      if (expiration !== undefined) result.observe((expiration - now()) / 1000);
    });
  meter
    .createObservableGauge("irsa_credentials.backoff.remaining", { unit: "s", description: "Seconds of backoff still to wait" })
    .addCallback((result) => result.observe(backoffUntil === undefined ? 0 : Math.max(0, (backoffUntil - now()) / 1000)));

  const listeners = {
    [DIAGNOSTICS_CHANNELS["refresh-succeeded"]]: (message: unknown) => {
      const event = message as EventOf<"refresh-succeeded">;
      refreshes.add(1, { reason: event.reason, outcome: "success" });
      duration.record(event.durationMs, { outcome: "success" });
      expiration = event.expiration;
      backoffUntil = undefined;
    },
    [DIAGNOSTICS_CHANNELS["refresh-failed"]]: (message: unknown) => {
      const event = message as EventOf<"refresh-failed">;
      refreshes.add(1, { reason: event.reason, outcome: "failure" });
      failures.add(1, { error: event.errorName, recoverable: event.recoverable });
      duration.record(event.durationMs, { outcome: "failure" });
    },
    [DIAGNOSTICS_CHANNELS.backoff]: (message: unknown) => {
      const event = message as EventOf<"backoff">;
      backoffs.add(1);
      backoffUntil = event.until;
    },
  };
  for (const [name, listener] of Object.entries(listeners)) subscribe(name, listener);
  return () => {
    for (const [name, listener] of Object.entries(listeners)) unsubscribe(name, listener);
  };
}
