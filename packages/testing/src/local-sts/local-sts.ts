import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultInjector, type InjectedFault } from "../fault-injector.js";
import { LocalHttpServer, readBody } from "../local-http-server.js";
import type { OidcIssuer } from "../oidc-issuer.js";
import { parseRoleArn, requireRoleArn } from "./arn.js";
import { IssuedCredentials, type CredentialSource } from "./issued-credentials.js";
import {
  queryParams,
  requireDuration,
  requireSessionName,
  DEFAULT_DURATION_SECONDS,
  ROLE_CHAINING_MAX_SECONDS,
  STS_API_VERSION,
} from "./request-params.js";
import { parseAuthorization, verifySigV4 } from "./sigv4-verifier.js";
import { STS_ERROR_MESSAGE, STS_ERROR_STATUS, StsError, memberValidationError, validationError } from "./sts-error.js";
import { assumedRoleUserTree, credentialsTree, errorXml, malformedXml, successXml } from "./sts-xml.js";
import {
  DEFAULT_MAX_SESSION_DURATION_SECONDS,
  matchesPattern,
  trustAudiences,
  trustIssuerUrl,
  type LocalRole,
  type TrustedIssuer,
} from "./trust.js";
import { verifyWebIdentityToken } from "./web-identity-token.js";

/** Region reported by the local STS when none is given. */
export const DEFAULT_LOCAL_STS_REGION = "us-east-1";

/** The STS actions the local STS implements. */
export type StsAction = "AssumeRoleWithWebIdentity" | "GetCallerIdentity" | "AssumeRole";

const ACTIONS: ReadonlySet<string> = new Set<StsAction>(["AssumeRoleWithWebIdentity", "GetCallerIdentity", "AssumeRole"]);

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
  /** Clears the request log, counters and faults (issued credentials stay valid). */
  reset(): void;
  /** Number of open client connections. */
  readonly openConnections: number;
  /** Stops the server, destroys open connections and pending timers. Idempotent. */
  close(): Promise<void>;
}

function toTrustedIssuer(issuer: OidcIssuer | TrustedIssuer): TrustedIssuer {
  // An OidcIssuer's JWKS is read at verification time so key rotations are seen.
  if ("mintToken" in issuer) {
    return {
      get url() {
        return issuer.url;
      },
      get jwks() {
        return issuer.jwks;
      },
    };
  }
  return issuer;
}

