// presignRequest: @smithy/signature-v4's presign for any service, signing with a credential set
// valid for the whole `expiresIn`.
import type { HttpRequest } from "@smithy/protocol-http";
import type { AwsCredentialIdentityProvider, ChecksumConstructor, HashConstructor } from "@smithy/types";
import { DEFAULT_PRESIGNED_EXPIRES_IN_SECONDS, MAX_PRESIGNED_EXPIRES_IN_SECONDS, PRESIGN_MARGIN_MS } from "./get-signed-url.js";
import { IamAuthConfigurationError } from "./errors.js";
import { checkKnownOptions, optionalInteger, requireString } from "./init-checks.js";
import { sharedSigningCredentials } from "./signing-credentials.js";

/** Options of {@link presignRequest}. */
export interface PresignRequestOptions {
  /** Credentials to sign with, normally a provider from `@irsa/web-identity`. Required. */
  credentials: AwsCredentialIdentityProvider;
  /** Signing region (`us-east-1`). Required. */
  region: string;
  /** Signing service (`execute-api`, `rds-db`, `elasticache`, ...). Required. */
  service: string;
  /** Seconds the request is valid, 1 to 604800. Default 900. The signing set is valid at least this long (plus 5 s). */
  expiresIn?: number;
  /** Hash constructor for SHA-256. Default `@smithy/hash-node`'s. */
  sha256?: ChecksumConstructor | HashConstructor;
  /** Whether to URI-escape the path (false for S3). Default true. */
  uriEscapePath?: boolean;
  /** Whether to compute the payload checksum. Default true. */
  applyChecksum?: boolean;
  /** The date of the signature. Default now. */
  signingDate?: Date;
  /** Headers never signed. */
  unsignableHeaders?: Set<string>;
  /** Headers to sign besides the required ones. */
  signableHeaders?: Set<string>;
}

const FN = "presignRequest";
const KNOWN_OPTIONS = [
  "credentials",
  "region",
  "service",
  "expiresIn",
  "sha256",
  "uriEscapePath",
  "applyChecksum",
  "signingDate",
  "unsignableHeaders",
  "signableHeaders",
] as const;

/**
 * Presigns `request` (query-string SigV4) with `@smithy/signature-v4`, for any service, with a
 * credential set still valid for the whole `expiresIn`: the request never dies before the expiry
 * it claims. A lifetime no set of the configuration can back is refused with an
 * {@link IamAuthConfigurationError} (code `HorizonUnmeetable`).
 *
 * @example
 * ```ts
 * const request = new HttpRequest({ method: "GET", protocol: "https:", hostname: "api.example.com", path: "/items", headers: { host: "api.example.com" } });
 * const signed = await presignRequest(request, { credentials: fromWebIdentity(), region: "eu-west-1", service: "execute-api", expiresIn: 600 });
 * ```
 */
export async function presignRequest(request: HttpRequest, options: PresignRequestOptions): Promise<HttpRequest> {
  const init = checkKnownOptions(FN, options, KNOWN_OPTIONS) as Partial<PresignRequestOptions>;
  if (typeof init.credentials !== "function") {
    throw new IamAuthConfigurationError(`${FN}: credentials is required: a credential provider such as fromWebIdentity().`, {
      code: init.credentials === undefined ? "MissingOption" : "InvalidOption",
      option: "credentials",
    });
  }
  const region = requireString(FN, "region", init.region, "the signing region, e.g. us-east-1");
  const service = requireString(FN, "service", init.service, "the signing service, e.g. execute-api");
  const expiresIn = optionalInteger(FN, "expiresIn", init.expiresIn, {
    min: 1,
    max: MAX_PRESIGNED_EXPIRES_IN_SECONDS,
    fallback: DEFAULT_PRESIGNED_EXPIRES_IN_SECONDS,
    unit: "seconds",
  });
  const credentials = sharedSigningCredentials(init.credentials, expiresIn * 1000 + PRESIGN_MARGIN_MS, {
    fn: FN,
    option: "expiresIn",
    what: `a request valid for expiresIn ${expiresIn} s`,
  });
  // Loaded on first use: importing this package costs no more than @irsa/web-identity.
  const [{ SignatureV4 }, { Hash }] = await Promise.all([import("@smithy/signature-v4"), import("@smithy/hash-node")]);
  const signer = new SignatureV4({
    credentials,
    region,
    service,
    sha256: init.sha256 ?? Hash.bind(null, "sha256"),
    ...(init.uriEscapePath !== undefined ? { uriEscapePath: init.uriEscapePath } : {}),
    ...(init.applyChecksum !== undefined ? { applyChecksum: init.applyChecksum } : {}),
  });
  return (await signer.presign(request, {
    expiresIn,
    ...(init.signingDate !== undefined ? { signingDate: init.signingDate } : {}),
    ...(init.unsignableHeaders !== undefined ? { unsignableHeaders: init.unsignableHeaders } : {}),
    ...(init.signableHeaders !== undefined ? { signableHeaders: init.signableHeaders } : {}),
  })) as HttpRequest;
}
