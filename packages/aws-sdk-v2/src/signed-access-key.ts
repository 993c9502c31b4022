/**
 * The access key id that signed an aws-sdk v2 request, read from its Authorization header:
 * SigV4 (`AWS4-HMAC-SHA256 Credential=AKID/...`) or the legacy S3 signer (`AWS AKID:signature`).
 * Undefined when the request carries neither (e.g. a query-signed request).
 */
export function signedAccessKeyId(headers: Readonly<Record<string, string | undefined>> | undefined): string | undefined {
  const authorization = headers?.["Authorization"] ?? headers?.["authorization"];
  if (typeof authorization !== "string") return undefined;
  const match = /\bCredential=([^/,\s]+)\//.exec(authorization) ?? /^AWS ([^:\s]+):/.exec(authorization);
  return match?.[1];
}
