import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { FaultInjector } from "../fault-injector.js";
import { LocalHttpServer, readBody } from "../local-http-server.js";
import { assumeRole } from "./action-assume-role.js";
import { assumeRoleWithWebIdentity } from "./action-assume-role-with-web-identity.js";
import { getCallerIdentity } from "./action-get-caller-identity.js";
import { applyFault } from "./apply-fault.js";
import {
  DEFAULT_LOCAL_STS_REGION,
  STS_ACTIONS,
  type LocalSts,
  type LocalStsActionStats,
  type LocalStsInit,
  type LocalStsRequest,
  type StsAction,
} from "./local-sts-types.js";
import { queryParams, requireSessionName, DEFAULT_DURATION_SECONDS, STS_API_VERSION } from "./request-params.js";
import { send, sendError, sendHostile } from "./respond.js";
import { StsError, validationError } from "./sts-error.js";
import { LocalStsState } from "./sts-state.js";

export { DEFAULT_LOCAL_STS_REGION } from "./local-sts-types.js";
export type {
  IssueCredentialsOptions,
  LocalSts,
  LocalStsActionStats,
  LocalStsInit,
  LocalStsRequest,
  StsAction,
} from "./local-sts-types.js";

/** Runs the action's handler and returns its XML result; throws the StsError to answer. */
function runAction(state: LocalStsState, req: IncomingMessage, body: string, params: Map<string, string>, record: LocalStsRequest): Promise<string> {
  const action = record.action;
  if (action === undefined) throw new StsError("MissingAction", 400, "Missing Action");
  if (!STS_ACTIONS.has(action) || params.get("Version") !== STS_API_VERSION) {
    throw new StsError("InvalidAction", 400, `Could not find operation ${action} for version ${params.get("Version") ?? "NO_VERSION_SPECIFIED"}`);
  }
  if (action === "AssumeRoleWithWebIdentity") return assumeRoleWithWebIdentity(state, params, record);
  if (action === "GetCallerIdentity") return getCallerIdentity(state, req, body, record);
  return assumeRole(state, req, body, params, record);
}

function statsOf(requests: readonly LocalStsRequest[]): Record<string, LocalStsActionStats> {
  const stats: Record<string, LocalStsActionStats> = {};
  for (const request of requests) {
    const entry = (stats[request.action ?? "(none)"] ??= { calls: 0, successes: 0, failures: 0 });
    entry.calls += 1;
    if (request.status === 200 && request.fault === undefined) entry.successes += 1;
    else entry.failures += 1;
  }
  return stats;
}

/**
 * Starts an STS emulator on 127.0.0.1 (random port) speaking the Query protocol:
 * AssumeRoleWithWebIdentity (token verified against the issuers' keys and the role's trust),
 * GetCallerIdentity and AssumeRole (SigV4 verified against the credentials it issued). It can play
 * a broken or hostile STS: `faults` (errors, drops, hangs) and `hostile` (skewed clock, oversized
 * or slow bodies, far-future expirations, answers for another role).
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
  const state = new LocalStsState(init);
  const faults = new FaultInjector<StsAction>();
  let requests: LocalStsRequest[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse, self: LocalHttpServer): Promise<void> => {
    const record: LocalStsRequest = { time: Date.now(), requestId: randomUUID(), action: undefined, status: 0 };
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      requests.push(record);
      sendError(res, validationError("Request body could not be read"), record, state.now());
      return;
    }
    const params = queryParams(req.url ?? "/", body, req.headers["content-type"]);
    record.action = params.get("Action");
    requests.push(record);

    if (faults.latencyMs > 0 && !(await self.delay(faults.latencyMs))) return;
    const fault = faults.take(record.action !== undefined && STS_ACTIONS.has(record.action) ? (record.action as StsAction) : undefined);
    if (fault) return applyFault(fault, req, res, record, self, state.now());
    let xml: string;
    try {
      xml = await runAction(state, req, body, params, record);
    } catch (error) {
      const answer = error instanceof StsError ? error : new StsError("InternalFailure", 500, "An internal error occurred in the local STS.");
      sendError(res, answer, record, state.now());
      return;
    }
    record.status = 200;
    const hostileBody = state.hostile.takeBody();
    if (hostileBody === undefined) return send(res, 200, xml, record.requestId, state.now());
    record.hostile = hostileBody.kind;
    await sendHostile(res, xml, hostileBody, record.requestId, state.now(), self);
  };
  const server = await LocalHttpServer.start(handle);

  return {
    get endpoint() {
      return server.origin;
    },
    region,
    faults,
    hostile: state.hostile,
    get requests() {
      return requests;
    },
    get stats() {
      return statsOf(requests);
    },
    calls(action?: StsAction): number {
      return action === undefined ? requests.length : requests.filter((r) => r.action === action).length;
    },
    issuedCredentials: state.issued,
    isIssued: (accessKeyId) => state.issued.has(accessKeyId),
    expireCredentials(accessKeyId) {
      const credentials = state.issued.get(accessKeyId);
      if (!credentials) throw new Error(`the local STS did not issue ${accessKeyId}`);
      credentials.expiration = new Date(Math.min(credentials.expiration.getTime(), state.now()));
    },
    issueCredentials(options) {
      const lifetime = options.lifetimeSeconds ?? state.lifetimeFor(DEFAULT_DURATION_SECONDS);
      return state.issue(options.roleArn, requireSessionName(options.sessionName ?? "local-session"), lifetime, "direct");
    },
    addRole: (role) => state.addRole(role),
    addIssuer: (issuer) => state.addIssuer(issuer),
    reset() {
      requests = [];
      faults.clear();
      state.hostile.clear();
    },
    get openConnections() {
      return server.openConnections;
    },
    close: () => server.close(),
  };
}
