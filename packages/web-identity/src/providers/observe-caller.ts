import type { CallerClientConfig } from "../sts/caller-client-config.js";

/**
 * The provider, seeing each call's identity properties first: v3 clients pass their config there
 * (`callerClientConfig`), which decides STS's region and request handler when nothing else does.
 * Only the first such call waits (to resolve the client's region); the rest go straight through.
 * The provider's own properties (`refresh`, `close`, `stats`, ...) are carried over unchanged.
 */
export function observeCaller<P extends (identityProperties?: Record<string, unknown>) => Promise<unknown>>(
  provider: P,
  caller: CallerClientConfig,
): P {
  const observed = (identityProperties?: Record<string, unknown>) => {
    const deciding = caller.observe(identityProperties);
    return deciding === undefined ? provider(identityProperties) : deciding.then(() => provider(identityProperties));
  };
  const { length: _length, name: _name, prototype: _prototype, ...own } = Object.getOwnPropertyDescriptors(provider);
  return Object.defineProperties(observed, own) as unknown as P;
}
