/** The parts of a role ARN that an `AssumedRoleUser.Arn` must repeat. */
interface RoleIdentity {
  partition: string;
  accountId: string;
  roleName: string;
}

// arn:aws:iam::123456789012:role/optional/path/NAME
const ROLE_ARN = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[^/]+\/)*([^/]+)$/;
// arn:aws:sts::123456789012:assumed-role/NAME/SESSION
const ASSUMED_ROLE_ARN = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/;

function parse(pattern: RegExp, arn: string): RoleIdentity | undefined {
  const match = pattern.exec(arn);
  return match === null ? undefined : { partition: match[1]!, accountId: match[2]!, roleName: match[3]! };
}

/**
 * True when an answer's `AssumedRoleUser.Arn` names another role than the one requested (another
 * partition, account or role name; the role's path does not show in it and is not compared).
 * An answer without the ARN, or a requested ARN we cannot parse, is not judged here.
 */
export function isOtherRole(requestedRoleArn: string, assumedRoleUserArn: string | undefined): boolean {
  if (assumedRoleUserArn === undefined) return false;
  const requested = parse(ROLE_ARN, requestedRoleArn);
  if (requested === undefined) return false;
  const assumed = parse(ASSUMED_ROLE_ARN, assumedRoleUserArn);
  return (
    assumed === undefined ||
    assumed.partition !== requested.partition ||
    assumed.accountId !== requested.accountId ||
    assumed.roleName !== requested.roleName
  );
}

/** The sentence every role-mismatch error carries: both ARNs and the endpoint that answered. */
export function describeOtherRole(requestedRoleArn: string, assumedRoleUserArn: string, endpoint: string | undefined): string {
  return (
    `the answer from ${endpoint ?? "the STS endpoint"} is for ${assumedRoleUserArn}, not for the requested role ` +
    `${requestedRoleArn}. That is what a misrouted endpoint or a wrong AWS_ENDPOINT_URL_STS / clientConfig.endpoint ` +
    "looks like; its credentials were not used"
  );
}
