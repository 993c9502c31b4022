// Cross-account roles on one machine (127.0.0.1 only): a pod's web identity role, then two
// sts:AssumeRole hops into other accounts, each signed with the previous hop's credentials
// (the local STS verifies every SigV4 signature and each role's trust). A real v3 STSClient
// signs with the result, and GetCallerIdentity shows the last role. Then a hop whose trust
// policy wants an ExternalId we do not send: the error names that hop.
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { DEFAULT_WORLD_ROLE_ARN, startIrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type RoleChainHop } from "@irsa/web-identity";

export const TOOLING_ROLE = "arn:aws:iam::222233334444:role/tooling";
export const REPORTS_ROLE = "arn:aws:iam::333344445555:role/reports-reader";
const EXTERNAL_ID = "reports-partner-42";

export interface CrossAccountResult {
  /** What GetCallerIdentity returned when signed with the chain's credentials. */
  callerArn: string | undefined;
  /** STS calls: the web identity call and the hops. */
  webIdentityCalls: number;
  assumeRoleCalls: number;
  /** The failing hop's index and code. */
  failedHop: { hopIndex: number; code: string } | undefined;
}

export async function runCrossAccount(say: (line: string) => void = console.log): Promise<CrossAccountResult> {
  const world = await startIrsaWorld({
    extraRoles: [
      { roleArn: TOOLING_ROLE, assumableBy: [DEFAULT_WORLD_ROLE_ARN] },
      { roleArn: REPORTS_ROLE, assumableBy: [TOOLING_ROLE], externalId: EXTERNAL_ID },
    ],
  });
  const base = {
    roleArn: world.roleArn,
    webIdentityTokenFile: world.tokenFile.path,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
    roleSessionName: "cross-account-demo",
    proactive: false,
  };
  const roleChain: RoleChainHop[] = [{ roleArn: TOOLING_ROLE }, { roleArn: REPORTS_ROLE, externalId: EXTERNAL_ID }];
  const credentials = fromWebIdentity({ ...base, roleChain });
  const client = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials });
  const missingExternalId = fromWebIdentity({ ...base, roleChain: [{ roleArn: TOOLING_ROLE }, { roleArn: REPORTS_ROLE }] });
  try {
    say(`local STS ${world.sts.endpoint}`);
    say(`web identity role ${world.roleArn}`);
    roleChain.forEach((hop, index) => say(`roleChain[${index}]      ${hop.roleArn}${hop.externalId ? " (with ExternalId)" : ""}`));

    const callerArn = (await client.send(new GetCallerIdentityCommand({}))).Arn;
    say("\nSTS calls, in order (who signed -> what was assumed):");
    for (const request of world.sts.requests) {
      const signer = request.accessKeyId ? world.sts.issuedCredentials.get(request.accessKeyId)?.roleArn : "web identity token";
      say(`  ${request.action?.padEnd(26)} ${String(request.status).padEnd(4)} ${signer} -> ${request.roleArn ?? ""}`);
    }
    say(`\nGetCallerIdentity (signature verified): ${callerArn}`);
    const set = await credentials();
    say(`credentials ${set.accessKeyId}, account ${set.accountId}, expire ${set.expiration?.toISOString()} (the last hop's)`);

    say("\nThe same chain without the ExternalId that reports-reader's trust policy asks for:");
    let failedHop: CrossAccountResult["failedHop"];
    try {
      await missingExternalId();
    } catch (error) {
      const { hopIndex, code } = error as { hopIndex: number; code: string };
      failedHop = { hopIndex, code };
      say(`  ${(error as Error).name}: ${(error as Error).message}`);
    }
    return {
      callerArn,
      webIdentityCalls: world.sts.calls("AssumeRoleWithWebIdentity"),
      assumeRoleCalls: world.sts.calls("AssumeRole"),
      failedHop,
    };
  } finally {
    credentials.close();
    missingExternalId.close();
    client.destroy();
    await world.close();
  }
}
