import type { IncomingMessage } from "node:http";
import { requireRoleArn } from "./arn.js";
import { answeredRoleUser } from "./assumed-role-user.js";
import { authenticate } from "./authenticate.js";
import type { LocalStsRequest } from "./local-sts-types.js";
import { ROLE_CHAINING_MAX_SECONDS, requireDuration, requireSessionName } from "./request-params.js";
import { StsError, memberValidationError } from "./sts-error.js";
import type { LocalStsState } from "./sts-state.js";
import { credentialsTree, successXml } from "./sts-xml.js";
import { DEFAULT_MAX_SESSION_DURATION_SECONDS, matchesPattern } from "./trust.js";

function notAuthorizedToAssume(callerArn: string, roleArn: string): StsError {
  return new StsError("AccessDenied", 403, `User: ${callerArn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
}

/**
 * `AssumeRole` (SigV4, a role-chain hop): the caller must be in the role's `assumableBy`, with
 * the right `ExternalId`; role chaining caps the session at one hour.
 */
export async function assumeRole(
  state: LocalStsState,
  req: IncomingMessage,
  body: string,
  params: Map<string, string>,
  record: LocalStsRequest,
): Promise<string> {
  const caller = await authenticate(state, req, body, record);
  const roleArn = params.get("RoleArn");
  requireRoleArn(roleArn);
  record.roleArn = roleArn;
  const sessionName = requireSessionName(params.get("RoleSessionName"));
  record.sessionName = sessionName;
  const role = state.roles.get(roleArn!);
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
  const credentials = state.issue(roleArn!, sessionName, state.lifetimeFor(duration), "AssumeRole");
  record.issuedAccessKeyId = credentials.accessKeyId;
  return successXml(
    "AssumeRole",
    { Credentials: credentialsTree(credentials), AssumedRoleUser: answeredRoleUser(credentials, state.hostile) },
    record.requestId,
  );
}
