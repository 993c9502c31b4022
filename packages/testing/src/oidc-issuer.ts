import { randomBytes, randomUUID } from "node:crypto";
import type { CryptoKey } from "jose";
import type { JsonWebKeySet, Jwk } from "./jwks-types.js";
import { LocalHttpServer } from "./local-http-server.js";

/** Audience kubelet requests for IRSA tokens. */
export const DEFAULT_TOKEN_AUDIENCE = "sts.amazonaws.com";
/** Namespace used when `mintToken` is given none. */
export const DEFAULT_NAMESPACE = "default";
/** Service account used when `mintToken` is given none. */
export const DEFAULT_SERVICE_ACCOUNT = "app";
/** Lifetime of minted tokens when none is given (EKS projects 24 h; kubelet's minimum is 10 min). */
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
/** Signing algorithm of projected service-account tokens. */
export const TOKEN_SIGNING_ALGORITHM = "RS256";

/** Options of {@link createOidcIssuer}. */
export interface OidcIssuerInit {
  /**
   * Serve `/.well-known/openid-configuration` and `/keys` over HTTP on 127.0.0.1 (random port);
   * the issuer URL is then `http://127.0.0.1:PORT`. Default `true`.
   */
  serve?: boolean;
  /**
   * Issuer URL when `serve` is `false`. Default: an EKS-shaped URL
   * (`https://oidc.eks.us-east-1.amazonaws.com/id/<32 hex>`), never contacted.
   */
  url?: string;
}

/** Options of {@link OidcIssuer.mintToken}. Times are in seconds since the epoch unless noted. */
export interface MintTokenOptions {
  /** Pod namespace; `sub` becomes `system:serviceaccount:NAMESPACE:SA`. Default `"default"`. */
  namespace?: string;
  /** Service account name. Default `"app"`. */
  serviceAccount?: string;
  /** Audience (`aud`, always written as an array). Default `"sts.amazonaws.com"`. */
  audience?: string | string[];
  /** Lifetime: `exp = iat + ttlSeconds`. Default 3600. */
  ttlSeconds?: number;
  /** Clock for `iat`/`nbf`/`exp` (ms or Date). Default `Date.now()`. */
  now?: number | Date;
  /** Overrides `iat` (seconds). */
  issuedAt?: number;
  /** Overrides `nbf` (seconds). Default: `iat`. */
  notBefore?: number;
  /** Overrides `exp` (seconds). */
  expiresAt?: number;
  /** Extra or replacement claims, merged last (e.g. `{ iss: "https://elsewhere" }`). */
  claims?: Record<string, unknown>;
  /** Pod name written in the `kubernetes.io` claim. Default `"<serviceAccount>-pod"`. */
  podName?: string;
}

/** The `kubernetes.io` claim of a projected service-account token. */
export interface KubernetesClaim {
  namespace: string;
  serviceaccount: { name: string; uid: string };
  pod: { name: string; uid: string };
}

/** An OIDC issuer like an EKS cluster's: a signing key, a JWKS, and a token minter. */
export interface OidcIssuer {
  /** The issuer URL (`iss` of every token). */
  readonly url: string;
  /** The public keys, as served at `/keys`. */
  readonly jwks: JsonWebKeySet;
  /** Key id (`kid`) of the current signing key. */
  readonly keyId: string;
  /** Mints a JWT shaped like a projected service-account token. */
  mintToken(options?: MintTokenOptions): Promise<string>;
  /**
   * Generates a new signing key; the old public key stays in the JWKS (as during a real key
   * rotation) unless `dropOld` is true.
   */
  rotateKey(options?: { dropOld?: boolean }): Promise<void>;
  /** Number of HTTP requests the discovery endpoints have served (0 when not serving). */
  readonly requestCount: number;
  /** Stops the HTTP server, if any. Idempotent. */
  close(): Promise<void>;
}

/** `system:serviceaccount:NAMESPACE:NAME`, the `sub` kubelet tokens carry. */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Jwk;
}

