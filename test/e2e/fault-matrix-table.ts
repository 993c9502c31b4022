// The fault matrix: every STS fault against every state of the cache, with the outcome pinned.
// `fault-matrix.test.ts` runs each row end to end and checks the outcome; `render-failure-table.ts`
// writes the same rows into docs/failure-behaviour.md and the README, and
// `fault-matrix-doc.test.ts` fails when those files drift from this table.

import type { FaultInjector, StsAction } from "@irsa/testing";

const ACTION = "AssumeRoleWithWebIdentity" as const;

/** Where the cached set stands when the fault hits (on the engine's clock). */
export const CACHE_STATES = ["nothing cached", "advisory window", "mandatory window", "expired"] as const;
export type CacheState = (typeof CACHE_STATES)[number];

/** One way STS can fail, and how to make the local STS fail that way for the next `times` calls. */
export interface StsFault {
  readonly name: string;
  /** True when STS never answers: the attempt timeout ends each call. */
  readonly hangs?: boolean;
  inject(faults: FaultInjector<StsAction>, times: number): void;
}

const answer = (code: string, status: number | undefined, message: string | undefined) =>
  (faults: FaultInjector<StsAction>, times: number) => {
    faults.failNext(times, {
      code,
      action: ACTION,
      ...(status !== undefined && { status }),
      ...(message !== undefined && { message }),
    });
  };

/** The faults of the matrix. */
export const F = {
  internalFailure: { name: "InternalFailure (HTTP 500)", inject: answer("InternalFailure", 500, undefined) },
  serviceUnavailable: { name: "ServiceUnavailable (HTTP 503)", inject: answer("ServiceUnavailable", 503, undefined) },
  throttling: { name: "Throttling", inject: answer("Throttling", 400, "Rate exceeded") },
  idpCommunication: { name: "IDPCommunicationError", inject: answer("IDPCommunicationError", 400, undefined) },
  verificationKey: {
    name: "InvalidIdentityToken: Couldn't retrieve verification key",
    inject: answer(
      "InvalidIdentityToken",
      400,
      "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements",
    ),
  },
  wrongAudience: { name: "InvalidIdentityToken: wrong audience", inject: answer("InvalidIdentityToken", 400, "Incorrect token audience") },
  expiredToken: {
    name: "ExpiredTokenException",
    inject: answer("ExpiredTokenException", 400, "Token expired: current date/time must be before the expiration date/time"),
  },
  accessDenied: { name: "AccessDenied (HTTP 403)", inject: answer("AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity") },
  validation: {
    name: "ValidationError",
    inject: answer(
      "ValidationError",
      400,
      "1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2",
    ),
  },
  regionDisabled: {
    name: "RegionDisabledException (HTTP 403)",
    inject: answer(
      "RegionDisabledException",
      403,
      "STS is not activated in this region for account:111122223333. Your account administrator can activate STS in this region using the IAM Console.",
    ),
  },
  malformedXml: { name: "malformed XML (HTTP 200)", inject: (faults, times) => void faults.malformedNext(times, { action: ACTION }) },
  emptyBody: { name: "empty body (HTTP 200)", inject: (faults, times) => void faults.emptyNext(times, { action: ACTION }) },
  connectionReset: { name: "connection reset", inject: (faults, times) => void faults.dropNext(times, { action: ACTION }) },
  hang: {
    name: "no response (hang)",
    hangs: true,
    inject: (faults, times) => void faults.hangNext(times, { maxMs: 60_000, action: ACTION }),
  },
} satisfies Record<string, StsFault>;

/** The faults in the order of the table. */
export const STS_FAULTS: readonly StsFault[] = Object.values(F);

/** What the first caller gets. */
export type CallerGets = "new credentials" | "cached credentials" | "cached credentials, expired" | `error: ${string}`;

/** The outcome of one refresh (the one the caller waited for, or the background one). */
export interface RefreshOutcome {
  /** What the caller's request was signed with, or the error it got. */
  readonly caller: CallerGets;
  /** How the refresh ended: `new set`, or the error's class and whether it is recoverable. */
  readonly refresh: string;
  /** AssumeRoleWithWebIdentity calls made by that refresh. */
  readonly stsCalls: number;
  /** Whether the engine started a backoff: 5-10 min with a valid set (clamped to its expiry), else the 1-30 s recovery backoff. */
  readonly backoff: boolean;
  /** What a second call at the same instant gets. */
  readonly nextCall: "cached, no STS call" | "same error, no STS call" | "calls STS again";
}

