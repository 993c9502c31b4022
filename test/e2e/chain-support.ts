import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { LocalSts } from "@irsa/testing";
import { fromWebIdentityChain, type FromWebIdentityChainInit, type WebIdentityChainProvider } from "@irsa/web-identity";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * Every variable that selects or tunes a source of the chain. Tests clear them all, then set
 * only what the case needs, and put the runner's values back afterwards.
 */
export const CHAIN_VARIABLES = [
  "AWS_ROLE_ARN",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_SESSION_NAME",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN",
  "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT",
  "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
  "AWS_EC2_METADATA_V1_DISABLED",
  "AWS_METADATA_SERVICE_TIMEOUT",
  "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
  "AWS_ENDPOINT_URL_STS",
  "AWS_ENDPOINT_URL",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWS_CONFIG_FILE",
] as const;

/** Saves and clears the chain's variables; `restore()` puts the runner's values back. */
export class ChainEnv {
  readonly #saved = new Map<string, string | undefined>();

  /** Clears every chain variable and points the SDK's IMDS at `imdsEndpoint` (never 169.254.169.254). */
  isolate(imdsEndpoint: string): void {
    for (const name of CHAIN_VARIABLES) {
      if (!this.#saved.has(name)) this.#saved.set(name, process.env[name]);
      delete process.env[name];
    }
    // No shared config file can name another IMDS endpoint.
    this.set({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsEndpoint, AWS_CONFIG_FILE: "/nonexistent/irsa-chain-test-config" });
  }

  set(values: Record<string, string>): void {
    for (const [name, value] of Object.entries(values)) {
      if (!this.#saved.has(name)) this.#saved.set(name, process.env[name]);
      process.env[name] = value;
    }
  }

  restore(): void {
    for (const [name, value] of this.#saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    this.#saved.clear();
  }
}

/** Tracks providers and clients so `afterEach` closes every one. */
export class ChainCloser {
  readonly #providers: WebIdentityChainProvider[] = [];
  readonly #clients: STSClient[] = [];

  chain(init: FromWebIdentityChainInit = {}): WebIdentityChainProvider {
    const provider = fromWebIdentityChain({ proactive: false, retry: { sleep: async () => {} }, ...init });
    this.#providers.push(provider);
    return provider;
  }

  /** A real v3 STS client signing with `credentials`, pointed at the local STS. */
  client(sts: LocalSts, credentials: AwsCredentialIdentityProvider): STSClient {
    const client = new STSClient({ region: sts.region, endpoint: sts.endpoint, credentials, maxAttempts: 1 });
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

/** Resolves with the rejection of `promise` (and fails the test if it resolves). */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  return promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (error: unknown) => error as Error & Record<string, unknown>,
  );
}
