import type { SideContext, SideRun } from "../harness/case-types.js";

/** The variables a pod with IRSA gets, pointed at the proxy in front of the local STS. */
export const irsaEnv = (ctx: SideContext, region = "us-east-1"): Record<string, string> => ({
  AWS_ROLE_ARN: ctx.roleArn,
  AWS_WEB_IDENTITY_TOKEN_FILE: ctx.tokenFile,
  AWS_REGION: region,
  AWS_ENDPOINT_URL_STS: ctx.stsEndpoint,
});

/** The same without an endpoint or a region: where each side goes on its own is the observation. */
export const irsaEnvNoEndpoint = (ctx: SideContext): Record<string, string> => ({
  AWS_ROLE_ARN: ctx.roleArn,
  AWS_WEB_IDENTITY_TOKEN_FILE: ctx.tokenFile,
});

/** The SDK's providers and ours, loaded in the side's process only. */
type SdkWebIdentityModule = typeof import("@aws-sdk/credential-provider-web-identity");
type OurWebIdentityModule = typeof import("@irsa/web-identity");
export const sdkWebIdentity = (): Promise<SdkWebIdentityModule> => import("@aws-sdk/credential-provider-web-identity");
export const ourWebIdentity = (): Promise<OurWebIdentityModule> => import("@irsa/web-identity");

/** Where the side sent AssumeRoleWithWebIdentity, and what it sent. */
export const assumeRequests = (run: SideRun) => run.sts.filter((request) => request.action === "AssumeRoleWithWebIdentity");

/** An http.Agent that counts the requests it carries (`carried`) and the times it is destroyed. */
export async function countingAgent() {
  const { Agent } = await import("node:http");
  const agent = new Agent({ keepAlive: true }) as InstanceType<typeof Agent> & { carried: number; destroys: number };
  // addRequest is how http.request hands a request to its agent (internal, but stable since Node 0.x)
  const internal = agent as unknown as { addRequest: (...args: unknown[]) => unknown };
  const addRequest = internal.addRequest.bind(agent);
  const destroy = agent.destroy.bind(agent);
  agent.carried = 0;
  agent.destroys = 0;
  internal.addRequest = (...args) => (agent.carried++, addRequest(...args));
  agent.destroy = () => (agent.destroys++, destroy());
  return agent;
}

/**
 * A real v3 client of the caller's region (an STS client, calling GetCallerIdentity through the
 * proxy) using `provider`: the credentials call gets the client's config, as in an application,
 * and the proxy sees the user agent of a call signed with them.
 */
export async function callClientWith(ctx: SideContext, provider: (options?: never) => Promise<unknown>, clientConfig: Record<string, unknown> = {}) {
  const { STSClient, GetCallerIdentityCommand } = await import("@aws-sdk/client-sts");
  let credentials: unknown;
  const client = new STSClient({
    region: "eu-central-1",
    endpoint: ctx.stsEndpoint,
    maxAttempts: 1,
    ...clientConfig,
    credentials: (async (options?: never) => (credentials = await provider(options))) as never,
  });
  try {
    await client.send(new GetCallerIdentityCommand({}));
  } finally {
    client.destroy();
  }
  return credentials;
}

/** What the calling client's own request carried: the `m/` feature letters of its user agent. */
export const callerFeatureLetters = (run: SideRun) => run.sts.find((request) => request.action === "GetCallerIdentity")?.featureLetters;
