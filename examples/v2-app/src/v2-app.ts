// An aws-sdk v2 app as it runs in a pod with IRSA, on the local IRSA world: the pod's variables
// (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_REGION, here also AWS_ENDPOINT_URL_STS) point
// at servers on 127.0.0.1, and the app only sets `AWS.config.credentials`.
import { WebIdentityCredentials } from "@irsa/aws-sdk-v2";
import { startIrsaWorld } from "@irsa/testing";
import AWS from "aws-sdk";

/** What the app found out; printed by `main.ts`, checked by the e2e test. */
export interface V2AppResult {
  /** The role the STS says signed the calls. */
  arn: string;
  /** AssumeRoleWithWebIdentity calls made for all the requests. */
  assumeRoleCalls: number;
  /** GetCallerIdentity calls answered. */
  callerIdentityCalls: number;
}

/** Requests the app makes: all of them share one credential set. */
const REQUESTS = 3;

export async function runV2App(say: (line: string) => void = console.log): Promise<V2AppResult> {
  const world = await startIrsaWorld();
  const savedEnv = Object.fromEntries(Object.keys(world.env).map((name) => [name, process.env[name]]));
  const savedCredentials = AWS.config.credentials;
  // `new WebIdentityCredentials()` reads the environment, as it would in a pod.
  Object.assign(process.env, world.env);
  const credentials = new WebIdentityCredentials();
  try {
    say(`local STS   ${world.sts.endpoint}`);
    say(`role        ${world.roleArn}`);
    AWS.config.credentials = credentials;
    // aws-sdk v2 does not read AWS_ENDPOINT_URL_STS: give the client the local endpoint.
    const sts = new AWS.STS({ endpoint: world.sts.endpoint, region: world.region, sslEnabled: false });

    let arn = "";
    for (let i = 0; i < REQUESTS; i++) {
      const identity = await sts.getCallerIdentity().promise();
      arn = identity.Arn ?? "";
      say(`GetCallerIdentity #${i + 1}: ${arn} (key ${credentials.accessKeyId}, signature verified)`);
    }
    const result = {
      arn,
      assumeRoleCalls: world.sts.calls("AssumeRoleWithWebIdentity"),
      callerIdentityCalls: world.sts.calls("GetCallerIdentity"),
    };
    say(`role: ${result.arn}`);
    say(`STS calls: AssumeRoleWithWebIdentity ${result.assumeRoleCalls}, GetCallerIdentity ${result.callerIdentityCalls}`);
    say(`credentials expire at ${credentials.expireTime.toISOString()}; printed: ${JSON.stringify(credentials)}`);
    return result;
  } finally {
    credentials.close();
    AWS.config.credentials = savedCredentials;
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await world.close();
  }
}
