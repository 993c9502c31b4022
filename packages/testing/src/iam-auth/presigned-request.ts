import { parseAmzDate } from "../local-sts/sigv4-verifier.js";
import { refuse, type IamAuthRefusal } from "./verdict.js";

/** Longest `X-Amz-Expires` SigV4 allows: one week. */
export const MAX_PRESIGNED_EXPIRES_SECONDS = 604_800;

/** The SigV4 query parameters a presigned request carries (the signer adds them). */
export const SIGV4_QUERY_PARAMS: ReadonlySet<string> = new Set([
  "X-Amz-Algorithm",
  "X-Amz-Credential",
  "X-Amz-Date",
  "X-Amz-Expires",
  "X-Amz-SignedHeaders",
  "X-Amz-Security-Token",
  "X-Amz-Signature",
]);

/** A presigned request taken apart. `sessionToken` is a secret: never log this object. */
export interface ParsedPresignedRequest {
  /** The host as written in the request, case kept (`host`, `host:port`). */
  readonly host: string;
  /** Path as received (still percent-encoded). */
  readonly path: string;
  /** Every query parameter in order, decoded. */
  readonly query: ReadonlyArray<readonly [string, string]>;
  readonly accessKeyId: string;
  readonly region: string;
  readonly service: string;
  readonly signedAt: Date;
  /** `X-Amz-Expires` as written (the signer writes `expiresIn.toString(10)`, fractions included). */
  readonly expiresRaw: string;
  readonly expiresSeconds: number;
  readonly signedHeaders: readonly string[];
  readonly sessionToken: string | undefined;
  readonly signature: string;
}

const CREDENTIAL = /^([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request$/;
const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Reads a presigned URL or a token in the `host[:port]/path?query` form (RDS, ElastiCache: no
 * scheme). The host is read from the text itself, so its case is kept (URL parsing lowers it).
 */
export function parsePresignedRequest(input: string): ParsedPresignedRequest | IamAuthRefusal {
  const withScheme = SCHEME.test(input) ? input : `https://${input}`;
  const afterScheme = withScheme.slice(withScheme.indexOf("://") + 3);
  const host = /^[^/?#]*/.exec(afterScheme)![0];
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return refuse("malformed", "not a URL");
  }
  if (host === "" || host.includes("@")) return refuse("malformed", "no host, or credentials in the authority");
  const query = [...url.searchParams];
  const single = new Map<string, string>();
  for (const [name, value] of query) {
    if (SIGV4_QUERY_PARAMS.has(name) && single.has(name)) return refuse("malformed", `${name} is repeated`);
    single.set(name, value);
  }
  const missing = [...SIGV4_QUERY_PARAMS].filter((name) => name !== "X-Amz-Security-Token" && !single.has(name));
  if (missing.length > 0) return refuse("malformed", `missing ${missing.join(", ")}`);
  if (single.get("X-Amz-Algorithm") !== "AWS4-HMAC-SHA256") return refuse("malformed", "X-Amz-Algorithm must be AWS4-HMAC-SHA256");
  const credential = CREDENTIAL.exec(single.get("X-Amz-Credential")!);
  if (!credential) return refuse("malformed", "X-Amz-Credential must be KEY/YYYYMMDD/REGION/SERVICE/aws4_request");
  const accessKeyId = credential[1]!;
  const amzDate = single.get("X-Amz-Date")!;
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt || amzDate.slice(0, 8) !== credential[2]) {
    return refuse("malformed", "X-Amz-Date must be YYYYMMDDTHHMMSSZ on the day of the credential scope", accessKeyId);
  }
  const expiresRaw = single.get("X-Amz-Expires")!;
  const expiresSeconds = Number(expiresRaw);
  if (!(expiresSeconds > 0) || String(expiresSeconds) !== expiresRaw || expiresSeconds > MAX_PRESIGNED_EXPIRES_SECONDS) {
    return refuse("malformed", `X-Amz-Expires must be a number of seconds in (0, ${MAX_PRESIGNED_EXPIRES_SECONDS}]`, accessKeyId);
  }
  const signature = single.get("X-Amz-Signature")!;
  if (!/^[0-9a-f]{64}$/.test(signature)) return refuse("malformed", "X-Amz-Signature must be 64 hex digits", accessKeyId);
  const signedHeaders = single.get("X-Amz-SignedHeaders")!.split(";");
  if (!signedHeaders.includes("host")) return refuse("malformed", "X-Amz-SignedHeaders must include host", accessKeyId);
  return {
    host,
    path: /^[^?#]*/.exec(afterScheme.slice(host.length))![0] || "/",
    query,
    accessKeyId,
    region: credential[3]!,
    service: credential[4]!,
    signedAt,
    expiresRaw,
    expiresSeconds,
    signedHeaders,
    sessionToken: single.get("X-Amz-Security-Token"),
    signature,
  };
}
