import type {
  AssumeRoleCommandInput,
  AssumeRoleCommandOutput,
  AssumeRoleWithWebIdentityCommandInput,
  AssumeRoleWithWebIdentityCommandOutput,
  STSClient,
  STSClientConfig,
} from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { AnswerFacts, watchAnswer } from "./answer-facts.js";
import { stsClientExtrasOf, type StsClientExtras } from "./client-extras.js";
import { acquireSharedStsClient, releaseSharedStsClient } from "./shared-sts-clients.js";

type StsModule = typeof import("@aws-sdk/client-sts");
let stsModule: Promise<StsModule> | undefined;

/**
 * Loads `@aws-sdk/client-sts` on the first fetch, so importing this package stays cheap (the STS
 * client and its dependencies are several megabytes of JavaScript).
 */
export function loadStsModule(): Promise<StsModule> {
  stsModule ??= import("@aws-sdk/client-sts");
  return stsModule;
}

/** Where the STS client is sent: resolved per fetch by `config.ts`. */
export interface StsTarget {
  region?: string;
  endpointFromEnv?: string;
}

/** Our own timeout, raised when an attempt takes longer than `attemptTimeoutMs`. */
export class StsAttemptTimeoutError extends Error {
  override name = "TimeoutError";
  readonly code = "TimeoutError";
  constructor(timeoutMs: number) {
    super(`STS did not answer within ${timeoutMs} ms`);
  }
}

/** Client settings that still let providers share one client: where it goes, nothing else. */
const SHAREABLE_SETTINGS: ReadonlySet<string> = new Set(["region", "endpoint"]);

/**
 * The STS client of one provider, built on the first fetch and reused for every refresh (its
 * connection pool with it). Rebuilt only if the resolved region or endpoint changes. When the
 * provider sets nothing but a region and a string endpoint, the client is shared with every other
 * such provider of the process going to the same place (see `shared-sts-clients.ts`). A client
 * passed in by the caller is used as is and never destroyed by us.
 */
export class StsClientHolder {
  readonly #clientConfig: STSClientConfig;
  readonly #external?: STSClient;
  readonly #extras: StsClientExtras | undefined;
  readonly #shareable: boolean;
  #client?: STSClient;
  #key?: string;
  /** The client's handler (or its agents) is the caller's: never destroyed by us, as with the SDK (and v2). */
  #handlerIsTheirs = false;
  /** Acquired from the process-wide pool (released, not destroyed). */
  #isShared = false;
  /** `clientConfig.requestHandler` is the caller's handler, or names their agents. */
  readonly #givenHandlerIsTheirs: boolean;

