import { HttpRequest } from "@smithy/protocol-http";
import type { IssuedCredentials } from "../local-sts/issued-credentials.js";
import { signaturesEqual, signerFor } from "../local-sts/sigv4-verifier.js";
import { SIGV4_QUERY_PARAMS, type ParsedPresignedRequest } from "./presigned-request.js";

/** SHA-256 of the empty body: the payload hash of a presigned GET outside S3. */
const EMPTY_PAYLOAD_HASH = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/** S3 never hashes the payload of a query-signed request. */
const UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
const CONTENT_SHA256 = "x-amz-content-sha256";

/** How to recompute a presigned request's signature. */
export interface PresignedSignatureInput {
  /** HTTP method the request is made with. */
  method: string;
  /** Query parameters the service leaves out of the signature (MSK's `User-Agent`). */
  unsignedParams: ReadonlySet<string>;
  /** Values of the signed headers other than `host`, as received (lower-case names). */
  headers: Readonly<Record<string, string>>;
}

/**
 * Recomputes the signature of a presigned request with the issued set's secret, by presigning
 * the same request again with `@smithy/signature-v4` (same date, expiry, scope, signed headers)
 * and comparing in constant time.
 */
export async function presignedSignatureMatches(
  parsed: ParsedPresignedRequest,
  credentials: IssuedCredentials,
  input: PresignedSignatureInput,
): Promise<boolean> {
  const query: Record<string, string | string[]> = {};
  let payloadHash = parsed.service === "s3" ? UNSIGNED_PAYLOAD : EMPTY_PAYLOAD_HASH;
  for (const [name, value] of parsed.query) {
    if (SIGV4_QUERY_PARAMS.has(name) || input.unsignedParams.has(name)) continue;
    if (name.toLowerCase() === CONTENT_SHA256) payloadHash = value;
    const existing = query[name];
    query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const headers: Record<string, string> = { [CONTENT_SHA256]: payloadHash };
  for (const name of parsed.signedHeaders) {
    const value = name === "host" ? parsed.host : input.headers[name];
    if (value === undefined) return false;
    headers[name] = value;
  }
  const [hostname = "", port] = parsed.host.split(":");
  const request = new HttpRequest({
    method: input.method,
    protocol: "https:",
    hostname,
    ...(port ? { port: Number(port) } : {}),
    path: parsed.path,
    query,
    headers,
  });
  // S3 signs the path as sent; every other service signs it normalized and escaped again.
  const signer = signerFor(credentials, parsed.sessionToken, parsed.region, parsed.service, parsed.service !== "s3");
  const contentHashIsSigned = parsed.signedHeaders.includes(CONTENT_SHA256);
  const presigned = await signer.presign(request, {
    signingDate: parsed.signedAt,
    expiresIn: parsed.expiresSeconds,
    unhoistableHeaders: new Set([CONTENT_SHA256]),
    ...(contentHashIsSigned ? {} : { unsignableHeaders: new Set([CONTENT_SHA256]) }),
  });
  const signedHeaders = presigned.query?.["X-Amz-SignedHeaders"];
  if (signedHeaders !== parsed.signedHeaders.join(";")) return false;
  return signaturesEqual(String(presigned.query?.["X-Amz-Signature"] ?? ""), parsed.signature);
}
