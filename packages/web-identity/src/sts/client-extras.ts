import type { Pluggable } from "@smithy/types";
import type { CallerClientConfig } from "./caller-client-config.js";
import type { ProfileSettings } from "../sources/web-identity/shared-config.js";

/**
 * What a provider adds beyond `clientConfig`: the SDK's `clientPlugins`, the calling client's
 * config and the shared-config profile. It rides on the provider's own copy of
 * `clientConfig` under a symbol (not enumerable, so never spread into an STS client's config,
 * never in `Object.keys`), so the source hands it to the client holder unchanged.
 */
export interface StsClientExtras {
  readonly plugins: readonly Pluggable<any, any>[];
  readonly caller?: CallerClientConfig;
  /** The active shared-config profile, loaded before each fetch (its region and web-identity settings). */
  readonly sharedConfig?: { current?: ProfileSettings };
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
