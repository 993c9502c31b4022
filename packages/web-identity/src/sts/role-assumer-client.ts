import type { AssumeRoleWithWebIdentityCommandInput, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";

/**
 * The SDK's `roleAssumerWithWebIdentity`: takes the `AssumeRoleWithWebIdentity` input, returns
 * credentials. The role, session name and token are always set (as the SDK types them), so an
 * assumer written for the SDK's `FromTokenFileInit` fits; one taking the looser command input too.
 */
export type RoleAssumerWithWebIdentity = (
  params: AssumeRoleWithWebIdentityCommandInput & { RoleArn: string; RoleSessionName: string; WebIdentityToken: string },
) => Promise<AwsCredentialIdentity>;

/**
 * A custom role assumer seen as an STS client: its `send` calls the assumer with the command's
 * input and answers in STS's shape, so the assumer runs under this provider's token reading,
 * retries, error classification and refresh engine exactly as STS would.
 */
export function roleAssumerClient(assume: RoleAssumerWithWebIdentity): STSClient {
  const send = async (command: { input: AssumeRoleWithWebIdentityCommandInput }) => {
    // The web-identity source builds every input with the role, its session name and the token.
    const credentials = await assume(command.input as Parameters<RoleAssumerWithWebIdentity>[0]);
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
