// JSON Web Key types of the public surface, declared here rather than imported from `jose` so the
// published `.d.ts`/`.d.cts` never import that ESM-only package (a CommonJS consumer type-checking
// without `skipLibCheck` would fail on it). They are structurally compatible with jose's `JWK` and
// `JSONWebKeySet` both ways, so values pass between the two without casts.

/**
 * A JSON Web Key (RFC 7517). A type alias rather than an interface so that it also satisfies
 * the implicit index signature of the `JsonWebKey` types of `@types/node` and `lib.dom`.
 */
export type Jwk = {
  /** Key type: `"RSA"`, `"EC"`, `"OKP"`, `"oct"`, ... */
  kty?: string;
  /** Algorithm the key is meant for, e.g. `"RS256"`. */
  alg?: string;
  /** Public key use: `"sig"` or `"enc"`. */
  use?: string;
  /** Key id, matched against a token's `kid` header. */
  kid?: string;
  /** Permitted operations (`"verify"`, ...). */
  key_ops?: string[];
  /** Web Crypto extractable flag. */
  ext?: boolean;
  /** X.509 certificate chain (base64 DER). */
  x5c?: string[];
  /** X.509 certificate SHA-1 thumbprint (base64url). */
  x5t?: string;
  /** X.509 certificate SHA-256 thumbprint (base64url). */
  "x5t#S256"?: string;
  /** URL of an X.509 certificate chain. */
  x5u?: string;
  /** RSA modulus (base64url). */
  n?: string;
  /** RSA public exponent (base64url). */
  e?: string;
  /** EC curve or OKP subtype. */
  crv?: string;
  /** EC x-coordinate or OKP public key (base64url). */
  x?: string;
  /** EC y-coordinate (base64url). */
  y?: string;
};

/** A JWK Set (RFC 7517, section 5), as served at an OIDC issuer's `jwks_uri`. */
export interface JsonWebKeySet {
  /** The keys. */
  keys: Jwk[];
}
