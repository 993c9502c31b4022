import { refuse, type IamAuthVerdict } from "./verdict.js";
import { verifyPresignedRequest, type IssuedCredentialsSource } from "./verify-presigned-request.js";

/** Signing service of MSK IAM access control. */
export const MSK_SIGNING_SERVICE = "kafka-cluster";

/** The action an MSK auth token is signed for. */
export const MSK_CONNECT_ACTION = "kafka-cluster:Connect";

/** What a broker checks an MSK IAM auth token against. */
export interface VerifyMskAuthTokenOptions {
  /** The local STS whose issued sets sign valid tokens. */
  sts: IssuedCredentialsSource;
  /** The cluster's region: the token must be signed for it and for `kafka.REGION.amazonaws.com`. */
  region: string;
  /** The broker's clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/**
 * Checks the SASL OAUTHBEARER token of MSK IAM access control (as made by
 * aws-msk-iam-sasl-signer-js: base64url of a presigned
 * `https://kafka.REGION.amazonaws.com/?Action=kafka-cluster%3AConnect&...&User-Agent=...`; the
 * `User-Agent` is added after signing and is not signed).
 *
 * @example
 * ```ts
 * const { token } = await generateAuthTokenFromCredentialsProvider({ region: "us-east-1", awsCredentialsProvider });
 * const verdict = await verifyMskAuthToken(token, { sts, region: "us-east-1" });
 * ```
 */
export function verifyMskAuthToken(token: string, options: VerifyMskAuthTokenOptions): Promise<IamAuthVerdict> {
  if (!/^[A-Za-z0-9_-]+={0,2}$/.test(token)) return Promise.resolve(refuse("malformed", "an MSK token is base64url text"));
  const url = Buffer.from(token, "base64url").toString("utf8");
  if (!url.startsWith("https://")) return Promise.resolve(refuse("malformed", "an MSK token decodes to an https:// URL"));
  return verifyPresignedRequest(
    url,
    { service: MSK_SIGNING_SERVICE, host: `kafka.${options.region}.amazonaws.com`, region: options.region, action: MSK_CONNECT_ACTION },
    { sts: options.sts, unsignedParams: ["User-Agent"], ...(options.now ? { now: options.now } : {}) },
  );
}
