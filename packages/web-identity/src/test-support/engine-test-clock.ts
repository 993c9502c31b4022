// Test support for the engine's tests (never imported by the package, so never built into it;
// only web-identity's tests use it, so it stays here rather than in @irsa/testing): the injected
// clock, fake setTimeout/clearTimeout/Date from T0, and every provider a test made closed after it.
import type { ScriptedSource } from "@irsa/testing";
import { afterEach, beforeEach, vi } from "vitest";
import type { CachedCredentialProvider, CredentialCacheOptions } from "../engine/cache-types.js";
import { withCredentialCache } from "../engine/cached-provider.js";

export const T0 = Date.UTC(2030, 0, 1);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/**
 * Installs the clock for the calling test file and returns `cache(source, options)`, a
 * `withCredentialCache` over a scripted source with `defaults` (then `options`) applied, closed
 * after each test.
 */
export function useEngineClock(defaults: CredentialCacheOptions = {}) {
  const providers: CachedCredentialProvider[] = [];
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    for (const provider of providers.splice(0)) provider.close();
    vi.useRealTimers();
  });
  return {
    providers,
    cache(source: ScriptedSource, options: CredentialCacheOptions = {}): CachedCredentialProvider {
      const provider = withCredentialCache(source.provider, { proactive: false, ...defaults, ...options });
      providers.push(provider);
      return provider;
    },
  };
}