/** The outcome when only one STS call fails and the next answers. */
export interface SingleFaultOutcome {
  readonly caller: CallerGets;
  readonly refresh: string;
  readonly stsCalls: number;
}

export interface MatrixRow {
  readonly fault: string;
  readonly state: CacheState;
  /** STS fails every call for the whole refresh. */
  readonly persistent: RefreshOutcome;
  /** STS fails one call only. */
  readonly once: SingleFaultOutcome;
}

// --- the pinned rows ------------------------------------------------------------------------
// Conditions: the defaults of `fromWebIdentity` (retry.maxAttempts 3, failureBackoffMs
// 300-600 s, errorCacheMs 1-5 s, a 60 s mandatory window), the cached set lived 15 minutes
// (advisory window 5 min), and the caller is a v3 client asking for credentials once.

const EMPTY = "nothing cached";
const ADVISORY = "advisory window";
const MANDATORY = "mandatory window";
const EXPIRED = "expired";

const NEW: CallerGets = "new credentials";
const CACHED: CallerGets = "cached credentials";
const CACHED_EXPIRED: CallerGets = "cached credentials, expired";
const error = (what: string): CallerGets => `error: ${what}`;

const NEW_SET = "new set";
const FAILS_RECOVERABLE = "fails: StsRequestError, recoverable";
const FAILS_NON_RECOVERABLE = "fails: StsRequestError, non-recoverable";

const NEXT_CACHED = "cached, no STS call";
const NEXT_SAME_ERROR = "same error, no STS call";
const NEXT_CALLS_STS = "calls STS again";

function row(fault: StsFault, state: CacheState, persistent: RefreshOutcome, once: SingleFaultOutcome): MatrixRow {
  return { fault: fault.name, state, persistent, once };
}

