import { boundedServiceText } from "./error-text.js";

/**
 * What an `AssumeRoleWithWebIdentity` failure means, from any spelling of it: the v3 client's
 * modeled exception names (`InvalidIdentityTokenException`), the wire codes
 * (`InvalidIdentityToken`), the raw `Code`, `$metadata.httpStatusCode`, or a Node socket error.
 */
export type StsErrorAction =
  /** Read the token again; if kubelet rotated it, try once more at once. */
  | "reread-token"
  /** Transient: retry with jittered backoff within the fetch. */
  | "retry"
  /** Retrying cannot help until someone changes something: fail at once. */
  | "fail";

export interface StsErrorClassification {
  action: StsErrorAction;
  /** Normalised code: the modeled `Exception` suffix removed. */
  code: string;
  httpStatus?: number;
  requestId?: string;
  /** The service's message (STS never echoes the token back). */
  message: string;
  /** What to check, for the error message; empty when nothing specific applies. */
  hint: string;
}

/** Codes that mean "try again shortly". */
const TRANSIENT_CODES = new Set([
  "IDPCommunicationError",
  "Throttling",
  "RequestLimitExceeded",
  "TooManyRequests",
  "ServiceUnavailable",
  "InternalFailure",
  "InternalError",
  "InternalServerError",
  "RequestTimeout",
  "TimeoutError",
  "AbortError",
  "MalformedResponse",
]);

/** Node socket / DNS errors: the request may not have reached STS. */
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EAI_AGAIN",
  "ENOTFOUND",
  "UND_ERR_SOCKET",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

const HINT_TRUST =
  "check that IAM has an OpenID Connect provider for the token's issuer (iss), and that the role's trust policy " +
  "allows sts:AssumeRoleWithWebIdentity for that provider with conditions matching the token's sub " +
  "(system:serviceaccount:NAMESPACE:NAME) and aud (sts.amazonaws.com)";

/** Specific advice per code; anything else gets the generic trust-policy hint when it is a 4xx. */
const HINTS: Record<string, string> = {
  AccessDenied: HINT_TRUST,
  IDPRejectedClaim: `the identity provider rejected a claim; ${HINT_TRUST}`,
  InvalidIdentityToken:
    "check the token's aud (the projected volume's audience must be one the OIDC provider in IAM lists, usually " +
    "sts.amazonaws.com) and that IAM has an OpenID Connect provider for its iss",
  ExpiredToken: "the token expired before STS saw it: check that the token file is rotated and the node's clock",
  ValidationError: "a parameter was rejected: check the role ARN, session name, duration and policy options",
  MalformedPolicyDocument: "the session policy (`policy`) is not valid IAM policy JSON",
  PackedPolicyTooLarge: "the session policies (`policy`, `policyArns`) are too large: shorten them",
  RegionDisabled: "STS is not activated in this region for the account: activate it in IAM account settings or set another region",
  IDPCommunicationError: "STS could not reach the identity provider's OIDC discovery/JWKS endpoint",
  MalformedResponse:
    "the answer was larger than 64 KiB or could not be parsed: check the STS endpoint (clientConfig.endpoint / AWS_ENDPOINT_URL_STS) and any proxy in between",
  Throttling: "STS is throttling this account: fewer refreshes (a shared provider, longer durationSeconds) help",
};

function errorField(error: unknown, field: string): unknown {
  return typeof error === "object" && error !== null ? (error as Record<string, unknown>)[field] : undefined;
}

function stringField(error: unknown, field: string): string | undefined {
  const value = errorField(error, field);
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** `IDPCommunicationErrorException` and `IDPCommunicationError` are the same error. */
export function normaliseStsCode(code: string): string {
  return code.endsWith("Exception") && code !== "Exception" ? code.slice(0, -"Exception".length) : code;
}

function rawCode(error: unknown): string {
  const nested = errorField(error, "Error");
  return (
    stringField(error, "Code") ??
    stringField(nested, "Code") ??
    stringField(error, "code") ??
    stringField(error, "name") ??
    "UnknownError"
  );
}

/** Classifies any error thrown while calling `AssumeRoleWithWebIdentity`. */
export function classifyStsError(error: unknown): StsErrorClassification {
  const code = normaliseStsCode(rawCode(error));
  const metadata = errorField(error, "$metadata");
  const status = errorField(metadata, "httpStatusCode");
  const httpStatus = typeof status === "number" ? status : undefined;
  const requestId = stringField(metadata, "requestId") ?? stringField(error, "RequestId");
  // STS's text is a stranger's: bounded and stripped of control characters before it is printed.
  const message = boundedServiceText((error instanceof Error ? error.message : stringField(error, "message")) ?? String(error));
  const base = { code, httpStatus, requestId, message, hint: Object.hasOwn(HINTS, code) ? HINTS[code]! : "" };

  if (code === "InvalidIdentityToken") {
    if (/couldn'?t retrieve verification key/i.test(message)) {
      return { ...base, action: "retry", hint: "STS could not fetch the issuer's signing keys (JWKS); it is retried" };
    }
    if (/audience|\baud\b/i.test(message)) return { ...base, action: "fail" };
    if (/no openid ?connect provider|provider.*not found|unknown provider/i.test(message)) {
      return { ...base, action: "fail", hint: `IAM has no OpenID Connect provider for the token's issuer: ${HINT_TRUST}` };
    }
    return { ...base, action: "reread-token" };
  }
  if (code === "ExpiredToken") return { ...base, action: "reread-token" };
  if (TRANSIENT_CODES.has(code) || NETWORK_ERROR_CODES.has(code)) return { ...base, action: "retry" };
  if (errorField(errorField(error, "$retryable"), "throttling") === true) return { ...base, action: "retry" };
  if (httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429)) return { ...base, action: "retry" };
  // A 2xx answer whose body could not be parsed (truncated, or garbled by a proxy): transient.
  if (httpStatus !== undefined && httpStatus >= 200 && httpStatus < 300) {
    return { ...base, code: "MalformedResponse", action: "retry", hint: "STS answered with a body that could not be read; it is retried" };
  }
  if (httpStatus !== undefined && httpStatus >= 400) return { ...base, action: "fail", hint: base.hint || HINT_TRUST };
  if (Object.hasOwn(HINTS, code)) return { ...base, action: "fail" };
  // A non-HTTP failure we cannot name (e.g. a socket error without a code): transient by default.
  if (httpStatus === undefined && errorField(error, "$fault") === undefined) return { ...base, action: "retry" };
  return { ...base, action: "fail" };
}
