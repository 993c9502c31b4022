import type { Pluggable } from "@smithy/types";
import type { CallerClientConfig } from "./caller-client-config.js";

/**
 * What a provider adds to the STS client it builds beyond `clientConfig`: the SDK's
 * `clientPlugins` and the calling client's config. It rides on the provider's own copy of
 * `clientConfig` under a symbol (not enumerable, so never spread into an STS client's config,
 * never in `Object.keys`), so the source hands it to the client holder unchanged.
 */
export interface StsClientExtras {
  readonly plugins: readonly Pluggable<any, any>[];
  readonly caller?: CallerClientConfig;
}

const EXTRAS = Symbol("irsa.stsClientExtras");

/** A copy of `clientConfig` carrying `extras`. */
export function withStsClientExtras<T extends object>(clientConfig: T, extras: StsClientExtras): T {
  return Object.defineProperty({ ...clientConfig }, EXTRAS, { value: extras, enumerable: false });
}

/** The extras attached to `clientConfig`, if any. */
export function stsClientExtrasOf(clientConfig: object | undefined): StsClientExtras | undefined {
  return clientConfig === undefined ? undefined : (clientConfig as { [EXTRAS]?: StsClientExtras })[EXTRAS];
}
