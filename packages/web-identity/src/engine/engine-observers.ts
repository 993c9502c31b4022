// The observers of one engine: each provider sharing it adds its own logger and onEvent, and
// each sees every event. None of them can break a refresh: a throwing or rejecting observer is
// caught (the logger through the safe logger, onEvent here).

import type { CredentialCacheEvent } from "./cache-types.js";
import type { LogLevel } from "./engine-log.js";
import { errorName } from "./identity-check.js";
import { isThenable, safeLogger, type Logger } from "../shared/logger.js";

/** One provider's observers. */
export interface EngineObserver {
  readonly logger: Required<Logger>;
  readonly onEvent?: (event: CredentialCacheEvent) => unknown;
}

/** The observers of `options`, for the provider that passed them. */
export function observerOf(options: { logger?: Logger; onEvent?: (event: CredentialCacheEvent) => unknown }): EngineObserver {
  return { logger: safeLogger(options.logger), onEvent: options.onEvent };
}

export class EngineObservers {
  private readonly observers = new Set<EngineObserver>();

  /** Adds a provider's observers; returns the function that removes them. */
  add(observer: EngineObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /** Gives `event` (and its log line, if any) to every observer. */
  publish(event: CredentialCacheEvent, line: { level: LogLevel; message: string } | undefined): void {
    for (const observer of this.observers) {
      if (line !== undefined) observer.logger[line.level](line.message);
      if (observer.onEvent !== undefined) notify(observer, event);
    }
  }
}

/** Calls `onEvent`; a throw or a rejected promise is caught and logged, never unhandled. */
function notify(observer: EngineObserver, event: CredentialCacheEvent): void {
  const complain = (error: unknown) => observer.logger.warn(`onEvent failed on "${event.type}", ignored: ${errorName(error)}`);
  try {
    const result = observer.onEvent!(event);
    if (isThenable(result)) result.then(undefined, complain);
  } catch (error) {
    complain(error);
  }
}
