import { channel, type Channel } from "node:diagnostics_channel";
import type { CredentialCacheEvent } from "./cache-types.js";

/**
 * Names of the `node:diagnostics_channel` channels the refresh engine publishes on: one per event
 * type, `irsa-credentials:<type>`. The message is the same event object `onEvent` receives (times
 * in epoch milliseconds, never a secret). APM agents and OpenTelemetry instrumentations subscribe
 * with `diagnostics_channel.subscribe(name, listener)`, without any change to the app's code.
 */
export const DIAGNOSTICS_CHANNELS = {
  "refresh-started": "irsa-credentials:refresh-started",
  "refresh-succeeded": "irsa-credentials:refresh-succeeded",
  "refresh-failed": "irsa-credentials:refresh-failed",
  "refresh-timed-out": "irsa-credentials:refresh-timed-out",
  backoff: "irsa-credentials:backoff",
  "error-cached": "irsa-credentials:error-cached",
  invalidated: "irsa-credentials:invalidated",
  "clock-skew": "irsa-credentials:clock-skew",
} as const satisfies Record<CredentialCacheEvent["type"], string>;

/** One of the channel names in {@link DIAGNOSTICS_CHANNELS}. */
export type DiagnosticsChannelName = (typeof DIAGNOSTICS_CHANNELS)[keyof typeof DIAGNOSTICS_CHANNELS];

// Channels are looked up once: `channel(name)` returns the same object for a name process-wide,
// so two copies of this package publish on the same channels.
const channels = new Map<CredentialCacheEvent["type"], Channel>();

function channelFor(type: CredentialCacheEvent["type"]): Channel | undefined {
  let found = channels.get(type);
  if (found === undefined) {
    const name = DIAGNOSTICS_CHANNELS[type];
    if (name === undefined) return undefined;
    found = channel(name);
    channels.set(type, found);
  }
  return found;
}

/**
 * Publishes an engine event on its channel, only when someone subscribed (no cost otherwise). A
 * throwing subscriber never reaches the refresh: `publish` runs every subscriber, and Node itself
 * reports a subscriber's error later as an uncaught exception (as for its own http and undici
 * channels), never to the publisher; anything else thrown here is swallowed.
 *
 * @internal
 */
export function publishEngineEvent(event: CredentialCacheEvent): void {
  try {
    const target = channelFor(event.type);
    if (target === undefined || !target.hasSubscribers) return;
    target.publish(event);
  } catch {
    // An observer must never break a refresh.
  }
}
