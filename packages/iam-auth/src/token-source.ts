// A password function's source of tokens: a given token provider, or one built from an init.
import { createRdsAuthTokenProvider, type RdsAuthTokenProvider, type RdsAuthTokenProviderInit } from "./rds-auth-token-provider.js";

/** A token provider to share, or the options to build one. */
export type RdsTokenSource = RdsAuthTokenProvider | RdsAuthTokenProviderInit;

/** The provider itself when given one, else a new one built from the options. */
export function tokenProviderOf(source: RdsTokenSource): RdsAuthTokenProvider {
  return typeof source === "function" ? source : createRdsAuthTokenProvider(source);
}
