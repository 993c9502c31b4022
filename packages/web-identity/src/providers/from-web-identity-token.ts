import { ConfigurationError } from "../shared/errors.js";
import type { WebIdentitySourceSeams } from "../sources/web-identity/web-identity-source.js";
import { createWebIdentityProvider, type WebIdentityCredentialProvider } from "./from-web-identity.js";
import type { FromWebIdentityInit, WebIdentityTokenInput } from "./provider-inits.js";

/** Options of `fromWebIdentityToken`: those of `fromWebIdentity`, with the token given instead of a file. */
export interface FromWebIdentityTokenInit extends Omit<FromWebIdentityInit, "webIdentityToken" | "webIdentityTokenFile" | "roleArn"> {
  /** The token (a JWT), or an (async) function returning the current one, called before every STS call. */
  webIdentityToken: WebIdentityTokenInput;
  /** ARN of the role to assume (required, as in the SDK's `fromWebToken`: no variable is read for it). */
  roleArn: string;
}

/**
 * The AWS SDK's `fromWebToken` under our refresh engine: the token is given by value or by a
 * function (a token from another identity provider, a secret store, ...), not read from a file.
 *
 * @example
 * const credentials = fromWebIdentityToken({ roleArn, webIdentityToken: () => vault.readToken() });
 */
export function fromWebIdentityToken(init: FromWebIdentityTokenInit): WebIdentityCredentialProvider {
  return createWebIdentityTokenProvider(init);
}

/** `fromWebIdentityToken` with internal seams for tests. */
export function createWebIdentityTokenProvider(init: FromWebIdentityTokenInit, seams: WebIdentitySourceSeams = {}): WebIdentityCredentialProvider {
  const given = init as Partial<FromWebIdentityTokenInit> | undefined;
  if (given?.webIdentityToken === undefined) {
    throw new ConfigurationError("fromWebIdentityToken: the option `webIdentityToken` is required (the token, or a function returning it).");
  }
  if (typeof given.roleArn !== "string" || given.roleArn.trim() === "") {
    throw new ConfigurationError("fromWebIdentityToken: the option `roleArn` is required (the ARN of the IAM role to assume).");
  }
  if ((init as FromWebIdentityInit).webIdentityTokenFile !== undefined) {
    throw new ConfigurationError("fromWebIdentityToken: `webIdentityTokenFile` is not an option here; use fromWebIdentity for a token file.");
  }
  return createWebIdentityProvider(init, seams);
}
