import { StsError, memberValidationError } from "./sts-error.js";

/** The parts of an IAM role ARN the local STS needs. */
export interface RoleArnParts {
  partition: string;
  accountId: string;
  /** Role name without path (`arn:aws:iam::1:role/path/name` -> `name`). */
  roleName: string;
}

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/(?:[\w+=,.@-]+\/)*([\w+=,.@-]{1,64})$/;

/** Parses a role ARN, or returns undefined when it is not one. */
export function parseRoleArn(arn: string): RoleArnParts | undefined {
  const match = ROLE_ARN.exec(arn);
  if (!match) return undefined;
  return { partition: match[1]!, accountId: match[2]!, roleName: match[3]! };
}

/** Parses a role ARN from a request, answering ValidationError as STS does when it is malformed. */
export function requireRoleArn(arn: string | undefined): RoleArnParts {
  if (arn === undefined) throw memberValidationError(undefined, "roleArn", "Member must not be null");
  if (arn.length < 20) {
    throw memberValidationError(arn, "roleArn", "Member must have length greater than or equal to 20");
  }
  const parts = parseRoleArn(arn);
  if (!parts) throw new StsError("ValidationError", 400, `${arn} is invalid`);
  return parts;
}

/** `arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION`. */
export function assumedRoleArn(role: RoleArnParts, sessionName: string): string {
  return `arn:${role.partition}:sts::${role.accountId}:assumed-role/${role.roleName}/${sessionName}`;
}
