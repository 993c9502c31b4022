import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import type { IssuedCredentials } from "./issued-credentials.js";
import { StsError } from "./sts-error.js";

/** How far a request's `X-Amz-Date` may be from `Date.now()`, as in AWS. */
export const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** Signing service name of STS. */
export const STS_SIGNING_SERVICE = "sts";

/** The parts of `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})\s*$/;

/** Parses a SigV4 Authorization header; STS answers `IncompleteSignature` when it is not one. */
export function parseAuthorization(header: string | undefined): ParsedAuthorization {
  if (header === undefined) {
    throw new StsError("MissingAuthenticationToken", 403, "Request is missing Authentication Token");
  }
  const match = AUTHORIZATION.exec(header);
  if (!match) {
    throw new StsError("IncompleteSignature", 400, "Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters.");
  }
  return {
    accessKeyId: match[1]!,
    date: match[2]!,
    region: match[3]!,
    service: match[4]!,
    signedHeaders: match[5]!.split(";"),
    signature: match[6]!,
  };
}

/** `20261127T132000Z` -> Date; undefined when it is not one. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const match = value === undefined ? null : /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return new Date(Date.UTC(y, mo - 1, d, h, mi, s));
}

/** A request header as one string (repeated headers joined with commas, as SigV4 signs them). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(",") : value;
}

/** Constant-time comparison of a recomputed signature with the one presented. */
export function signaturesEqual(expected: string, presented: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A SigV4 signer holding an issued set's secret, with the session token the client presented. */
export function signerFor(credentials: IssuedCredentials, sessionToken: string | undefined, region: string, service: string, uriEscapePath = true): SignatureV4 {
  return new SignatureV4({
    credentials: {
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      ...(sessionToken !== undefined ? { sessionToken } : {}),
    },
    region,
    service,
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: false,
    uriEscapePath,
  });
}

/** The request as it arrived, enough to recompute its signature. */
export interface ReceivedRequest {
  /** HTTP method. */
  method: string;
  /** Path and query, as in `req.url`. */
  url: string;
  /** Headers as received (`req.headers`). */
  headers: IncomingHttpHeaders;
  /** The whole body, UTF-8. */
  body: string;
}

/**
 * Recomputes the SigV4 signature of a request with the secret STS issued for its access key
 * (with `@smithy/signature-v4`, signing only the headers the client listed) and compares it in
 * constant time. Throws the StsError STS would answer.
 */
export async function verifySigV4(
  request: ReceivedRequest,
  auth: ParsedAuthorization,
  credentials: IssuedCredentials,
  /** The server's clock, epoch ms. */
  nowMs: number = Date.now(),
): Promise<void> {
  const signingDate = parseAmzDate(headerValue(request.headers, "x-amz-date"));
  if (!signingDate || !auth.signedHeaders.includes("host")) {
    throw new StsError("IncompleteSignature", 400, "Request must contain a signed Host header and an X-Amz-Date header.");
  }
  const skew = Math.abs(nowMs - signingDate.getTime());
  if (skew > MAX_CLOCK_SKEW_MS) {
    throw new StsError("SignatureDoesNotMatch", 403, `Signature expired: ${headerValue(request.headers, "x-amz-date")} is now outside the allowed 15 minute window.`);
  }
  const url = new URL(request.url, "http://placeholder");
  const headers: Record<string, string> = {};
  for (const name of auth.signedHeaders) {
    const value = headerValue(request.headers, name);
    if (value !== undefined) headers[name] = value;
  }
  // The signer trusts a client-sent payload hash; check it against the body really received.
  const claimedHash = headers["x-amz-content-sha256"];
  if (claimedHash !== undefined && claimedHash !== createHash("sha256").update(request.body).digest("hex")) {
    throw new StsError("SignatureDoesNotMatch", 403, "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
  const [hostname = "", port] = (headers.host ?? "").split(":");
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const existing = query[key];
    query[key] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  const unsigned = new HttpRequest({
    method: request.method,
    protocol: "http:",
    hostname,
    ...(port ? { port: Number(port) } : {}),
    path: url.pathname,
    query,
    headers,
    body: request.body,
  });
  const signer = signerFor(credentials, headers["x-amz-security-token"], auth.region, auth.service);
  const signed = await signer.sign(unsigned, {
    signingDate,
    signableHeaders: new Set(auth.signedHeaders),
  });
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ""))?.[1] ?? "";
  if (!signaturesEqual(expected, auth.signature)) {
    throw new StsError(
      "SignatureDoesNotMatch",
      403,
      "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    );
  }
}
