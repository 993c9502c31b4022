import { get } from "node:http";
import type { JWTPayload } from "jose";
import type { JsonWebKeySet } from "../jwks-types.js";
import { StsError } from "./sts-error.js";
import type { TrustedIssuer } from "./trust.js";

/** How long the local STS waits for an issuer's discovery document or JWKS. */
export const JWKS_FETCH_TIMEOUT_MS = 2_000;

/** Signature algorithms STS accepts for OIDC tokens. */
const ACCEPTED_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

const UNRETRIEVABLE_KEY =
  "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements";

/** The claims of a token that passed signature, issuer and time checks. */
export interface VerifiedWebIdentity {
  issuer: string;
  subject: string;
  audiences: string[];
  jti: string | undefined;
  claims: JWTPayload;
}

function invalidToken(message: string): StsError {
  return new StsError("InvalidIdentityToken", 400, message);
}

function idpUnreachable(message: string): StsError {
  return new StsError("IDPCommunicationError", 400, message);
}

function isLoopback(url: URL): boolean {
  return url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/** GETs JSON from a loopback URL without keep-alive, bounded by {@link JWKS_FETCH_TIMEOUT_MS}. */
function getLoopbackJson(url: URL): Promise<unknown> {
  if (!isLoopback(url)) {
    return Promise.reject(idpUnreachable(`The local STS only contacts loopback identity providers, not ${url.host}`));
  }
  return new Promise((resolve, reject) => {
    const req = get(url, { agent: false, timeout: JWKS_FETCH_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => {
        if (res.statusCode !== 200) {
          reject(new Error(`HTTP ${String(res.statusCode)}`));
          return;
        }
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** The issuer's keys: given ones, or fetched through OIDC discovery. */
async function loadJwks(issuer: TrustedIssuer): Promise<JsonWebKeySet> {
  if (issuer.jwks) return issuer.jwks;
  try {
    const discovery = (await getLoopbackJson(new URL(`${issuer.url}/.well-known/openid-configuration`))) as {
      jwks_uri?: unknown;
    };
    if (typeof discovery.jwks_uri !== "string") throw new Error("no jwks_uri");
    const jwks = (await getLoopbackJson(new URL(discovery.jwks_uri))) as JsonWebKeySet;
    if (!Array.isArray(jwks.keys)) throw new Error("no keys");
    return jwks;
  } catch (error) {
    if (error instanceof StsError) throw error;
    throw idpUnreachable(UNRETRIEVABLE_KEY);
  }
}

/**
 * Verifies a web identity token as STS does before looking at the role: well-formed JWT, a
 * known `iss`, a signature by one of that issuer's keys, not expired and not before `nbf`
 * (both against the server's clock, `Date.now()` by default, so fake timers decide).
 */
export async function verifyWebIdentityToken(
  token: string,
  issuers: ReadonlyMap<string, TrustedIssuer>,
  /** The server's clock, epoch ms (`exp` and `nbf` are judged by it). */
  nowMs: number = Date.now(),
): Promise<VerifiedWebIdentity> {
  // jose is ESM-only: loaded on demand so the CommonJS build runs on Node < 20.19 too.
  const { compactVerify, createLocalJWKSet, decodeJwt } = await import("jose");
  let claims: JWTPayload;
  try {
    claims = decodeJwt(token);
  } catch {
    throw invalidToken("The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)");
  }
  const iss = claims.iss;
  const issuer = typeof iss === "string" ? issuers.get(iss) : undefined;
  if (!issuer || typeof iss !== "string") {
    throw invalidToken(`No OpenIDConnect provider found in your account for ${String(iss)}`);
  }
  const jwks = await loadJwks(issuer);
  try {
    await compactVerify(token, createLocalJWKSet(jwks), { algorithms: ACCEPTED_ALGORITHMS });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "ERR_JWKS_NO_MATCHING_KEY" || code === "ERR_JWKS_MULTIPLE_MATCHING_KEYS") {
      throw invalidToken(UNRETRIEVABLE_KEY);
    }
    throw invalidToken("The web identity token signature could not be verified");
  }
  const nowSeconds = Math.floor(nowMs / 1000);
  if (typeof claims.exp !== "number") throw invalidToken("The web identity token has no expiration (exp)");
  if (nowSeconds >= claims.exp) {
    throw new StsError(
      "ExpiredTokenException",
      400,
      `Token expired: current date/time ${nowSeconds} must be before the expiration date/time ${claims.exp}`,
    );
  }
  if (typeof claims.nbf === "number" && nowSeconds < claims.nbf) {
    throw invalidToken(`Token is not valid yet: current date/time ${nowSeconds} is before the not-before date/time ${claims.nbf}`);
  }
  if (typeof claims.sub !== "string" || claims.sub === "") throw invalidToken("The web identity token has no subject (sub)");
  const aud = claims.aud;
  const audiences = typeof aud === "string" ? [aud] : Array.isArray(aud) ? aud : [];
  return { issuer: iss, subject: claims.sub, audiences, jti: typeof claims.jti === "string" ? claims.jti : undefined, claims };
}