async function newSigningKey(): Promise<SigningKey> {
  // jose is ESM-only: loaded on demand so the CommonJS build runs on Node < 20.19 too.
  const { exportJWK, generateKeyPair } = await import("jose");
  const { privateKey, publicKey } = await generateKeyPair(TOKEN_SIGNING_ALGORITHM, { extractable: true });
  const kid = randomBytes(20).toString("hex");
  const publicJwk: Jwk = { ...(await exportJWK(publicKey)), kid, use: "sig", alg: TOKEN_SIGNING_ALGORITHM };
  return { kid, privateKey, publicJwk };
}

function toSeconds(now: number | Date | undefined): number {
  const ms = now === undefined ? Date.now() : typeof now === "number" ? now : now.getTime();
  return Math.floor(ms / 1000);
}

function eksLikeIssuerUrl(): string {
  return `https://oidc.eks.us-east-1.amazonaws.com/id/${randomBytes(16).toString("hex").toUpperCase()}`;
}

/**
 * Creates an OIDC issuer with a fresh RSA key. With `serve: true` (default) it serves
 * discovery and JWKS on 127.0.0.1; with `serve: false` it only mints (handy as "another
 * cluster" whose tokens the local STS must reject).
 *
 * @example
 * ```ts
 * const issuer = await createOidcIssuer();
 * const token = await issuer.mintToken({ namespace: "prod", serviceAccount: "api" });
 * await issuer.close();
 * ```
 */
export async function createOidcIssuer(init: OidcIssuerInit = {}): Promise<OidcIssuer> {
  const keys: SigningKey[] = [await newSigningKey()];
  const current = (): SigningKey => keys[keys.length - 1]!;
  const jwks = (): JsonWebKeySet => ({ keys: keys.map((key) => key.publicJwk) });
  let requestCount = 0;
  let server: LocalHttpServer | undefined;
  let url = init.url ?? eksLikeIssuerUrl();

  if (init.serve ?? true) {
    server = await LocalHttpServer.start((req, res) => {
      requestCount += 1;
      const path = new URL(req.url ?? "/", "http://localhost").pathname;
      const json = (body: unknown): void => {
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
      };
      if (req.method === "GET" && path === "/.well-known/openid-configuration") {
        json({
          issuer: url,
          jwks_uri: `${url}/keys`,
          authorization_endpoint: "urn:kubernetes:programmatic_authorization",
          response_types_supported: ["id_token"],
          subject_types_supported: ["public"],
          claims_supported: ["sub", "iss"],
          id_token_signing_alg_values_supported: [TOKEN_SIGNING_ALGORITHM],
        });
      } else if (req.method === "GET" && path === "/keys") {
        json(jwks());
      } else {
        res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      }
    });
    url = server.origin;
  }

  return {
    get url() {
      return url;
    },
    get jwks() {
      return jwks();
    },
    get keyId() {
      return current().kid;
    },
    get requestCount() {
      return requestCount;
    },
    async mintToken(options: MintTokenOptions = {}): Promise<string> {
      const namespace = options.namespace ?? DEFAULT_NAMESPACE;
      const serviceAccount = options.serviceAccount ?? DEFAULT_SERVICE_ACCOUNT;
      const audience = options.audience ?? DEFAULT_TOKEN_AUDIENCE;
      const iat = options.issuedAt ?? toSeconds(options.now);
      const exp = options.expiresAt ?? iat + (options.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS);
      const kubernetes: KubernetesClaim = {
        namespace,
        serviceaccount: { name: serviceAccount, uid: randomUUID() },
        pod: { name: options.podName ?? `${serviceAccount}-pod`, uid: randomUUID() },
      };
      const payload: Record<string, unknown> = {
        iss: url,
        sub: serviceAccountSubject(namespace, serviceAccount),
        aud: Array.isArray(audience) ? audience : [audience],
        iat,
        nbf: options.notBefore ?? iat,
        exp,
        jti: randomUUID(),
        "kubernetes.io": kubernetes,
        ...options.claims,
      };
      const key = current();
      const { SignJWT } = await import("jose");
      return new SignJWT(payload).setProtectedHeader({ alg: TOKEN_SIGNING_ALGORITHM, kid: key.kid }).sign(key.privateKey);
    },
    async rotateKey(options: { dropOld?: boolean } = {}): Promise<void> {
      const next = await newSigningKey();
      if (options.dropOld) keys.length = 0;
      keys.push(next);
    },
    async close(): Promise<void> {
      await server?.close();
    },
  };
}
