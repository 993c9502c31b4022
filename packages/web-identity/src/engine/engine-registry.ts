// One engine per configuration per process. The registry lives on globalThis under a
// Symbol.for key, so two copies of this package (two versions in node_modules, ESM and CJS)
// find each other's engines. It holds only WeakRefs: an engine nobody references is collected,
// and the FinalizationRegistry of each provider gives its share back when the provider is.

import type { AwsCredentialIdentity } from "@smithy/types";
import type { CredentialCacheStats } from "./cache-types.js";
import type { EngineObserver } from "./engine-observers.js";

/** The registry's key on globalThis. Versioned: a later incompatible shape takes a new key. */
export const ENGINE_REGISTRY_KEY = Symbol.for("irsa-credentials.engines.v1");

/**
 * What a registered engine offers a provider, from whichever copy of the package built it.
 * Keep this shape stable under the v1 key.
 */
export interface SharedEngine {
  /** `horizonMs`: the caller's minimum validity (engines built by older copies ignore it; the wrapper checks). */
  get(identityProperties?: Record<string, unknown>, horizonMs?: number): Promise<AwsCredentialIdentity>;
  /** Adds a consumer's minimum validity to the schedule; returns its removal. Absent in older copies. */
  addHorizon?(horizonMs: number): () => void;
  refresh(): Promise<AwsCredentialIdentity>;
  invalidate(accessKeyId: string): void;
  peek(): { credentials?: AwsCredentialIdentity; wouldBlock: boolean };
  stats(): CredentialCacheStats & Record<string, unknown>;
  observe(observer: EngineObserver): () => void;
  /** Counts one more provider. */
  retain(): void;
  /** Gives one provider's share back; the last one closes the engine and its source. */
  releaseShare(): void;
}

interface Registry {
  readonly engines: Map<string, WeakRef<SharedEngine>>;
  readonly collected: FinalizationRegistry<string>;
}

function registry(): Registry {
  const holder = globalThis as { [ENGINE_REGISTRY_KEY]?: Registry };
  let found = holder[ENGINE_REGISTRY_KEY];
  if (found === undefined) {
    const engines = new Map<string, WeakRef<SharedEngine>>();
    const collected = new FinalizationRegistry<string>((key) => {
      if (engines.get(key)?.deref() === undefined) engines.delete(key);
    });
    found = { engines, collected };
    Object.defineProperty(holder, ENGINE_REGISTRY_KEY, { value: found, enumerable: false, configurable: true });
  }
  return found;
}

/** The engine registered under `key`, or the one `create` builds (then registered). */
export function sharedEngine(key: string, create: (unregister: () => void) => SharedEngine): SharedEngine {
  const { engines, collected } = registry();
  const existing = engines.get(key)?.deref();
  if (existing !== undefined) return existing;
  const engine = create(() => {
    if (engines.get(key)?.deref() === engine) engines.delete(key);
  });
  engines.set(key, new WeakRef(engine));
  collected.register(engine, key);
  return engine;
}

/** How many engines the registry holds now (for tests and stats). */
export function registeredEngines(): number {
  let count = 0;
  for (const ref of registry().engines.values()) if (ref.deref() !== undefined) count++;
  return count;
}
