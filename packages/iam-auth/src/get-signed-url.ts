// getSignedUrl over @aws-sdk/s3-request-presigner's own, signing with a credential set that is
// valid for the whole `expiresIn`: the URL lives as long as it claims, or the call is refused.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { IamAuthConfigurationError } from "./errors.js";
import { checkKnownOptions, optionalFunction, optionalInteger } from "./init-checks.js";
import { loadPeer, type PeerLoader } from "./peer-loader.js";
import { sharedSigningCredentials } from "./signing-credentials.js";

/** Default `expiresIn` of a presigned URL, seconds: the SDK presigner's default. */
export const DEFAULT_PRESIGNED_EXPIRES_IN_SECONDS = 900;
/** Longest `expiresIn` SigV4 allows, seconds (7 days); credential sets live at most 12 h anyway. */
export const MAX_PRESIGNED_EXPIRES_IN_SECONDS = 604_800;
/** Extra life asked of the set beyond `expiresIn`, for the time between hand-over and signing. */
export const PRESIGN_MARGIN_MS = 5_000;

/** The part of a v3 client the presigner reads: its resolved config and middleware stack. */
export interface PresignableClient {
  /** The client's resolved configuration (`client.config`). */
  readonly config: object;
  /** The client's middleware stack (`client.middlewareStack`). */
  readonly middlewareStack: unknown;
}

/** Options of {@link getSignedUrl}: the SDK presigner's options, plus `credentials`. */
export interface GetSignedUrlOptions {
  /** Seconds the URL is valid, 1 to 604800. Default 900. The signing set is valid at least this long (plus 5 s). */
  expiresIn?: number;
  /**
   * Credentials to sign with, normally a provider from `@irsa/web-identity` (its engine then renews
   * in the background before `expiresIn`). Default: the client's own `config.credentials`, whose
   * sets are checked and, when too short, refreshed once with `forceRefresh`, else refused.
   */
  credentials?: AwsCredentialIdentityProvider;
  /** As in the SDK presigner: the date of the signature. Default now. */
  signingDate?: Date;
  /** As in the SDK presigner: headers to sign besides the required ones. */
  signableHeaders?: Set<string>;
  /** As in the SDK presigner: headers never signed. */
  unsignableHeaders?: Set<string>;
  /** As in the SDK presigner: headers to move into the query string. */
  hoistableHeaders?: Set<string>;
  /** As in the SDK presigner: headers to keep as headers. */
  unhoistableHeaders?: Set<string>;
  /** As in the SDK presigner: the signing region. Default the client's. */
  signingRegion?: string;
  /** As in the SDK presigner: the signing service. Default the client's. */
  signingService?: string;
  /** Loads `@aws-sdk/s3-request-presigner` (a {@link PeerLoader}; tests simulate a missing peer). Default a dynamic `import()`. */
  loadPeer?: PeerLoader;
}

const FN = "getSignedUrl";
const PRESIGNER_PACKAGE = "@aws-sdk/s3-request-presigner";
const KNOWN_OPTIONS = [
  "expiresIn",
  "credentials",
  "signingDate",
  "signableHeaders",
  "unsignableHeaders",
  "hoistableHeaders",
  "unhoistableHeaders",
  "signingRegion",
  "signingService",
  "loadPeer",
] as const;

type SdkGetSignedUrl = (client: unknown, command: unknown, options: Record<string, unknown>) => Promise<string>;

/**
 * A presigned URL for `command` (an S3 command such as `GetObjectCommand`), made by
 * `@aws-sdk/s3-request-presigner`'s own `getSignedUrl` with a credential set still valid for the
 * whole `expiresIn`: the URL never dies before the expiry it claims. A URL no set of the
 * configuration can back (2 hours on 1-hour sets) is refused with an
 * {@link IamAuthConfigurationError} (code `HorizonUnmeetable`) naming `durationSeconds`.
 *
 * @example
 * ```ts
 * const credentials = fromWebIdentity();
 * const s3 = new S3Client({ credentials });
 * const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket, Key }), { expiresIn: 1800, credentials });
 * ```
 */
export async function getSignedUrl(client: PresignableClient, command: object, options: GetSignedUrlOptions = {}): Promise<string> {
  const init = checkKnownOptions(FN, options, KNOWN_OPTIONS) as GetSignedUrlOptions;
  const config = (client as { config?: { credentials?: unknown } } | undefined)?.config;
  if (typeof config !== "object" || config === null || (client as { middlewareStack?: unknown }).middlewareStack === undefined) {
    throw new IamAuthConfigurationError(`${FN}: the first argument must be an AWS SDK v3 client (such as an S3Client).`, {
      code: "InvalidOption",
      option: "client",
    });
  }
  const expiresIn = optionalInteger(FN, "expiresIn", init.expiresIn, {
    min: 1,
    max: MAX_PRESIGNED_EXPIRES_IN_SECONDS,
    fallback: DEFAULT_PRESIGNED_EXPIRES_IN_SECONDS,
    unit: "seconds",
  });
  const given = optionalFunction<AwsCredentialIdentityProvider>(FN, "credentials", init.credentials, "a credential provider such as fromWebIdentity()");
  const credentials = given ?? clientCredentials(config.credentials);
  const signing = sharedSigningCredentials(credentials, expiresIn * 1000 + PRESIGN_MARGIN_MS, {
    fn: FN,
    option: "expiresIn",
    what: `a URL valid for expiresIn ${expiresIn} s`,
  });
  const loader = optionalFunction<PeerLoader>(FN, "loadPeer", init.loadPeer, "a module loader");
  const { loadPeer: _loadPeer, credentials: _credentials, ...presignerOptions } = init;
  const presigner = await loadPeer<{ getSignedUrl: SdkGetSignedUrl }>({ packageName: PRESIGNER_PACKAGE, neededBy: FN, loader });
  // The SDK's presigner signs with `config.credentials`; the middleware stack is the client's own.
  const signingClient = { config: { ...config, credentials: signing }, middlewareStack: client.middlewareStack };
  return presigner.getSignedUrl(signingClient, command, { ...presignerOptions, expiresIn });
}

function clientCredentials(credentials: unknown): AwsCredentialIdentityProvider {
  if (typeof credentials !== "function") {
    throw new IamAuthConfigurationError(
      `${FN}: the client has no credential provider; pass options.credentials (for example fromWebIdentity()) or build the client with one.`,
      { code: "MissingOption", option: "credentials" },
    );
  }
  return credentials as AwsCredentialIdentityProvider;
}
