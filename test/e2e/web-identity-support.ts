import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type FromWebIdentityInit, type WebIdentityCredentialProvider } from "@irsa/web-identity";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

/** Options that point `fromWebIdentity` at a local IRSA world without touching process.env. */
export function worldInit(world: IrsaWorld, extra: FromWebIdentityInit = {}): FromWebIdentityInit {
  return {
    roleArn: world.roleArn,
    webIdentityTokenFile: world.tokenFile.path,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
    proactive: false,
    // Retry waits are recorded, never slept: no test waits on wall time.
    retry: { sleep: async () => {} },
    ...extra,
  };
}

/** Tracks providers and clients so `afterEach` closes every one. */
export class Closer {
  readonly #providers: WebIdentityCredentialProvider[] = [];
  readonly #clients: STSClient[] = [];

  provider(init: FromWebIdentityInit): WebIdentityCredentialProvider {
    const provider = fromWebIdentity(init);
    this.#providers.push(provider);
    return provider;
  }

  /** A real v3 STS client using `credentials`, pointed at the local STS. */
  client(world: IrsaWorld, credentials: AwsCredentialIdentityProvider): STSClient {
    const client = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials, maxAttempts: 1 });
    this.#clients.push(client);
    return client;
  }

  closeAll(): void {
    for (const provider of this.#providers.splice(0)) provider.close();
    for (const client of this.#clients.splice(0)) client.destroy();
  }
}

/** GetCallerIdentity with a real client: the local STS verifies the SigV4 signature. */
export async function callerArn(client: STSClient): Promise<string | undefined> {
  return (await client.send(new GetCallerIdentityCommand({}))).Arn;
}

/** The `jti` of every AssumeRoleWithWebIdentity the local STS received, in order. */
export function assumeJtis(world: IrsaWorld): Array<string | undefined> {
  return world.sts.requests.filter((r) => r.action === "AssumeRoleWithWebIdentity").map((r) => r.jti);
}

export function assumeCalls(world: IrsaWorld): number {
  return world.sts.calls("AssumeRoleWithWebIdentity");
}

/** Resolves with the rejection of `promise` (and fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error as Error & Record<string, unknown>,
  );
}
