import { assumedRoleArn, parseRoleArn } from "./arn.js";
import type { IssuedCredentials } from "./issued-credentials.js";
import { roleUniqueId } from "./issued-credentials.js";
import type { LocalStsHostile } from "./hostile.js";
import { assumedRoleUserTree } from "./sts-xml.js";

/**
 * The `<AssumedRoleUser>` of an answer: the issued set's own, or, when the hostile STS answers as
 * another role, that role's (account and name), as a misrouted endpoint would send.
 */
export function answeredRoleUser(credentials: IssuedCredentials, hostile: LocalStsHostile): ReturnType<typeof assumedRoleUserTree> {
  const other = hostile.answerAsRoleFor(credentials.source === "AssumeRole" ? "AssumeRole" : "AssumeRoleWithWebIdentity");
  const parts = other === undefined ? undefined : parseRoleArn(other);
  if (other === undefined || parts === undefined) return assumedRoleUserTree(credentials);
  return { AssumedRoleId: `${roleUniqueId(other)}:${credentials.sessionName}`, Arn: assumedRoleArn(parts, credentials.sessionName) };
}
