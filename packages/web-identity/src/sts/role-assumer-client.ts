import type { AssumeRoleWithWebIdentityCommandInput, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";

/** The SDK's `roleAssumerWithWebIdentity`: takes the `AssumeRoleWithWebIdentity` input, returns credentials. */
export type RoleAssumerWithWebIdentity = (params: AssumeRoleWithWebIdentityCommandInput) => Promise<AwsCredentialIdentity>;

/**
 * A custom role assumer seen as an STS client: its `send` calls the assumer with the command's
 * input and answers in STS's shape, so the assumer runs under this provider's token reading,
 * retries, error classification and refresh engine exactly as STS would.
 */
export function roleAssumerClient(assume: RoleAssumerWithWebIdentity): STSClient {
  const send = async (command: { input: AssumeRoleWithWebIdentityCommandInput }) => {
    const credentials = await assume(command.input);
    return {
      $metadata: {},
      Credentials: {
        AccessKeyId: credentials?.accessKeyId,
        SecretAccessKey: credentials?.secretAccessKey,
        SessionToken: credentials?.sessionToken,
        Expiration: credentials?.expiration,
      },
      ...(credentials?.accountId !== undefined && { AssumedRoleUser: { Arn: `arn:aws:sts::${credentials.accountId}:assumed-role/` } }),
    };
  };
  return { send, config: undefined } as unknown as STSClient;
}
