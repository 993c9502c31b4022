// The IAM `connect` token of ElastiCache (replication groups, serverless caches) and MemoryDB: a
// SigV4 presigned `GET http://<name>/?Action=connect&User=<user>` (plus ResourceType=ServerlessCache
// for a serverless cache), 15 minutes, without its `http://`. Signed with @smithy/signature-v4 from
// a set that outlives the token; a token is reused while it has enough life for a login.
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { IamAuthConfigurationError } from "../errors.js";
import { checkKnownOptions, optionalFunction, optionalInteger, requireString } from "../init-checks.js";
import { lowerCaseName, signingRegion } from "../connections/options.js";
import { hideSecrets } from "../connections/hide-secrets.js";
import { ownedSigningCredentials } from "../signing-credentials.js";

/** How long an ElastiCache/MemoryDB token lives, seconds (the services' maximum). */
export const ELASTICACHE_TOKEN_EXPIRES_SECONDS = 900;
/** A token is reused while it has at least this much life left; below it a new one is signed. */
export const DEFAULT_TOKEN_REUSE_MARGIN_MS = 5 * 60_000;

/** Options of {@link createElastiCacheTokenGenerator}. */
export interface ElastiCacheTokenInit {
  /** Replication group id, serverless cache name or MemoryDB cluster name; lower-case. */
  cacheName: string;
  /** The IAM-enabled user's id (the token's `User`); lower-case. The services require user id = user name. */
  userId: string;
  /** The user name, when you have it apart: it must equal `userId` (refused otherwise). Default `userId`. */
  userName?: string;
  /** `elasticache` (default) or `memorydb`. */
  service?: "elasticache" | "memorydb";
  /** True for an ElastiCache serverless cache (adds `ResourceType=ServerlessCache`). Default false. */
  serverless?: boolean;
  /** Signing region. Default `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
  region?: string;
  /** Credentials to sign with. Default `fromWebIdentity()` (the shared engine). */
  credentials?: AwsCredentialIdentityProvider;
  /** Reuse a token while it has at least this long left, ms. Default 5 min; 1 min to 10 min. */
  tokenReuseMarginMs?: number;
  /** Clock, epoch ms (tests). Default `Date.now`. */
  now?: () => number;
}

/** Signs and caches ElastiCache/MemoryDB `connect` tokens. Prints without its token. */
export interface ElastiCacheTokenGenerator {
  /** The user name to log in with (`AUTH <username> <token>`). */
  readonly username: string;
  /** The cache, replication group or cluster name signed for. */
  readonly cacheName: string;
  /** `elasticache` or `memorydb`. */
  readonly service: "elasticache" | "memorydb";
  /** A token with at least the reuse margin of life left, signed by a set that outlives it. */
  getToken(): Promise<string>;
  /** The access key id of the set that signed the current token (no secret), or undefined. */
  readonly signingKeyId: string | undefined;
  /** Tokens signed so far (reuses not counted). */
  readonly tokensSigned: number;
  /** Gives the minimum validity back to the engine. */
  close(): void;
}

const HELPER = "createElastiCacheTokenGenerator";

const KNOWN = ["cacheName", "userId", "userName", "service", "serverless", "region", "credentials", "tokenReuseMarginMs", "now"] as const;

/**
 * Creates a generator of ElastiCache / MemoryDB IAM auth tokens over the shared credential engine.
 *
 * @example
 * ```ts
 * const tokens = createElastiCacheTokenGenerator({ cacheName: "orders", userId: "app" });
 * await client.auth({ username: tokens.username, password: await tokens.getToken() });
 * ```
 */
export function createElastiCacheTokenGenerator(init: ElastiCacheTokenInit): ElastiCacheTokenGenerator {
  return buildTokenGenerator(init, HELPER, []);
}

