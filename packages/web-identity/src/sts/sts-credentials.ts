import type { AwsCredentialIdentity } from "@smithy/types";

/** The parts of an `AssumeRole*` answer that carry the credential set. */
export interface StsCredentialsOutput {
  Credentials?: {
    AccessKeyId?: string;
    SecretAccessKey?: string;
    SessionToken?: string;
    Expiration?: Date;
  };
  AssumedRoleUser?: { Arn?: string };
}

/**
 * The credential set of an `AssumeRoleWithWebIdentity` or `AssumeRole` answer, with `accountId`
 * from the assumed role's ARN and `credentialScope` when STS sends one; `undefined` when the
 * answer holds no complete set (the caller raises its own error, naming the role or hop).
 */
export function credentialsFromStsOutput(output: StsCredentialsOutput): AwsCredentialIdentity | undefined {
  const credentials = output.Credentials;
  if (credentials?.AccessKeyId === undefined || credentials.SecretAccessKey === undefined || credentials.SessionToken === undefined) {
    return undefined;
  }
  const accountId = output.AssumedRoleUser?.Arn?.split(":")[4];
  const credentialScope = (credentials as { CredentialScope?: string }).CredentialScope;
  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    ...(credentials.Expiration !== undefined && { expiration: new Date(credentials.Expiration) }),
    ...(accountId !== undefined && /^\d{12}$/.test(accountId) && { accountId }),
    ...(credentialScope !== undefined && { credentialScope }),
  };
}
