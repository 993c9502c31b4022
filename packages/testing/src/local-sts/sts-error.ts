/** Who is at fault, as in STS's `<Error><Type>`: the caller (`Sender`) or STS (`Receiver`). */
export type StsErrorType = "Sender" | "Receiver";

/** An error the local STS answers with, in STS's XML error shape. */
export class StsError extends Error {
  override readonly name = "StsError";
  constructor(
    /** Wire error code, e.g. `InvalidIdentityToken`. */
    readonly code: string,
    /** HTTP status. */
    readonly status: number,
    message: string,
    /** `Sender` for 4xx, `Receiver` for 5xx unless told otherwise. */
    readonly type: StsErrorType = status >= 500 ? "Receiver" : "Sender",
  ) {
    super(message);
  }
}

/** Default HTTP status per STS error code, as STS answers them. */
export const STS_ERROR_STATUS: Readonly<Record<string, number>> = {
  AccessDenied: 403,
  ExpiredToken: 400,
  ExpiredTokenException: 400,
  IDPCommunicationError: 400,
  IDPRejectedClaim: 403,
  IncompleteSignature: 400,
  InternalFailure: 500,
  InvalidAction: 400,
  InvalidClientTokenId: 403,
  InvalidIdentityToken: 400,
  InvalidParameterValue: 400,
  MalformedPolicyDocument: 400,
  MissingAuthenticationToken: 403,
  PackedPolicyTooLarge: 400,
  RegionDisabledException: 403,
  ServiceUnavailable: 503,
  SignatureDoesNotMatch: 403,
  Throttling: 400,
  ValidationError: 400,
};

/** A default message per code, used by injected faults given no message. */
export const STS_ERROR_MESSAGE: Readonly<Record<string, string>> = {
  AccessDenied: "Not authorized to perform sts:AssumeRoleWithWebIdentity",
  ExpiredTokenException: "Token expired",
  IDPCommunicationError: "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
  InternalFailure: "An internal error occurred. Try again.",
  InvalidIdentityToken: "Token is not valid",
  ServiceUnavailable: "Service is unavailable. Try again.",
  Throttling: "Rate exceeded",
};

/** Helpers for the validation messages STS uses. */
export function validationError(message: string): StsError {
  return new StsError("ValidationError", 400, message);
}

export function memberValidationError(value: string | undefined, member: string, constraint: string): StsError {
  const shown = value === undefined ? "null" : `'${value}'`;
  return validationError(`1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${constraint}`);
}
