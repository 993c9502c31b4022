import type { Logger } from "../shared/logger.js";

/**
 * The config a v3 client passes with each credentials call (`callerClientConfig` in the identity
 * properties), merged with the SDK's `parentClientConfig` option (which wins, as in the SDK).
 * What the SDK's STS role assumer takes from them counts: `region`, `requestHandler`, `profile`,
 * `userAgentAppId` and `logger` (each only where our own `clientConfig` names none).
 */
export interface ParentClientConfig {
  region?: string | (() => Promise<string | undefined> | string | undefined);
  requestHandler?: unknown;
  profile?: string;
  /** Sent in the STS call's user agent (`app/...`), as the SDK's role assumer does. */
  userAgentAppId?: string | (() => Promise<string | undefined> | string | undefined);
  /** The STS client's logger (the SDK's filters keep tokens and keys out of what it logs). */
  logger?: unknown;
  [setting: string]: unknown;
}

type Resolved = {
  readonly region?: string;
  readonly requestHandler?: unknown;
  readonly profile?: string;
  readonly userAgentAppId?: string;
  readonly logger?: unknown;
};

async function valueOf(setting: ParentClientConfig["region"] | ParentClientConfig["userAgentAppId"]): Promise<string | undefined> {
  try {
    const value = typeof setting === "function" ? await setting() : setting;
    return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
  } catch {
    return undefined; // a client without a region: as if it named none
  }
}

/** HTTP/2 handlers cannot carry STS's query protocol; the SDK skips them too. */
function usableHandler(handler: unknown): unknown {
  const protocol = (handler as { metadata?: { handlerProtocol?: string } } | undefined)?.metadata?.handlerProtocol;
  return protocol === "h2" ? undefined : handler;
}

/**
 * Resolved once per provider: the first call that carries a client's config (or the first call at
 * all, when `parentClientConfig` is set) decides, so every refresh goes to the same place whoever
 * triggers it. A later client in another region is logged once and does not move the provider.
 */
export class CallerClientConfig {
  readonly #parent: ParentClientConfig | undefined;
  readonly #logger: Logger | undefined;
  #resolved: Resolved | undefined;
  #deciding: Promise<void> | undefined;
  #first: unknown;
  readonly #checked = new WeakSet<object>();
  #warned = false;

  constructor(parent: ParentClientConfig | undefined, logger: Logger | undefined) {
    this.#parent = parent;
    this.#logger = logger;
  }

  get region(): string | undefined {
    return this.#resolved?.region;
  }
  get requestHandler(): unknown {
    return this.#resolved?.requestHandler;
  }
  get profile(): string | undefined {
    return this.#resolved?.profile;
  }
  get userAgentAppId(): string | undefined {
    return this.#resolved?.userAgentAppId;
  }
  get logger(): unknown {
    return this.#resolved?.logger;
  }

  /** Looks at one call's identity properties; a promise only while the first caller is resolved. */
  observe(identityProperties: Record<string, unknown> | undefined): Promise<void> | undefined {
    const caller = identityProperties?.callerClientConfig as ParentClientConfig | undefined;
    if (this.#resolved !== undefined) {
      if (caller !== undefined && caller !== this.#first) this.#compare(caller);
      return undefined;
    }
    if (caller === undefined && this.#parent === undefined) return undefined;
    this.#deciding ??= this.#decide(caller);
    return this.#deciding;
  }

  async #decide(caller: ParentClientConfig | undefined): Promise<void> {
    const merged: ParentClientConfig = { ...caller, ...this.#parent };
    const region = await valueOf(merged.region);
    const requestHandler = usableHandler(merged.requestHandler);
    const profile = typeof merged.profile === "string" && merged.profile !== "" ? merged.profile : undefined;
    const userAgentAppId = await valueOf(merged.userAgentAppId);
    const logger = typeof merged.logger === "object" && merged.logger !== null ? merged.logger : undefined;
    this.#first = caller;
    this.#resolved = { region, requestHandler, profile, userAgentAppId, logger };
  }

  #compare(caller: ParentClientConfig): void {
    if (this.#warned || this.#checked.has(caller) || this.#parent?.region !== undefined) return;
    this.#checked.add(caller);
    void valueOf(caller.region).then((region) => {
      if (this.#warned || region === undefined || region === this.#resolved?.region) return;
      this.#warned = true;
      this.#logger?.warn?.(
        `@irsa/web-identity: a client in ${region} uses this provider; when no option or variable names a region, it ` +
          `keeps calling STS in its first caller's (${this.#resolved?.region ?? "none"}). Set \`region\` or AWS_REGION to choose.`,
      );
    });
  }
}
