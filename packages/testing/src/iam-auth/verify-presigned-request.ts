import type { IssuedCredentials } from "../local-sts/issued-credentials.js";
import { MAX_CLOCK_SKEW_MS } from "../local-sts/sigv4-verifier.js";
import { parsePresignedRequest, SIGV4_QUERY_PARAMS, type ParsedPresignedRequest } from "./presigned-request.js";
import { presignedSignatureMatches } from "./presigned-signature.js";
import { refuse, type IamAuthRefusal, type IamAuthVerdict } from "./verdict.js";

/** Where the verifier finds the sets the local STS issued: a `LocalSts` fits. */
export interface IssuedCredentialsSource {
  /** Every set issued, by access key id. */
  readonly issuedCredentials: ReadonlyMap<string, IssuedCredentials>;
}

/** What the service expects the presigned request to be signed for. */
export interface PresignedRequestExpectation {
  /** Signing service(s) accepted (`rds-db`, `elasticache`, `memorydb`, `s3`, `kafka-cluster`, ...). */
  service: string | readonly string[];
  /** The host the request must be signed for, exactly as signed (`host` or `host:port`). */
  host: string;
  /** Signing region required; any region when absent. */
  region?: string;
  /** Required `Action` query parameter; not checked when absent. */
  action?: string;
  /** Required user: the query parameter naming it (`DBUser`, `User`) and its value. */
  user?: { param: string; value: string };
  /** Other query parameters required with a value, or (`null`) required to be absent. */
  params?: Readonly<Record<string, string | null>>;
}

/** How to verify: against which STS, on which clock, with which parts of the request. */
export interface VerifyPresignedRequestOptions {
  /** The local STS whose issued sets sign valid requests. */
  sts: IssuedCredentialsSource;
  /** The service's clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** HTTP method the request arrives with. Default `"GET"`. */
  method?: string;
  /** Signed headers other than `host`, as received (lower-case names). Default none. */
  headers?: Readonly<Record<string, string>>;
  /** Query parameters the service leaves out of the signature (MSK: `User-Agent`). Default none. */
  unsignedParams?: readonly string[];
}

function checkScope(parsed: ParsedPresignedRequest, expect: PresignedRequestExpectation): IamAuthRefusal | undefined {
  const key = parsed.accessKeyId;
  const services = typeof expect.service === "string" ? [expect.service] : expect.service;
  if (!services.includes(parsed.service)) return refuse("wrong-service", `signed for service ${parsed.service}, expected ${services.join(" or ")}`, key);
  if (expect.region !== undefined && parsed.region !== expect.region) {
    return refuse("wrong-region", `signed for region ${parsed.region}, expected ${expect.region}`, key);
  }
  if (parsed.host !== expect.host) return refuse("wrong-host", `signed for host ${parsed.host}, expected ${expect.host}`, key);
  const param = (name: string) => parsed.query.find(([n]) => n === name)?.[1];
  if (expect.action !== undefined && param("Action") !== expect.action) {
    return refuse("wrong-action", `Action is ${param("Action") ?? "(none)"}, expected ${expect.action}`, key);
  }
  if (expect.user !== undefined && param(expect.user.param) !== expect.user.value) {
    return refuse("wrong-user", `${expect.user.param} is ${param(expect.user.param) ?? "(none)"}, expected ${expect.user.value}`, key);
  }
  for (const [name, value] of Object.entries(expect.params ?? {})) {
    if ((param(name) ?? null) !== value) return refuse("wrong-param", `${name} is ${param(name) ?? "(absent)"}, expected ${value ?? "(absent)"}`, key);
  }
  return undefined;
}

/**
 * Verifies a SigV4 query-signed (presigned) request the way an AWS service does: scope (service,
 * region), host, action and user; then the access key against the sets the local STS issued, the
 * session token, the signature (recomputed with `@smithy/signature-v4`), the token's own expiry
 * (`X-Amz-Date` + `X-Amz-Expires`) and the signing set's expiration. Never throws for bad input:
 * answers a verdict whose refusal reason is stable and whose detail holds no secret.
 *
 * @example
 * ```ts
 * const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "b", Key: "k" }), { expiresIn: 3600 });
 * const verdict = await verifyPresignedRequest(url, { service: "s3", host: "b.s3.us-east-1.amazonaws.com" }, { sts, now: () => clock });
 * ```
 */
export async function verifyPresignedRequest(
  request: string,
  expect: PresignedRequestExpectation,
  options: VerifyPresignedRequestOptions,
): Promise<IamAuthVerdict> {
  const parsed = parsePresignedRequest(request);
  if ("ok" in parsed) return parsed;
  const key = parsed.accessKeyId;
  const scopeRefusal = checkScope(parsed, expect);
  if (scopeRefusal) return scopeRefusal;
  const credentials = options.sts.issuedCredentials.get(key);
  if (!credentials) return refuse("unknown-key", `access key ${key} was not issued by the local STS`, key);
  if (parsed.sessionToken === undefined || !credentials.sessionTokenMatches(parsed.sessionToken)) {
    return refuse("bad-session-token", "X-Amz-Security-Token is missing or is not the session token of the signing set", key);
  }
  const matches = await presignedSignatureMatches(parsed, credentials, {
    method: options.method ?? "GET",
    unsignedParams: new Set(options.unsignedParams ?? []),
    headers: options.headers ?? {},
  });
  if (!matches) return refuse("bad-signature", "the signature does not match the one computed with the signing set's secret", key);
  const now = (options.now ?? Date.now)();
  const signedAt = parsed.signedAt.getTime();
  const tokenExpiresAt = signedAt + parsed.expiresSeconds * 1000;
  if (signedAt - now > MAX_CLOCK_SKEW_MS) return refuse("not-yet-valid", `signed at ${parsed.signedAt.toISOString()}, in the future`, key);
  if (now >= tokenExpiresAt) return refuse("token-expired", `token expired at ${new Date(tokenExpiresAt).toISOString()}`, key);
  if (credentials.isExpired(now)) {
    return refuse("credentials-expired", `the signing set expired at ${credentials.expiration.toISOString()}`, key);
  }
  const params: Record<string, string> = {};
  for (const [name, value] of parsed.query) if (!SIGV4_QUERY_PARAMS.has(name)) params[name] = value;
  return {
    ok: true,
    accessKeyId: key,
    roleArn: credentials.roleArn,
    assumedRoleArn: credentials.assumedRoleArn,
    service: parsed.service,
    region: parsed.region,
    signedAt: parsed.signedAt,
    tokenExpiresAt: new Date(tokenExpiresAt),
    credentialsExpireAt: new Date(credentials.expiration.getTime()),
    validUntil: new Date(Math.min(tokenExpiresAt, credentials.expiration.getTime())),
    params,
  };
}