/** One row per fault and state: the outcome `fault-matrix.test.ts` checks end to end. */
export const FAILURE_MATRIX: readonly MatrixRow[] = [
  // InternalFailure (HTTP 500)
  row(F.internalFailure, EMPTY, { caller: error("StsRequestError InternalFailure, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.internalFailure, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: NEW_SET, stsCalls: 2 }),
  row(F.internalFailure, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.internalFailure, EXPIRED, { caller: error("StsRequestError InternalFailure, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  // ServiceUnavailable (HTTP 503)
  row(F.serviceUnavailable, EMPTY, { caller: error("StsRequestError ServiceUnavailable, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.serviceUnavailable, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: NEW_SET, stsCalls: 2 }),
  row(F.serviceUnavailable, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.serviceUnavailable, EXPIRED, { caller: error("StsRequestError ServiceUnavailable, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  // Throttling
  row(F.throttling, EMPTY, { caller: error("StsRequestError Throttling, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.throttling, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: NEW_SET, stsCalls: 2 }),
  row(F.throttling, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.throttling, EXPIRED, { caller: error("StsRequestError Throttling, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  // IDPCommunicationError
  row(F.idpCommunication, EMPTY, { caller: error("StsRequestError IDPCommunicationError, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.idpCommunication, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: NEW_SET, stsCalls: 2 }),
  row(F.idpCommunication, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.idpCommunication, EXPIRED, { caller: error("StsRequestError IDPCommunicationError, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  // InvalidIdentityToken: Couldn't retrieve verification key
  row(F.verificationKey, EMPTY, { caller: error("StsRequestError InvalidIdentityToken, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.verificationKey, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: NEW_SET, stsCalls: 2 }),
  row(F.verificationKey, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.verificationKey, EXPIRED, { caller: error("StsRequestError InvalidIdentityToken, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  // InvalidIdentityToken: wrong audience
  row(F.wrongAudience, EMPTY, { caller: error("StsRequestError InvalidIdentityToken, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError InvalidIdentityToken, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.wrongAudience, ADVISORY, { caller: CACHED, refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.wrongAudience, MANDATORY, { caller: error("StsRequestError InvalidIdentityToken, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError InvalidIdentityToken, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.wrongAudience, EXPIRED, { caller: error("StsRequestError InvalidIdentityToken, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError InvalidIdentityToken, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  // ExpiredTokenException: the token is re-read; unchanged, so one call, and recoverable (STS's
  // clock says expired where ours does not: a clock problem, not a configuration one).
  row(F.expiredToken, EMPTY, { caller: error("StsRequestError ExpiredToken, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 1, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError ExpiredToken, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 1 }),
  row(F.expiredToken, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 1, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 1 }),
  row(F.expiredToken, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 1, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 1 }),
  row(F.expiredToken, EXPIRED, { caller: error("StsRequestError ExpiredToken, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 1, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError ExpiredToken, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 1 }),
  // AccessDenied (HTTP 403)
  row(F.accessDenied, EMPTY, { caller: error("StsRequestError AccessDenied, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError AccessDenied, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.accessDenied, ADVISORY, { caller: CACHED, refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.accessDenied, MANDATORY, { caller: error("StsRequestError AccessDenied, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError AccessDenied, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.accessDenied, EXPIRED, { caller: error("StsRequestError AccessDenied, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError AccessDenied, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  // ValidationError
  row(F.validation, EMPTY, { caller: error("StsRequestError ValidationError, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError ValidationError, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.validation, ADVISORY, { caller: CACHED, refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.validation, MANDATORY, { caller: error("StsRequestError ValidationError, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError ValidationError, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.validation, EXPIRED, { caller: error("StsRequestError ValidationError, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError ValidationError, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  // RegionDisabledException (HTTP 403)
  row(F.regionDisabled, EMPTY, { caller: error("StsRequestError RegionDisabled, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError RegionDisabled, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.regionDisabled, ADVISORY, { caller: CACHED, refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.regionDisabled, MANDATORY, { caller: error("StsRequestError RegionDisabled, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError RegionDisabled, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  row(F.regionDisabled, EXPIRED, { caller: error("StsRequestError RegionDisabled, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1, backoff: false, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError RegionDisabled, non-recoverable"), refresh: FAILS_NON_RECOVERABLE, stsCalls: 1 }),
  // malformed XML (HTTP 200): a truncated body the SDK cannot parse. A 2xx that cannot be read is
  // transient (a proxy, a cut connection), so it is retried and backed off like a 5xx.
  row(F.malformedXml, EMPTY, { caller: error("StsRequestError MalformedResponse, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.malformedXml, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: NEW_SET, stsCalls: 2 }),
  row(F.malformedXml, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.malformedXml, EXPIRED, { caller: error("StsRequestError MalformedResponse, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  // empty body (HTTP 200): an answer without credentials, recoverable, not retried within the refresh.
  row(F.emptyBody, EMPTY, { caller: error("StsRequestError MissingCredentials, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 1, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError MissingCredentials, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 1 }),
  row(F.emptyBody, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 1, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 1 }),
  row(F.emptyBody, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 1, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 1 }),
  row(F.emptyBody, EXPIRED, { caller: error("StsRequestError MissingCredentials, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 1, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: error("StsRequestError MissingCredentials, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 1 }),
  // connection reset
  row(F.connectionReset, EMPTY, { caller: error("StsRequestError ECONNRESET, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.connectionReset, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: NEW_SET, stsCalls: 2 }),
  row(F.connectionReset, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.connectionReset, EXPIRED, { caller: error("StsRequestError ECONNRESET, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  // no response (hang)
  row(F.hang, EMPTY, { caller: error("StsRequestError TimeoutError, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.hang, ADVISORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: CACHED, refresh: NEW_SET, stsCalls: 2 }),
  row(F.hang, MANDATORY, { caller: CACHED, refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_CACHED },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
  row(F.hang, EXPIRED, { caller: error("StsRequestError TimeoutError, recoverable"), refresh: FAILS_RECOVERABLE, stsCalls: 3, backoff: true, nextCall: NEXT_SAME_ERROR },
    { caller: NEW, refresh: NEW_SET, stsCalls: 2 }),
];