function notAuthorizedToAssume(callerArn: string, roleArn: string): StsError {
  return new StsError("AccessDenied", 403, `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
}

const INVALID_CLIENT_TOKEN = "The security token included in the request is invalid.";

/**
 * Starts an STS emulator on 127.0.0.1 (random port) speaking the Query protocol:
 * AssumeRoleWithWebIdentity (token verified against the issuers' keys and the role's trust),
 * GetCallerIdentity and AssumeRole (SigV4 verified against the credentials it issued).
 *
 * @example
 * ```ts
 * const issuer = await createOidcIssuer();
 * const trust = { issuer, subjects: [serviceAccountSubject("default", "app")] };
 * const sts = await startLocalSts({ issuers: [issuer], roles: [{ roleArn: "arn:aws:iam::111122223333:role/app", trust }] });
 * const client = new STSClient({ region: sts.region, endpoint: sts.endpoint });
 * ```
 */
export async function startLocalSts(init: LocalStsInit = {}): Promise<LocalSts> {
  const region = init.region ?? DEFAULT_LOCAL_STS_REGION;
  const issuers = new Map<string, TrustedIssuer>();
  const issuerList: TrustedIssuer[] = [];
  const roles = new Map<string, LocalRole>();
  const issued = new Map<string, IssuedCredentials>();
  const faults = new FaultInjector<StsAction>();
  let requests: LocalStsRequest[] = [];

  const issuerByUrl = (): ReadonlyMap<string, TrustedIssuer> => {
    issuers.clear();
    for (const issuer of issuerList) issuers.set(issuer.url, issuer);
    return issuers;
  };

  const addRole = (role: LocalRole): void => {
    const parts = parseRoleArn(role.roleArn);
    if (!parts) throw new TypeError(`roleArn must look like arn:aws:iam::123456789012:role/NAME, got ${role.roleArn}`);
    const max = role.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS;
    if (!Number.isInteger(max) || max < 3600 || max > 43_200) {
      throw new RangeError(`maxSessionDurationSeconds must be an integer in 3600-43200, got ${String(max)}`);
    }
    roles.set(role.roleArn, role);
  };
  for (const role of init.roles ?? []) addRole(role);
  for (const issuer of init.issuers ?? []) issuerList.push(toTrustedIssuer(issuer));

  if (init.credentialLifetimeSeconds !== undefined && !(init.credentialLifetimeSeconds > 0)) {
    throw new RangeError("credentialLifetimeSeconds must be a positive number of seconds");
  }

  const issue = (roleArn: string, sessionName: string, lifetimeSeconds: number, source: CredentialSource): IssuedCredentials => {
    const role = requireRoleArn(roleArn);
    const credentials = new IssuedCredentials({
      role,
      roleArn,
      sessionName,
      lifetimeSeconds,
      source,
      nowMs: Date.now(),
    });
    issued.set(credentials.accessKeyId, credentials);
    return credentials;
  };

  /** The issued lifetime: the test-only override when set, else the requested duration. */
  const lifetimeFor = (durationSeconds: number): number => init.credentialLifetimeSeconds ?? durationSeconds;

  /** Checks a signed request and returns the credentials that signed it. */
  const authenticate = async (req: IncomingMessage, body: string, record: LocalStsRequest): Promise<IssuedCredentials> => {
    const auth = parseAuthorization(req.headers.authorization);
    record.accessKeyId = auth.accessKeyId;
    const credentials = issued.get(auth.accessKeyId);
    if (!credentials) throw new StsError("InvalidClientTokenId", 403, INVALID_CLIENT_TOKEN);
    const token = req.headers["x-amz-security-token"];
    if (typeof token !== "string" || !credentials.sessionTokenMatches(token)) {
      throw new StsError("InvalidClientTokenId", 403, INVALID_CLIENT_TOKEN);
    }
    if (credentials.isExpired()) {
      throw new StsError("ExpiredToken", 400, "The security token included in the request is expired");
    }
    if (auth.service !== "sts") {
      throw new StsError("SignatureDoesNotMatch", 403, "Credential should be scoped to correct service: 'sts'.");
    }
    await verifySigV4({ method: req.method ?? "POST", url: req.url ?? "/", headers: req.headers, body }, auth, credentials);
    record.roleArn = credentials.roleArn;
    return credentials;
  };

  const assumeRoleWithWebIdentity = async (params: Map<string, string>, record: LocalStsRequest): Promise<string> => {
    const token = params.get("WebIdentityToken");
    if (token !== undefined) {
      // jose is ESM-only: loaded on demand so the CommonJS build runs on Node < 20.19 too.
      const { decodeJwt } = await import("jose");
      try {
        const claims = decodeJwt(token);
        if (typeof claims.jti === "string") record.jti = claims.jti;
        if (typeof claims.sub === "string") record.subject = claims.sub;
      } catch {
        // Not a JWT: verification below answers InvalidIdentityToken.
      }
    }
    const roleArn = params.get("RoleArn");
    if (roleArn !== undefined) record.roleArn = roleArn;
    const sessionNameParam = params.get("RoleSessionName");
    if (sessionNameParam !== undefined) record.sessionName = sessionNameParam;
    requireRoleArn(roleArn);
    const sessionName = requireSessionName(sessionNameParam);
    if (token === undefined) throw memberValidationError(undefined, "webIdentityToken", "Member must not be null");
    if (token.length < 4 || token.length > 20_000) {
      throw memberValidationError("***", "webIdentityToken", "Member must have length between 4 and 20000");
    }
    const role = roles.get(roleArn!);
    const max = role?.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS;
    const duration = requireDuration(
      params.get("DurationSeconds"),
      max,
      "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
    );
    const identity = await verifyWebIdentityToken(token, issuerByUrl());
    const denied = new StsError("AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
    if (!role?.trust || trustIssuerUrl(role.trust) !== identity.issuer) throw denied;
    const audience = identity.audiences.find((aud) => trustAudiences(role.trust!).includes(aud));
    if (audience === undefined) throw new StsError("InvalidIdentityToken", 400, "Incorrect token audience");
    if (!role.trust.subjects.some((pattern) => matchesPattern(pattern, identity.subject))) throw denied;
    const credentials = issue(roleArn!, sessionName, lifetimeFor(duration), "AssumeRoleWithWebIdentity");
    record.issuedAccessKeyId = credentials.accessKeyId;
    return successXml(
      "AssumeRoleWithWebIdentity",
      {
        Credentials: credentialsTree(credentials),
        SubjectFromWebIdentityToken: identity.subject,
        AssumedRoleUser: assumedRoleUserTree(credentials),
        Provider: identity.issuer,
        Audience: audience,
      },
      record.requestId,
    );
  };

  const getCallerIdentity = async (req: IncomingMessage, body: string, record: LocalStsRequest): Promise<string> => {
    const caller = await authenticate(req, body, record);
    return successXml(
      "GetCallerIdentity",
      { UserId: caller.assumedRoleId, Account: caller.accountId, Arn: caller.assumedRoleArn },
      record.requestId,
    );
  };

  const assumeRole = async (
    req: IncomingMessage,
    body: string,
    params: Map<string, string>,
    record: LocalStsRequest,
  ): Promise<string> => {
    const caller = await authenticate(req, body, record);
    const roleArn = params.get("RoleArn");
    requireRoleArn(roleArn);
    record.roleArn = roleArn;
    const sessionName = requireSessionName(params.get("RoleSessionName"));
    record.sessionName = sessionName;
    const role = roles.get(roleArn!);
    const max = Math.min(role?.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS, ROLE_CHAINING_MAX_SECONDS);
    const duration = requireDuration(
      params.get("DurationSeconds"),
      max,
      "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.",
    );
    const mayAssume = role?.assumableBy?.some((pattern) => matchesPattern(pattern, caller.roleArn)) ?? false;
    if (!role || !mayAssume) throw notAuthorizedToAssume(caller.assumedRoleArn, roleArn!);
    const externalId = params.get("ExternalId");
    if (externalId !== undefined && !/^[\w+=,.@:/-]{2,1224}$/.test(externalId)) {
      throw memberValidationError(externalId, "externalId", "Member must satisfy regular expression pattern: [\\w+=,.@:\\/-]*");
    }
    if (role.externalId !== undefined && role.externalId !== externalId) {
      throw notAuthorizedToAssume(caller.assumedRoleArn, roleArn!);
    }
    const credentials = issue(roleArn!, sessionName, lifetimeFor(duration), "AssumeRole");
    record.issuedAccessKeyId = credentials.accessKeyId;
    return successXml(
      "AssumeRole",
      { Credentials: credentialsTree(credentials), AssumedRoleUser: assumedRoleUserTree(credentials) },
      record.requestId,
    );
  };

  const send = (res: ServerResponse, status: number, body: string, requestId: string): void => {
    if (res.destroyed) return;
    res.writeHead(status, {
      "content-type": "text/xml",
      "content-length": Buffer.byteLength(body),
      "x-amzn-requestid": requestId,
    });
    res.end(body);
  };

  const sendError = (res: ServerResponse, error: StsError, record: LocalStsRequest): void => {
    record.status = error.status;
    record.errorCode = error.code;
    send(res, error.status, errorXml(error, record.requestId), record.requestId);
  };

  const applyFault = async (
    fault: InjectedFault,
    req: IncomingMessage,
    res: ServerResponse,
    record: LocalStsRequest,
    server: LocalHttpServer,
  ): Promise<void> => {
    record.fault = fault.kind;
    switch (fault.kind) {
      case "fail": {
        const code = fault.code ?? (fault.status !== undefined && fault.status < 500 ? "Throttling" : "InternalFailure");
        const status = fault.status ?? STS_ERROR_STATUS[code] ?? 400;
        const message = fault.message ?? STS_ERROR_MESSAGE[code] ?? `Injected ${code}`;
        sendError(res, new StsError(code, status, message), record);
        return;
      }
      case "drop":
        req.socket.destroy();
        return;
      case "hang":
        if (await server.delay(fault.maxMs)) req.socket.destroy();
        return;
      case "malformed":
        record.status = 200;
        send(res, 200, malformedXml(record.action ?? "Unknown"), record.requestId);
        return;
      case "empty":
        record.status = 200;
        send(res, 200, "", record.requestId);
        return;
    }
  };

  const server = await LocalHttpServer.start(async (req, res, self) => {
    const record: LocalStsRequest = { time: Date.now(), requestId: randomUUID(), action: undefined, status: 0 };
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      requests.push(record);
      sendError(res, validationError("Request body could not be read"), record);
      return;
    }
    const params = queryParams(req.url ?? "/", body, req.headers["content-type"]);
    record.action = params.get("Action");
    requests.push(record);

    if (faults.latencyMs > 0 && !(await self.delay(faults.latencyMs))) return;
    const action = record.action !== undefined && ACTIONS.has(record.action) ? (record.action as StsAction) : undefined;
    const fault = faults.take(action);
    if (fault) {
      await applyFault(fault, req, res, record, self);
      return;
    }
    try {
      if (record.action === undefined) throw new StsError("MissingAction", 400, "Missing Action");
      if (!action || params.get("Version") !== STS_API_VERSION) {
        throw new StsError("InvalidAction", 400, `Could not find operation ${record.action} for version ${params.get("Version") ?? "NO_VERSION_SPECIFIED"}`);
      }
      let xml: string;
      if (action === "AssumeRoleWithWebIdentity") xml = await assumeRoleWithWebIdentity(params, record);
      else if (action === "GetCallerIdentity") xml = await getCallerIdentity(req, body, record);
      else xml = await assumeRole(req, body, params, record);
      record.status = 200;
      send(res, 200, xml, record.requestId);
    } catch (error) {
      if (error instanceof StsError) sendError(res, error, record);
      else sendError(res, new StsError("InternalFailure", 500, "An internal error occurred in the local STS."), record);
    }
  });

  return {
    get endpoint() {
      return server.origin;
    },
    region,
    faults,
    get requests() {
      return requests;
    },
    get stats() {
      const stats: Record<string, LocalStsActionStats> = {};
      for (const request of requests) {
        const key = request.action ?? "(none)";
        const entry = (stats[key] ??= { calls: 0, successes: 0, failures: 0 });
        entry.calls += 1;
        if (request.status === 200 && request.fault === undefined) entry.successes += 1;
        else entry.failures += 1;
      }
      return stats;
    },
    calls(action?: StsAction): number {
      return action === undefined ? requests.length : requests.filter((r) => r.action === action).length;
    },
    issuedCredentials: issued,
    isIssued: (accessKeyId) => issued.has(accessKeyId),
    expireCredentials(accessKeyId) {
      const credentials = issued.get(accessKeyId);
      if (!credentials) throw new Error(`the local STS did not issue ${accessKeyId}`);
      credentials.expiration = new Date(Math.min(credentials.expiration.getTime(), Date.now()));
    },
    issueCredentials(options) {
      return issue(options.roleArn, requireSessionName(options.sessionName ?? "local-session"), options.lifetimeSeconds ?? lifetimeFor(DEFAULT_DURATION_SECONDS), "direct");
    },
    addRole,
    addIssuer(issuer) {
      issuerList.push(toTrustedIssuer(issuer));
    },
    reset() {
      requests = [];
      faults.clear();
    },
    get openConnections() {
      return server.openConnections;
    },
    close: () => server.close(),
  };
}
