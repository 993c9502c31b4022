// The provider object around an engine: `withCredentialCache`, and the extension point of the
// providers built on the engine (fromWebIdentity, the chain). Providers of the same
// configuration share one engine (engine-registry.ts); each keeps its own logger and onEvent.

import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { resolveCacheOptions } from "./cache-options.js";
import type { CachedCredentialProvider, CredentialCacheEvent, CredentialCacheOptions, CredentialCacheStats } from "./cache-types.js";
import { configurationKey } from "./configuration-key.js";
import { sharedEngine, type SharedEngine } from "./engine-registry.js";
import { observerOf } from "./engine-observers.js";
import { RefreshEngine } from "./refresh-engine.js";
import type { MemberEngine } from "../sharing/group-member.js";
import { MINIMUM_VALIDITY_HOOK, type MinimumValidityHook } from "./minimum-validity-hook.js";

/**
 * Wraps `source` in the refresh engine. The result is usable as `credentials` in any AWS SDK v3
 * client and adds `refresh()`, `invalidate(accessKeyId)`, `close()`, `stats` and `peek()`.
 * Wrapping the same source with the same options again shares the engine (`shared: false`
 * opts out). Throws a `ConfigurationError` for an invalid option.
 *
 * @example
 * ```ts
 * import { fromIni } from "@aws-sdk/credential-providers";
 * const credentials = withCredentialCache(fromIni({ profile: "ci" }));
 * const s3 = new S3Client({ credentials });
 * ```
 */
export function withCredentialCache(source: AwsCredentialIdentityProvider, options?: CredentialCacheOptions): CachedCredentialProvider {
  if (typeof source !== "function") {
    throw new TypeError("withCredentialCache(source) needs a credential provider function as its source.");
  }
  return sharedProvider({ kind: "withCredentialCache", init: options ?? {}, keyParts: [source], build: () => ({ source }) });
}

/**
 * What a provider built on the engine adds to it: resources of its source that closing
 * releases, facts of its source shown in `stats`, and a way for the source to report its own
 * events (a clock skew, say) into the engine's fan-out and to clear a cached error when its
 * inputs change (a rotated token), and the engine itself (a group's leader answers from it).
 * `attach` is called once, when the engine is created.
 */
export interface CachedProviderExtension<Facts extends object> {
  close?(): void;
  facts?(): Facts;
  attach?(report: (event: CredentialCacheEvent) => void, controls: { resetFailures(): void; readonly engine: MemberEngine }): void;
  /**
   * Sees each call's identity properties before the engine does (v3 clients pass their config
   * there); a promise delays that call until the source has taken what it needs from them.
   */
  observeCall?(identityProperties: Record<string, unknown> | undefined): Promise<void> | undefined;
}

export interface SharedProviderInit<Facts extends object> {
  /** Which factory: providers of different kinds never share. */
  readonly kind: string;
  readonly init: CredentialCacheOptions;
  /** Parts of the configuration outside `init` (the wrapped source, test seams), by identity. */
  readonly keyParts?: readonly unknown[];
  /** The environment the source reads. Default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The longest life the configuration can give a set, ms, when known at construction (checked against minimum validities). */
  readonly maxLifetimeMs?: number;
  /** Builds the source, only when no engine of this configuration exists. */
  build(): { source: AwsCredentialIdentityProvider; extension?: CachedProviderExtension<Facts> };
}

type ProviderWith<Facts> = CachedCredentialProvider & { readonly stats: CredentialCacheStats & Facts };

/** Per provider: what its collection gives back (never the provider itself). */
interface Share {
  readonly engine: SharedEngine;
  readonly detach: () => void;
}
const shares = new FinalizationRegistry<Share>((share) => {
  share.detach();
  share.engine.releaseShare();
});

/** A provider on the engine of its configuration: the registered one, or a new one. */
export function sharedProvider<Facts extends object = object>(spec: SharedProviderInit<Facts>): ProviderWith<Facts> {
  const options = resolveCacheOptions(spec.init);
  const create = (unregister: () => void) => createEngine(spec, options, unregister);
  const engine = options.shared
    ? sharedEngine(configurationKey(spec.kind, spec.init, spec.env ?? process.env, spec.keyParts), create)
    : create(() => {});
  engine.retain();
  const share: Share = { engine, detach: engine.observe(observerOf(spec.init)) };
  const provider = ((identityProperties?: Record<string, unknown>) => engine.get(identityProperties)) as ProviderWith<Facts>;
  let closed = false;
  Object.defineProperties(provider, {
    refresh: { value: () => engine.refresh(), enumerable: true },
    invalidate: { value: (accessKeyId: string) => engine.invalidate(accessKeyId), enumerable: true },
    close: {
      value: () => {
        if (closed) return;
        closed = true;
        shares.unregister(share);
        share.detach();
        engine.releaseShare();
      },
      enumerable: true,
    },
    peek: { value: () => engine.peek(), enumerable: true },
    stats: { get: () => engine.stats(), enumerable: true },
    [MINIMUM_VALIDITY_HOOK]: { value: minimumValidityHook(engine, spec.maxLifetimeMs) },
  });
  shares.register(provider, share, share);
  return provider;
}

function minimumValidityHook(engine: SharedEngine, maxLifetimeMs: number | undefined): MinimumValidityHook {
  return {
    get: (identityProperties, horizonMs) => engine.get(identityProperties, horizonMs),
    addHorizon: engine.addHorizon === undefined ? undefined : (horizonMs) => engine.addHorizon!(horizonMs),
    maxLifetimeMs,
  };
}

function createEngine<Facts extends object>(
  spec: SharedProviderInit<Facts>,
  options: ReturnType<typeof resolveCacheOptions>,
  unregister: () => void,
): SharedEngine {
  const { source, extension = {} } = spec.build();
  const engine = new RefreshEngine(source, options, () => extension.close?.());
  extension.attach?.((event) => engine.emit(event, true), { resetFailures: () => engine.resetFailures(), engine });
  let refs = 0;
  return {
    get: extension.observeCall === undefined
      ? (identityProperties, horizonMs) => engine.get(identityProperties, horizonMs)
      : (identityProperties, horizonMs) => {
          const deciding = extension.observeCall!(identityProperties);
          return deciding === undefined ? engine.get(identityProperties, horizonMs) : deciding.then(() => engine.get(identityProperties, horizonMs));
        },
    addHorizon: (horizonMs) => engine.addHorizon(horizonMs),
    refresh: () => engine.refresh(),
    invalidate: (accessKeyId) => engine.invalidate(accessKeyId),
    peek: () => engine.peek(),
    stats: () => ({ ...engine.stats(), ...extension.facts?.() }),
    observe: (observer) => engine.observe(observer),
    retain: () => {
      refs++;
    },
    releaseShare: () => {
      refs--;
      if (refs > 0) return;
      unregister();
      engine.close();
    },
  };
}

/** `withCredentialCache` with an extension, never shared (kept for providers not yet keyed). */
export function cachedProvider<Facts extends object = object>(
  source: AwsCredentialIdentityProvider,
  options: CredentialCacheOptions | undefined,
  extension: CachedProviderExtension<Facts> = {},
): ProviderWith<Facts> {
  return sharedProvider({ kind: "cachedProvider", init: { ...options, shared: false }, build: () => ({ source, extension }) });
}