  constructor(options: { clientConfig?: STSClientConfig; stsClient?: STSClient }) {
    this.#clientConfig = options.clientConfig ?? {};
    this.#external = options.stsClient;
    this.#extras = stsClientExtrasOf(options.clientConfig);
    this.#givenHandlerIsTheirs = callerOwnsHandler(this.#clientConfig.requestHandler);
    this.#shareable =
      (this.#extras?.plugins.length ?? 0) === 0 &&
      Object.keys(this.#clientConfig).every((name) => SHAREABLE_SETTINGS.has(name)) &&
      (this.#clientConfig.endpoint === undefined || typeof this.#clientConfig.endpoint === "string") &&
      (this.#clientConfig.region === undefined || typeof this.#clientConfig.region === "string");
  }

  async client(target: StsTarget): Promise<STSClient> {
    if (this.#external !== undefined) return this.#external;
    // With no handler of its own, the STS call rides the calling client's (its proxy agent, its pool), as in the SDK.
    const callerHandler = this.#clientConfig.requestHandler === undefined ? this.#extras?.caller?.requestHandler : undefined;
    // The caller's app id and logger too, as the SDK's role assumer takes them (ours given in clientConfig win).
    const callerAppId = this.#clientConfig.userAgentAppId === undefined ? this.#extras?.caller?.userAgentAppId : undefined;
    const callerLogger = this.#clientConfig.logger === undefined ? this.#extras?.caller?.logger : undefined;
    const settings: STSClientConfig = {
      // STS regional endpoints for every region, whatever AWS_STS_REGIONAL_ENDPOINTS says.
      useGlobalEndpoint: false,
      ...this.#clientConfig,
      ...(target.region !== undefined && { region: target.region }),
      ...(target.endpointFromEnv !== undefined && { endpoint: target.endpointFromEnv }),
      ...(callerHandler !== undefined && { requestHandler: callerHandler as STSClientConfig["requestHandler"] }),
      ...(callerAppId !== undefined && { userAgentAppId: callerAppId }),
      ...(callerLogger !== undefined && { logger: callerLogger as STSClientConfig["logger"] }),
      // One attempt per send: this provider owns the retry policy, so the two never multiply.
      maxAttempts: 1,
    };
    const borrowed = callerHandler !== undefined || callerAppId !== undefined || callerLogger !== undefined;
    const key = `${String(settings.region ?? "")}|${String(settings.endpoint ?? "")}|${callerHandler === undefined ? "" : "caller"}|${callerAppId ?? ""}|${callerLogger === undefined ? "" : "logger"}`;
    if (this.#client !== undefined && this.#key === key) return this.#client;
    const { STSClient } = await loadStsModule();
    this.destroy();
    const shared = this.#shareable && !borrowed;
    const build = () => {
      const client = new STSClient(settings);
      for (const plugin of this.#extras?.plugins ?? []) client.middlewareStack.use(plugin);
      return client;
    };
    this.#client = shared ? acquireSharedStsClient(key, build) : build();
    this.#key = key;
    // the calling client's handler, or one given in clientConfig that the caller owns
    this.#handlerIsTheirs = callerHandler !== undefined || this.#givenHandlerIsTheirs;
    this.#isShared = shared;
    return this.#client;
  }

  /**
   * A client that signs with `credentials` (an `AssumeRole` hop), going where `base` goes and
   * sharing its request handler, so every hop rides the provider's one connection pool. A v3
   * client memoizes its credentials, so each hop of each fetch gets its own light client; it is
   * never destroyed (that would close the shared handler): `destroy()` of the base does that.
   */
  async signedWith(base: STSClient, credentials: AwsCredentialIdentity): Promise<STSClient> {
    const { STSClient } = await loadStsModule();
    const config = base.config as Partial<STSClient["config"]> | undefined;
    return new STSClient({
      region: config?.region,
      ...(config?.endpoint !== undefined && { endpoint: config.endpoint }),
      ...(config?.useFipsEndpoint !== undefined && { useFipsEndpoint: config.useFipsEndpoint }),
      ...(config?.useDualstackEndpoint !== undefined && { useDualstackEndpoint: config.useDualstackEndpoint }),
      ...(config?.useGlobalEndpoint !== undefined && { useGlobalEndpoint: config.useGlobalEndpoint }),
      ...(config?.requestHandler !== undefined && { requestHandler: config.requestHandler }),
      credentials,
      maxAttempts: 1,
    });
  }

  /**
   * Destroys the client we built (closing its sockets), or releases our share of a shared one;
   * the next fetch builds or acquires a new one.
   */
  destroy(): void {
    if (this.#client !== undefined && this.#key !== undefined) {
      if (this.#handlerIsTheirs) {
        // the handler or its agents are the caller's: dropping our client is all there is to do
      } else if (this.#isShared) releaseSharedStsClient(this.#key);
      else this.#client.destroy();
    }
    this.#client = undefined;
    this.#key = undefined;
  }
}

/** A handler instance, or handler options naming an agent: built or owned by the caller, never destroyed by us. */
function callerOwnsHandler(handler: unknown): boolean {
  if (typeof handler !== "object" || handler === null) return false;
  if (typeof (handler as { handle?: unknown }).handle === "function") return true;
  const { httpAgent, httpsAgent } = handler as { httpAgent?: unknown; httpsAgent?: unknown };
  return (typeof httpAgent === "object" && httpAgent !== null) || (typeof httpsAgent === "object" && httpsAgent !== null);
}

/**
 * Sends one STS command, aborted after `timeoutMs`. The abort goes through the request handler
 * (closing the socket); the race makes sure a handler that ignores it still cannot hold the fetch.
 */
async function sendWithTimeout<Output>(send: (abortSignal: AbortSignal) => Promise<Output>, timeoutMs: number): Promise<Output> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new StsAttemptTimeoutError(timeoutMs));
    }, timeoutMs);
  });
  const sent = send(controller.signal);
  sent.catch(() => {}); // its rejection after a timeout is expected and already reported
  try {
    return await Promise.race([sent, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** One `AssumeRoleWithWebIdentity`, aborted after `timeoutMs`; its raw answer watched into `facts` (size-capped). */
export async function assumeRoleWithWebIdentity(
  client: STSClient,
  input: AssumeRoleWithWebIdentityCommandInput,
  timeoutMs: number,
  facts: AnswerFacts = new AnswerFacts(),
): Promise<AssumeRoleWithWebIdentityCommandOutput> {
  const { AssumeRoleWithWebIdentityCommand } = await loadStsModule();
  const command = new AssumeRoleWithWebIdentityCommand(input);
  watchAnswer(command, facts);
  return sendWithTimeout((abortSignal) => client.send(command, { abortSignal }), timeoutMs);
}

/** One `AssumeRole` (a role-chain hop, signed by `client`'s credentials), aborted after `timeoutMs`; watched like the above. */
export async function assumeRole(
  client: STSClient,
  input: AssumeRoleCommandInput,
  timeoutMs: number,
  facts: AnswerFacts = new AnswerFacts(),
): Promise<AssumeRoleCommandOutput> {
  const { AssumeRoleCommand } = await loadStsModule();
  const command = new AssumeRoleCommand(input);
  watchAnswer(command, facts);
  return sendWithTimeout((abortSignal) => client.send(command, { abortSignal }), timeoutMs);
}
