import { requireRoleArn } from "./arn.js";
import { answeredRoleUser } from "./assumed-role-user.js";
import type { LocalStsRequest } from "./local-sts-types.js";
import { requireDuration, requireSessionName } from "./request-params.js";
import { StsError, memberValidationError } from "./sts-error.js";
import type { LocalStsState } from "./sts-state.js";
import { credentialsTree, successXml } from "./sts-xml.js";
import { DEFAULT_MAX_SESSION_DURATION_SECONDS, matchesPattern, trustAudiences, trustIssuerUrl } from "./trust.js";
import { verifyWebIdentityToken } from "./web-identity-token.js";

/** Notes the token's `jti` and `sub` in the request log, even when the token is rejected later. */
async function recordClaims(token: string | undefined, record: LocalStsRequest): Promise<void> {
  if (token === undefined) return;
  // jose is ESM-only: loaded on demand so the CommonJS build runs on Node < 20.19 too.
  const { decodeJwt } = await import("jose");
  try {
    const claims = decodeJwt(token);
    if (typeof claims.jti === "string") record.jti = claims.jti;
    if (typeof claims.sub === "string") record.subject = claims.sub;
  } catch {
    // Not a JWT: verification answers InvalidIdentityToken.
  }
}

/**
 * `AssumeRoleWithWebIdentity` (unsigned): the token verified against the issuers' keys on the
 * server's clock, then the role's trust (issuer, audience, subject); answers the XML result.
 */
export async function assumeRoleWithWebIdentity(state: LocalStsState, params: Map<string, string>, record: LocalStsRequest): Promise<string> {
  const token = params.get("WebIdentityToken");
  await recordClaims(token, record);
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
  const role = state.roles.get(roleArn!);
  const max = role?.maxSessionDurationSeconds ?? DEFAULT_MAX_SESSION_DURATION_SECONDS;
  const duration = requireDuration(
    params.get("DurationSeconds"),
    max,
    "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
  );
  const identity = await verifyWebIdentityToken(token, state.issuerByUrl(), state.now());
  const denied = new StsError("AccessDenied", 403, "Not authorized to perform sts:AssumeRoleWithWebIdentity");
  if (!role?.trust || trustIssuerUrl(role.trust) !== identity.issuer) throw denied;
  const audience = identity.audiences.find((aud) => trustAudiences(role.trust!).includes(aud));
  if (audience === undefined) throw new StsError("InvalidIdentityToken", 400, "Incorrect token audience");
  if (!role.trust.subjects.some((pattern) => matchesPattern(pattern, identity.subject))) throw denied;
  const credentials = state.issue(roleArn!, sessionName, state.lifetimeFor(duration), "AssumeRoleWithWebIdentity");
  record.issuedAccessKeyId = credentials.accessKeyId;
  return successXml(
    "AssumeRoleWithWebIdentity",
    {
      Credentials: credentialsTree(credentials),
      SubjectFromWebIdentityToken: identity.subject,
      AssumedRoleUser: answeredRoleUser(credentials, state.hostile),
      Provider: identity.issuer,
      Audience: audience,
    },
    record.requestId,
  );
}
