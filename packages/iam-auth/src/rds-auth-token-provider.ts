// RDS/Aurora IAM auth tokens from @aws-sdk/rds-signer, signed with a set that lives at least 15
// minutes (+ a margin) more, reused while they still have enough life for a login.
import { fromWebIdentity } from "@irsa/web-identity";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { authTokenExpiresAt } from "./auth-token-expiry.js";
import { IamAuthConfigurationError } from "./errors.js";
import { checkKnownOptions, optionalFunction, optionalInteger, requirePort, requireString } from "./init-checks.js";
import { signingRegion } from "./connections/options.js";
import { peerModule, type PeerLoader } from "./peer-loader.js";
import { sharedSigningCredentials } from "./signing-credentials.js";

/** Life of an RDS IAM auth token as `@aws-sdk/rds-signer` signs it (`X-Amz-Expires=900`). */
export const RDS_AUTH_TOKEN_LIFETIME_MS = 15 * 60_000;
/** Life asked of the signing set beyond the token's 15 minutes. */
export const RDS_SIGNING_MARGIN_MS = 60_000;
/** Default of `minimumTokenLifeMs`: a token is reused while it has at least 10 minutes left. */
export const DEFAULT_MINIMUM_TOKEN_LIFE_MS = 10 * 60_000;

/** Options of {@link createRdsAuthTokenProvider}, as `@aws-sdk/rds-signer`'s `Signer` takes them. */
export interface RdsAuthTokenProviderInit {
  /** The database's endpoint host name, as clients connect to it (the token is signed for it). Required. */
  hostname: string;
  /** The database's port (5432, 3306, ...). Required. */
  port: number;
  /** The database user, mapped to IAM (`GRANT rds_iam`). Required. */
  username: string;
  /** The database's region (`eu-west-1`). Default `AWS_REGION`, then `AWS_DEFAULT_REGION`; required when neither is set. */
  region?: string;
  /** Credentials to sign with. Default `fromWebIdentity()` (the shared engine of the pod's identity). */
  credentials?: AwsCredentialIdentityProvider;
  /**
   * A token is handed out again while it has at least this long to live (by its own `X-Amz-Date` +
   * 15 min); the set behind it lives longer still. Milliseconds, 60000 to 840000. Default 600000.
   */
  minimumTokenLifeMs?: number;
  /** Clock in epoch ms, read at each call. Default `Date.now`. */
  now?: () => number;
  /** Loads `@aws-sdk/rds-signer` (a {@link PeerLoader}; tests simulate a missing peer). Default a dynamic `import()`. */
  loadPeer?: PeerLoader;
}

/** Counters of an {@link RdsAuthTokenProvider}. */
export interface RdsAuthTokenStats {
  /** Tokens signed with `@aws-sdk/rds-signer`. */
  readonly tokensSigned: number;
  /** Calls answered with a token signed before. */
  readonly tokensReused: number;
}

/** A function answering an RDS IAM auth token: pass it as the password of `pg` or `postgres`. */
export interface RdsAuthTokenProvider {
  /** A token with at least `minimumTokenLifeMs` to live, signed by a set that outlives it. */
  (): Promise<string>;
  /** The host name the tokens are signed for. */
  readonly hostname: string;
  /** The port the tokens are signed for. */
  readonly port: number;
  /** The database user the tokens are signed for. */
  readonly username: string;
  /** The signing region. */
  readonly region: string;
  /** Counters. */
  readonly stats: RdsAuthTokenStats;
}

const FN = "createRdsAuthTokenProvider";
const KNOWN_OPTIONS = ["hostname", "port", "username", "region", "credentials", "minimumTokenLifeMs", "now", "loadPeer"] as const;

interface RdsSigner {
  getAuthToken(): Promise<string>;
}
type RdsSignerModule = { Signer: new (config: Record<string, unknown>) => RdsSigner };

/**
 * An RDS/Aurora IAM auth token provider over `@aws-sdk/rds-signer` (loaded on first use). Tokens
 * are signed with credentials that live at least 16 more minutes (so a token never dies before
 * its 15 minutes), and one token is reused while it has `minimumTokenLifeMs` left: a pool opening
 * 50 connections signs once. Bad options throw an {@link IamAuthConfigurationError} naming them.
 *
 * @example
 * ```ts
 * const password = createRdsAuthTokenProvider({ hostname: "db.abc.eu-west-1.rds.amazonaws.com", port: 5432, username: "app", region: "eu-west-1" });
 * const pool = new pg.Pool({ host: "db.abc.eu-west-1.rds.amazonaws.com", port: 5432, user: "app", password, ssl: true });
 * ```
 */
export function createRdsAuthTokenProvider(init: RdsAuthTokenProviderInit): RdsAuthTokenProvider {
  const options = checkKnownOptions(FN, init, KNOWN_OPTIONS) as Partial<RdsAuthTokenProviderInit>;
  const hostname = requireString(FN, "hostname", options.hostname, "the database endpoint the clients connect to");
  const port = requirePort(FN, "port", options.port);
  const username = requireString(FN, "username", options.username, "the database user granted rds_iam");
  const region = signingRegion(FN, options.region);
  const minimumTokenLifeMs = optionalInteger(FN, "minimumTokenLifeMs", options.minimumTokenLifeMs, {
    min: 60_000,
    max: RDS_AUTH_TOKEN_LIFETIME_MS - 60_000,
    fallback: DEFAULT_MINIMUM_TOKEN_LIFE_MS,
    unit: "milliseconds",
  });
  const now = optionalFunction<() => number>(FN, "now", options.now, "a clock in epoch ms") ?? (() => Date.now());
  const given = optionalFunction<AwsCredentialIdentityProvider>(FN, "credentials", options.credentials, "a credential provider such as fromWebIdentity()");
  const loader = optionalFunction<PeerLoader>(FN, "loadPeer", options.loadPeer, "a module loader");
  const signerModule = peerModule<RdsSignerModule>({ packageName: "@aws-sdk/rds-signer", neededBy: FN, loader });
  const credentials = sharedSigningCredentials(given ?? fromWebIdentity(), RDS_AUTH_TOKEN_LIFETIME_MS + RDS_SIGNING_MARGIN_MS, {
    fn: FN,
    option: "credentials",
    what: "a 15-minute RDS token",
  });

  let signer: RdsSigner | undefined;
  let cached: { token: string; expiresAt: number } | undefined;
  let signing: Promise<string> | undefined;
  const stats = { tokensSigned: 0, tokensReused: 0 };

  async function sign(): Promise<string> {
    signer ??= new (await signerModule()).Signer({ hostname, port, username, region, credentials });
    const signedAt = now();
    const token = await signer.getAuthToken();
    stats.tokensSigned++;
    cached = { token, expiresAt: authTokenExpiresAt(token) ?? signedAt + RDS_AUTH_TOKEN_LIFETIME_MS };
    return token;
  }

  const provider = async (): Promise<string> => {
    if (cached !== undefined && cached.expiresAt - now() >= minimumTokenLifeMs) {
      stats.tokensReused++;
      return cached.token;
    }
    // One signing at a time: concurrent logins share it.
    signing ??= sign().finally(() => {
      signing = undefined;
    });
    return signing;
  };
  Object.defineProperties(provider, {
    hostname: { value: hostname, enumerable: true },
    port: { value: port, enumerable: true },
    username: { value: username, enumerable: true },
    region: { value: region, enumerable: true },
    stats: { get: () => ({ ...stats }), enumerable: true },
  });
  return provider as RdsAuthTokenProvider;
}

