// A kafkajs `oauthBearerProvider` for MSK IAM access control, on aws-msk-iam-sasl-signer-js'
// generateAuthTokenFromCredentialsProvider (loaded on first use) and the shared engine. The signer
// shortens a token to its set's remaining life; our provider is wrapped with a minimum validity
// of the token's 15 minutes plus a margin, so every token has its full life. fromWebIdentity keeps
// one session name per provider, so re-authentication never changes the principal.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { hideSecrets } from "../connections/hide-secrets.js";
import { peerModule, type PeerLoader } from "../peer-loader.js";
import { signingRegion } from "../connections/options.js";
import { checkKnownOptions, optionalFunction } from "../init-checks.js";
import { ownedSigningCredentials } from "../signing-credentials.js";

/** How long an MSK token lives, seconds (the signer's fixed expiry). */
export const MSK_TOKEN_EXPIRES_SECONDS = 900;
/** The peer package that signs MSK tokens. */
export const MSK_SIGNER_PACKAGE = "aws-msk-iam-sasl-signer-js";

/** Options of {@link createMskOAuthBearerProvider}. */
export interface MskOAuthBearerInit {
  /** The cluster's region. Default `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
  region?: string;
  /** Credentials to sign with. Default `fromWebIdentity()` (the shared engine). */
  credentials?: AwsCredentialIdentityProvider;
  /** Loads `aws-msk-iam-sasl-signer-js` (a {@link PeerLoader}; tests simulate a missing peer). Default a dynamic `import()`. */
  loadPeer?: PeerLoader;
}

/** What kafkajs' `sasl.oauthBearerProvider` returns. */
export interface MskOAuthBearerToken {
  /** The token: base64url of a presigned `kafka-cluster:Connect` URL. */
  value: string;
}

/** A kafkajs `oauthBearerProvider`, plus `close()`. */
export interface MskOAuthBearerProvider {
  /** A token with its full 15 minutes, signed by a set that outlives it. */
  (): Promise<MskOAuthBearerToken>;
  /** Tokens made so far. */
  readonly tokensSigned: number;
  /** Gives the minimum validity back to the engine. */
  close(): void;
}

interface MskSignerModule {
  generateAuthTokenFromCredentialsProvider(options: { region: string; awsCredentialsProvider: AwsCredentialIdentityProvider }): Promise<{ token: string; expiryTime: number }>;
}

const HELPER = "createMskOAuthBearerProvider";
const KNOWN = ["region", "credentials", "loadPeer"];

/**
 * Creates a kafkajs `oauthBearerProvider` for Amazon MSK with IAM access control.
 *
 * @example
 * ```ts
 * const kafka = new Kafka({ brokers, ssl: true, sasl: { mechanism: "oauthbearer", oauthBearerProvider: createMskOAuthBearerProvider() } });
 * ```
 */
export function createMskOAuthBearerProvider(init: MskOAuthBearerInit = {}): MskOAuthBearerProvider {
  checkKnownOptions(HELPER, init, KNOWN);
  const region = signingRegion(HELPER, init.region);
  const loader = optionalFunction<PeerLoader>(HELPER, "loadPeer", init.loadPeer, "a module loader");
  const signer = peerModule<MskSignerModule>({ packageName: MSK_SIGNER_PACKAGE, neededBy: "The MSK token provider", loader });
  const credentials = ownedSigningCredentials(init.credentials, MSK_TOKEN_EXPIRES_SECONDS * 1000, { fn: HELPER, what: "a 15-minute MSK token" });
  let tokensSigned = 0;
  const provider = async (): Promise<MskOAuthBearerToken> => {
    const { generateAuthTokenFromCredentialsProvider } = await signer();
    const { token } = await generateAuthTokenFromCredentialsProvider({ region, awsCredentialsProvider: credentials });
    tokensSigned += 1;
    return { value: token };
  };
  Object.defineProperties(provider, {
    tokensSigned: { get: () => tokensSigned, enumerable: true },
    close: { value: () => credentials.close() },
  });
  return hideSecrets(provider as MskOAuthBearerProvider, () => ({ region, tokensSigned }));
}
