import type { ResponseMetadata } from "@smithy/types";

/** What old code reads on an STS failure of the SDK's own providers. */
export interface SdkErrorCompat {
  /** The SDK exception's `$metadata` (HTTP status, request id, attempts), when STS answered. */
  $metadata?: ResponseMetadata;
  /** The SDK's own exception (e.g. `InvalidIdentityTokenException`, with its name), or the network error. */
  cause?: unknown;
}

type SdkException = Error & { $metadata?: ResponseMetadata; $fault?: string; Code?: string };

/**
 * The SDK's exception as `cause` (so `err.cause instanceof InvalidIdentityTokenException` and
 * `err.cause.name` work) and its `$metadata` on our error. The cause is a copy of the same class
 * with the name, `$fault`, `$metadata` and `Code`, and the message and stack cleaned by `redact`;
 * never the raw HTTP response the SDK keeps on it (its body may echo the token).
 */
export function sdkErrorCompat(error: unknown, redact: (text: string) => string): SdkErrorCompat {
  if (!(error instanceof Error)) return error === undefined ? {} : { cause: error };
  const exception = error as SdkException;
  if (exception.$metadata === undefined) return { cause: error }; // a network error: nothing from STS in it
  const copy = Object.create(Object.getPrototypeOf(exception) as object) as SdkException;
  const hidden = (value: unknown) => ({ value, enumerable: false, configurable: true, writable: true });
  Object.defineProperties(copy, {
    name: hidden(exception.name),
    message: hidden(redact(exception.message)),
    stack: hidden(exception.stack === undefined ? undefined : redact(exception.stack)),
  });
  Object.assign(copy, {
    $fault: exception.$fault,
    $metadata: exception.$metadata,
    ...(exception.Code !== undefined && { Code: exception.Code }),
  });
  return { cause: copy, $metadata: exception.$metadata };
}
