import type { FaultInjector, InjectedFault } from "../fault-injector.js";
import type { OidcIssuer } from "../oidc-issuer.js";
import type { LocalStsHostile } from "./hostile.js";
import type { IssuedCredentials } from "./issued-credentials.js";
import type { LocalRole, TrustedIssuer } from "./trust.js";

/** Region reported by the local STS when none is given. */
export const DEFAULT_LOCAL_STS_REGION = "us-east-1";

/** The STS actions the local STS implements. */
export type StsAction = "AssumeRoleWithWebIdentity" | "GetCallerIdentity" | "AssumeRole";

/** The actions, for membership tests. */
export const STS_ACTIONS: ReadonlySet<string> = new Set<StsAction>(["AssumeRoleWithWebIdentity", "GetCallerIdentity", "AssumeRole"]);

/** Options of {@link startLocalSts}. */
export interface LocalStsInit {
  /** Identity providers whose tokens are accepted (`iss` must match one). Default none. */
  issuers?: Array<OidcIssuer | TrustedIssuer>;
  /** Roles and their trust. Default none. */
  roles?: LocalRole[];
  /** Region the emulator says it serves (informational). Default `"us-east-1"`. */
  region?: string;
  /**
   * TEST-ONLY: lifetime of every issued set in seconds, whatever `DurationSeconds` says (lets a
   * demo use 20-second credentials). Default: the requested duration.
   */
  credentialLifetimeSeconds?: number;
}

/** One request as the local STS saw it. No secrets. */
export interface LocalStsRequest {
  /** `Date.now()` when the request arrived. */
  time: number;
  /** Request id sent back in the response (`x-amzn-RequestId` and the XML). */
  requestId: string;
  /** The `Action` parameter, when present. */
  action: string | undefined;
  /** HTTP status answered; 0 when no answer was given (dropped or hung). */
  status: number;
  /** Error code answered, if any. */
  errorCode?: string;
  /** Fault injected into this request, if any. */
  fault?: InjectedFault["kind"];
  /** Hostile answer played for this request, if any (see {@link LocalStsHostile}). */
  hostile?: "oversized" | "slow-drip";
  /** `RoleArn` requested (AssumeRole*), or the caller's role (GetCallerIdentity). */
  roleArn?: string;
  /** `RoleSessionName` requested. */
  sessionName?: string;
  /** `jti` of the web identity token carried (even when the token was rejected). */
  jti?: string;
  /** `sub` of the web identity token carried. */
  subject?: string;
  /** Access key that signed the request (signed actions). */
  accessKeyId?: string;
  /** Access key issued by this request, when it succeeded. */
  issuedAccessKeyId?: string;
}

/** Per-action counters. */
export interface LocalStsActionStats {
  calls: number;
  successes: number;
  failures: number;
}

/** Options of {@link LocalSts.issueCredentials}. */
export interface IssueCredentialsOptions {
  /** Role the credentials act as (need not be configured). */
  roleArn: string;
  /** Session name. Default `"local-session"`. */
  sessionName?: string;
  /** Lifetime in seconds. Default: `credentialLifetimeSeconds`, else 3600. */
  lifetimeSeconds?: number;
}

/** A running local STS. */
export interface LocalSts {
  /** `http://127.0.0.1:PORT`: set it as the STS client's `endpoint`. */
  readonly endpoint: string;
  /** The region it reports. */
  readonly region: string;
  /** Fault injection (bounded). */
  readonly faults: FaultInjector<StsAction>;
  /**
   * Hostile answers: a skewed server clock, oversized and slow-drip bodies, far-future
   * expirations, answers for another role. For testing a client's distrust of STS.
   */
  readonly hostile: LocalStsHostile;
  /** Every request since start or `reset()`, oldest first. */
  readonly requests: readonly LocalStsRequest[];
  /** Counters per action since start or `reset()`. */
  readonly stats: Readonly<Record<string, LocalStsActionStats>>;
  /** Number of requests (all, or of one action) since start or `reset()`, faults included. */
  calls(action?: StsAction): number;
  /** Every set issued, by access key id (values redact their secrets when printed). */
  readonly issuedCredentials: ReadonlyMap<string, IssuedCredentials>;
  /** True when this STS issued `accessKeyId`. */
  isIssued(accessKeyId: string): boolean;
  /** Marks an issued set as expired now; later signed calls with it get `ExpiredToken`. */
  expireCredentials(accessKeyId: string): void;
  /** Mints a set for a role directly (used by the local IMDS and container endpoint). */
  issueCredentials(options: IssueCredentialsOptions): IssuedCredentials;
  /** Adds a role (or replaces the one with the same ARN). */
  addRole(role: LocalRole): void;
  /** Trusts another identity provider. */
  addIssuer(issuer: OidcIssuer | TrustedIssuer): void;
  /** Clears the request log, counters, faults and hostile settings (issued credentials stay valid). */
  reset(): void;
  /** Number of open client connections. */
  readonly openConnections: number;
  /** Stops the server, destroys open connections and pending timers. Idempotent. */
  close(): Promise<void>;
}