/** The generator behind the public helpers: `helper` names them in errors; `extraKnown` are their own options. */
export function buildTokenGenerator(init: ElastiCacheTokenInit, HELPER: string, extraKnown: readonly string[]): ElastiCacheTokenGenerator {
  checkKnownOptions(HELPER, init, [...KNOWN, ...extraKnown]);
  const service = init.service ?? "elasticache";
  if (service !== "elasticache" && service !== "memorydb") {
    throw new IamAuthConfigurationError(`${HELPER}: service is 'elasticache' or 'memorydb'.`, { code: "InvalidOption", option: "service" });
  }
  const label = service === "memorydb" ? "MemoryDB" : "ElastiCache";
  const cacheName = lowerCaseName(HELPER, "cacheName", requireString(HELPER, "cacheName", init.cacheName, `the ${label} cache or cluster name`), label);
  const userId = lowerCaseName(HELPER, "userId", requireString(HELPER, "userId", init.userId, `the id of the IAM-enabled ${label} user`), label);
  if (init.userName !== undefined && init.userName !== userId) {
    throw new IamAuthConfigurationError(`${HELPER}: ${label} IAM users must have user name = user id; got userName '${String(init.userName)}' and userId '${userId}'. Create the user with the same id and name.`, { code: "InvalidOption", option: "userName" });
  }
  if (init.serverless !== undefined && typeof init.serverless !== "boolean") {
    throw new IamAuthConfigurationError(`${HELPER}: serverless must be true or false.`, { code: "InvalidOption", option: "serverless" });
  }
  if (init.serverless === true && service === "memorydb") {
    throw new IamAuthConfigurationError(`${HELPER}: serverless is for ElastiCache serverless caches; MemoryDB has none.`, { code: "InvalidOption", option: "serverless" });
  }
  const region = signingRegion(HELPER, init.region);
  const reuseMarginMs = optionalInteger(HELPER, "tokenReuseMarginMs", init.tokenReuseMarginMs, { min: 60_000, max: 10 * 60_000, fallback: DEFAULT_TOKEN_REUSE_MARGIN_MS, unit: "milliseconds" });
  const now = optionalFunction<() => number>(HELPER, "now", init.now, "a clock returning epoch ms") ?? (() => Date.now());
  const credentials = ownedSigningCredentials(init.credentials, ELASTICACHE_TOKEN_EXPIRES_SECONDS * 1000, { fn: HELPER, what: `a 15-minute ${label} token` });
  const query: Record<string, string> = { Action: "connect", User: userId, ...(init.serverless === true ? { ResourceType: "ServerlessCache" } : {}) };

  let current: { token: string; keyId: string; expiresAt: number } | undefined;
  let signing: Promise<string> | undefined;
  let tokensSigned = 0;

  async function sign(): Promise<string> {
    const set = await credentials();
    const at = now();
    if (current !== undefined && current.keyId === set.accessKeyId && current.expiresAt - at >= reuseMarginMs) return current.token;
    const signingDate = new Date(Math.floor(at / 1000) * 1000);
    const expiresAt = signingDate.getTime() + ELASTICACHE_TOKEN_EXPIRES_SECONDS * 1000;
    // Never hand out a token that would outlive the set that signed it (withMinimumValidity
    // guarantees it; this guard keeps a foreign provider or a skewed clock from breaking it).
    if (set.expiration !== undefined && set.expiration.getTime() < expiresAt) {
      throw new IamAuthConfigurationError(`${HELPER}: the credential set expires at ${set.expiration.toISOString()}, before a token signed now would (${new Date(expiresAt).toISOString()}); refusing to sign a token that dies early.`, { code: "HorizonUnmeetable", option: "credentials" });
    }
    // Loaded on first use: importing this package costs no more than @irsa/web-identity.
    const [{ SignatureV4 }, { Hash }, { HttpRequest }] = await Promise.all([
      import("@smithy/signature-v4"),
      import("@smithy/hash-node"),
      import("@smithy/protocol-http"),
    ]);
    const signer = new SignatureV4({ service, region, credentials: set, sha256: Hash.bind(null, "sha256"), uriEscapePath: true });
    const request = new HttpRequest({ method: "GET", protocol: "http:", hostname: cacheName, path: "/", query, headers: { host: cacheName } });
    const signed = await signer.presign(request, { expiresIn: ELASTICACHE_TOKEN_EXPIRES_SECONDS, signingDate });
    const token = `${cacheName}/?${queryString(signed.query as Record<string, string>)}`;
    current = { token, keyId: set.accessKeyId, expiresAt };
    tokensSigned += 1;
    return token;
  }

  const generator: ElastiCacheTokenGenerator = {
    username: userId,
    cacheName,
    service,
    getToken() {
      // One signing at a time: a reconnect storm shares it (and the engine's cached set).
      signing ??= sign().finally(() => (signing = undefined));
      return signing;
    },
    get signingKeyId() {
      return current?.keyId;
    },
    get tokensSigned() {
      return tokensSigned;
    },
    close: () => credentials.close(),
  };
  return hideSecrets(generator, () => ({ username: userId, cacheName, service, region, tokensSigned }));
}

/** RFC 3986 query string in the signer's order (the service recomputes the signature from it). */
function queryString(query: Record<string, string>): string {
  const escape = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return Object.keys(query)
    .sort()
    .map((name) => `${escape(name)}=${escape(query[name]!)}`)
    .join("&");
}
