import { headerValue, MAX_CLOCK_SKEW_MS, parseAmzDate, parseAuthorization, verifySigV4, type ReceivedRequest } from "../local-sts/sigv4-verifier.js";
import { refuse, type IamAuthVerdict } from "./verdict.js";
import type { IssuedCredentialsSource } from "./verify-presigned-request.js";

/** What a service expects of a header-signed (`Authorization: AWS4-HMAC-SHA256 ...`) request. */
export interface VerifySignedRequestOptions {
  /** The local STS whose issued sets sign valid requests. */
  sts: IssuedCredentialsSource;
  /** Signing service(s) accepted (`es`, `aoss`, ...). */
  service: string | readonly string[];
  /** Signing region required; any when absent. */
  region?: string;
  /** The service's clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Verifies a header-signed SigV4 request like an AWS service, with the same signature check as
 * the local STS: scope, access key issued by the local STS, session token, `X-Amz-Date` within
 * 15 minutes of `now`, the signature (body hash included) and the signing set's expiration.
 * Answers a verdict; never throws for bad input.
 *
 * @example
 * ```ts
 * const verdict = await verifySignedRequest({ method: req.method, url: req.url, headers: req.headers, body }, { sts, service: "es" });
 * ```
 */
export async function verifySignedRequest(request: ReceivedRequest, options: VerifySignedRequestOptions): Promise<IamAuthVerdict> {
  let auth: ReturnType<typeof parseAuthorization>;
  try {
    auth = parseAuthorization(headerValue(request.headers, "authorization"));
  } catch {
    return refuse("malformed", "no SigV4 Authorization header");
  }
  const key = auth.accessKeyId;
  const services = typeof options.service === "string" ? [options.service] : options.service;
  if (!services.includes(auth.service)) return refuse("wrong-service", `signed for service ${auth.service}, expected ${services.join(" or ")}`, key);
  if (options.region !== undefined && auth.region !== options.region) {
    return refuse("wrong-region", `signed for region ${auth.region}, expected ${options.region}`, key);
  }
  const credentials = options.sts.issuedCredentials.get(key);
  if (!credentials) return refuse("unknown-key", `access key ${key} was not issued by the local STS`, key);
  const sessionToken = headerValue(request.headers, "x-amz-security-token");
  if (sessionToken === undefined || !credentials.sessionTokenMatches(sessionToken) || !auth.signedHeaders.includes("x-amz-security-token")) {
    return refuse("bad-session-token", "X-Amz-Security-Token is missing, unsigned or not the session token of the signing set", key);
  }
  const signedAt = parseAmzDate(headerValue(request.headers, "x-amz-date"));
  if (!signedAt) return refuse("malformed", "X-Amz-Date missing or not YYYYMMDDTHHMMSSZ", key);
  const now = (options.now ?? Date.now)();
  if (signedAt.getTime() - now > MAX_CLOCK_SKEW_MS) return refuse("not-yet-valid", `signed at ${signedAt.toISOString()}, in the future`, key);
  if (now - signedAt.getTime() > MAX_CLOCK_SKEW_MS) return refuse("token-expired", `signed at ${signedAt.toISOString()}, more than 15 minutes ago`, key);
  try {
    await verifySigV4(request, auth, credentials, now);
  } catch {
    return refuse("bad-signature", "the signature does not match the one computed with the signing set's secret", key);
  }
  if (credentials.isExpired(now)) return refuse("credentials-expired", `the signing set expired at ${credentials.expiration.toISOString()}`, key);
  const tokenExpiresAt = signedAt.getTime() + MAX_CLOCK_SKEW_MS;
  return {
    ok: true,
    accessKeyId: key,
    roleArn: credentials.roleArn,
    assumedRoleArn: credentials.assumedRoleArn,
    service: auth.service,
    region: auth.region,
    signedAt,
    tokenExpiresAt: new Date(tokenExpiresAt),
    credentialsExpireAt: new Date(credentials.expiration.getTime()),
    validUntil: new Date(Math.min(tokenExpiresAt, credentials.expiration.getTime())),
    params: {},
  };
}
