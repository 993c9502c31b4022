import type { AwsCredentialIdentity } from "@smithy/types";
import type { CachedCredentialProvider, CredentialCacheEvent, CredentialCacheStats } from "../engine/cache-types.js";
import { ENV_ROLE_SESSION_NAME, ROLE_SESSION_NAME_PATTERN, optionOrEnv, resolveStsTarget } from "../sources/web-identity/config.js";
import { createContainerSource, type ContainerSourceSeams } from "../sources/container/container-source.js";
import {
  ConfigurationError,
  CredentialChainError,
  NotConfiguredError,
  isRecoverable,
  type ChainSourceName,
  type ChainSourceReport,
} from "../shared/errors.js";
import type { WebIdentityProviderStats } from "./from-web-identity.js";
import type { FallbackSourceName, FromWebIdentityChainInit } from "./provider-inits.js";
import { createImdsSource } from "../sources/imds/imds-source.js";
import { sharedProvider, type CachedProviderExtension } from "../engine/cached-provider.js";
import { withSafeLogger } from "../shared/logger.js";
import { assumeRoleChain, validateRoleChain } from "../sts/role-chain.js";
import { generateRoleSessionName } from "../sources/web-identity/session-name.js";
import { resolveStsAttemptPolicy } from "../sts/sts-attempts.js";
import { StsClientHolder } from "../sts/sts-client.js";
import { createWebIdentitySource, type WebIdentitySourceSeams } from "../sources/web-identity/web-identity-source.js";
import { CHAIN_OPTIONS } from "./known-options.js";
import { refuseSharingOptions } from "../sharing/provider-sharing.js";
import { trySdkEarlyLinks, validatePrecedence, type ChainPrecedence } from "./sdk-order-chain.js";
import { prepareWebIdentitySource, webIdentityOrigin, type PreparedSource } from "./sdk-options.js";
import { taggedSource } from "../sts/credential-features.js";

/** Container credentials, then IMDS: the AWS SDK's order. */
export const DEFAULT_FALLBACKS: readonly FallbackSourceName[] = ["container", "imds"];

/** The engine's counters, what the web identity source resolved, and the source that won. */
export interface WebIdentityChainProviderStats extends WebIdentityProviderStats {
  /** The source remembered for refreshes; undefined until one has worked. */
  readonly source?: ChainSourceName;
}

/** A v3 credential provider with the refresh engine's controls. */
export interface WebIdentityChainProvider extends CachedCredentialProvider {
  readonly stats: WebIdentityChainProviderStats;
}

/** Internal seams for tests. */
export interface WebIdentityChainSeams extends WebIdentitySourceSeams, Pick<ContainerSourceSeams, "fromHttp"> {}

const SOURCE_LABEL: Record<ChainSourceName, string> = {
  webIdentity: "web identity (IRSA)",
  container: "container credentials",
  imds: "IMDS",
};

/** One link of the chain. */
interface Link {
  readonly name: ChainSourceName;
  fetch(): Promise<AwsCredentialIdentity>;
  /** Once configured, its failure ends the chain (no falling back to, say, the node's role). */
  readonly finalOnceConfigured: boolean;
  /** Whether `roleChain` still has to run after this link (web identity runs it itself). */
  readonly needsRoleChain: boolean;
}

/**
 * Web identity, then container credentials, then IMDS, under one refresh engine.
 *
 * - A source that is not configured is skipped without any I/O; IMDS is skipped when
 *   `AWS_EC2_METADATA_DISABLED=true`.
 * - Once web identity or container variables are present, that source's failure is final: the
 *   chain never falls back (a half-set pair is a `ConfigurationError` naming what is missing).
 * - The source that worked is remembered: refreshes go straight to it.
 * - IMDS runs under a hard deadline (2 s by default).
 * - When nothing works, one `CredentialChainError` lists every source with why it was skipped or
 *   how it failed, and the names (never values) of the `AWS_*` variables that were set.
 *
 * Container credentials and IMDS come from the AWS SDK's own `fromHttp` and
 * `fromInstanceMetadata`, loaded on first use. `roleChain` applies after whichever source won.
 *
 * @example
 * const credentials = fromWebIdentityChain(); // IRSA, else Pod Identity / ECS, else the instance role
 * const s3 = new S3Client({ credentials });
 */
export function fromWebIdentityChain(init: FromWebIdentityChainInit = {}): WebIdentityChainProvider {
  return createWebIdentityChainProvider(init);
}

/** `fromWebIdentityChain` with internal seams (environment, file reads, fromHttp) for tests. */
export function createWebIdentityChainProvider(given: FromWebIdentityChainInit, seams: WebIdentityChainSeams = {}): WebIdentityChainProvider {
  // Options are checked per provider, so a bad one fails at construction, shared engine or not.
  const prepared = prepareWebIdentitySource(given, seams, CHAIN_OPTIONS, "fromWebIdentityChain");
  refuseSharingOptions(given, "fromWebIdentityChain");
  const order = { fallbacks: validateFallbacks(given.fallbacks), precedence: validatePrecedence(given.precedence) };
  return sharedProvider({
    kind: "fromWebIdentityChain",
    init: given,
    keyParts: [seams],
    env: seams.env === undefined ? process.env : {}, // a seam is keyed by its identity (keyParts)
    build: () => chainSource(prepared, seams, order),
  });
}

/** The chain's source: every link composed once, for one engine. */
function chainSource(
  prepared: PreparedSource<FromWebIdentityChainInit>,
  seams: WebIdentityChainSeams,
  { fallbacks, precedence }: { fallbacks: ReturnType<typeof validateFallbacks>; precedence: ChainPrecedence },
): { source: () => Promise<AwsCredentialIdentity>; extension: CachedProviderExtension<Omit<WebIdentityChainProviderStats, keyof CredentialCacheStats>> } {
  const init = withSafeLogger(prepared.init);
  const env = seams.env ?? (() => process.env);
  let reportSkew: ((event: CredentialCacheEvent) => void) | undefined;
  let resetFailures: (() => void) | undefined;
  // In the SDK's order a web-identity profile wins over the IRSA variables, as fromIni runs before
  // fromTokenFile; a token rotated while a permanent failure is cached ends that cache.
  const webIdentity = createWebIdentitySource(init, {
    ...prepared.seams,
    report: (event) => reportSkew?.(event),
    profileBeforeVariables: precedence === "sdk",
    tokenRotated: () => resetFailures?.(),
  });
  const container = createContainerSource({ ...init.container, logger: init.logger }, { env, readFile: seams.readFile, fromHttp: seams.fromHttp });
  const imds = createImdsSource({ ...init.imds, logger: init.logger }, { env });
  const links: Record<ChainSourceName, Link> = {
    webIdentity: { name: "webIdentity", fetch: taggedSource(async () => (await prepared.beforeFetch(), webIdentity()), webIdentityOrigin(init, env, webIdentity)), finalOnceConfigured: true, needsRoleChain: false },
    container: { name: "container", fetch: () => container(), finalOnceConfigured: true, needsRoleChain: true },
    imds: { name: "imds", fetch: () => imds(), finalOnceConfigured: false, needsRoleChain: true },
  };
  const order: ChainSourceName[] = ["webIdentity", ...fallbacks];

  // The STS client of roleChain hops after container or IMDS credentials (web identity has its own).
  const hopClients = new StsClientHolder({ clientConfig: init.clientConfig, stsClient: init.stsClient });
  const hopPolicy = resolveStsAttemptPolicy(init.retry, init.random ?? Math.random);
  let generatedSessionName: string | undefined;
  let remembered: Link | undefined;

  const withRoleChain = async (link: Link, base: AwsCredentialIdentity): Promise<AwsCredentialIdentity> => {
    const hops = validateRoleChain(init.roleChain);
    if (!link.needsRoleChain || hops.length === 0) return base;
    const currentEnv = env();
    const target = resolveStsTarget({ region: init.region, clientConfig: init.clientConfig, hasStsClient: init.stsClient !== undefined }, currentEnv);
    return assumeRoleChain(hops, base, {
      clients: hopClients,
      base: await hopClients.client(target),
      policy: hopPolicy,
      defaultSessionName: sessionNameFor(currentEnv) ?? (generatedSessionName ??= generateRoleSessionName()),
      baseDescription: link.name === "container" ? "container credentials" : "instance profile credentials (IMDS)",
      logger: init.logger,
    });
  };

  const sessionNameFor = (currentEnv: Readonly<Record<string, string | undefined>>): string | undefined => {
    const named = optionOrEnv(init.roleSessionName, "roleSessionName", currentEnv, ENV_ROLE_SESSION_NAME);
    if (named !== undefined && !ROLE_SESSION_NAME_PATTERN.test(named.value)) {
      throw new ConfigurationError(
        `The role session name from ${named.name} is invalid: "${named.value}". It must be 2 to 64 characters among ` +
          "letters, digits and _+=,.@- (no spaces or slashes); unset it to get a generated one.",
      );
    }
    return named?.value;
  };

  const run = async (link: Link): Promise<AwsCredentialIdentity> => withRoleChain(link, await link.fetch());

  const walk = async (): Promise<AwsCredentialIdentity> => {
    validateRoleChain(init.roleChain); // a typo fails before any source is called
    const report: ChainSourceReport[] = [];
    let lastFailure: unknown;
    for (const name of ["webIdentity", "container", "imds"] as const) {
      if (!order.includes(name)) report.push({ source: name, outcome: "skipped", reason: "not in `fallbacks`" });
    }
    if (precedence === "sdk") {
      await prepared.beforeFetch();
      const early = await trySdkEarlyLinks(env(), { logger: init.logger, callerProfile: prepared.caller.profile });
      if (early !== undefined) {
        if (validateRoleChain(init.roleChain).length > 0) {
          throw new ConfigurationError(`\`roleChain\` does not apply to ${early.source === "env" ? "environment keys" : "shared-config profile"} credentials; use precedence "irsa-first" or a profile with role_arn/source_profile.`);
        }
        init.logger?.debug?.(`@irsa/web-identity: credentials from ${early.source === "env" ? "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY" : "the shared-config profile"} (the AWS SDK's order)`);
        return early.credentials;
      }
    }
    for (const name of order) {
      const link = links[name];
      let base: AwsCredentialIdentity;
      try {
        base = await link.fetch();
      } catch (error) {
        if (error instanceof NotConfiguredError) {
          report.push({ source: name, outcome: "skipped", reason: reasonOf(error) });
          continue;
        }
        if (link.finalOnceConfigured || error instanceof ConfigurationError) {
          init.logger?.debug?.(`@irsa/web-identity: ${SOURCE_LABEL[name]} is configured and failed; the chain does not fall back`);
          throw error;
        }
        report.push({ source: name, outcome: "failed", reason: reasonOf(error) });
        lastFailure = error;
        continue;
      }
      const credentials = await withRoleChain(link, base);
      remembered = link;
      init.logger?.info?.(`@irsa/web-identity: credentials from ${SOURCE_LABEL[name]}; later refreshes go straight to it`);
      return credentials;
    }
    throw nothingWorked(report, env(), lastFailure);
  };

  const source = async (): Promise<AwsCredentialIdentity> => {
    const link = remembered;
    if (link === undefined) return walk();
    try {
      return await run(link);
    } catch (error) {
      // Its variables are gone: the chain is walked again. Any other failure is the source's own.
      if (!(error instanceof NotConfiguredError)) throw error;
      init.logger?.info?.(`@irsa/web-identity: ${SOURCE_LABEL[link.name]} is no longer configured; walking the chain again`);
      remembered = undefined;
      return walk();
    }
  };

  return {
    source,
    extension: {
      close: () => {
        webIdentity.close();
        hopClients.destroy();
      },
      facts: (): Omit<WebIdentityChainProviderStats, keyof CredentialCacheStats> => ({
        ...(remembered?.name === "webIdentity" && webIdentity.info),
        ...(remembered !== undefined && { source: remembered.name }),
      }),
      // The web-identity source's own events (a measured clock skew) join the engine's fan-out.
      attach: (reportToEngine, controls) => {
        reportSkew = reportToEngine;
        resetFailures = controls.resetFailures;
      },
      observeCall: (identityProperties) => prepared.caller.observe(identityProperties),
    },
  };
}

function validateFallbacks(fallbacks: unknown): readonly FallbackSourceName[] {
  if (fallbacks === undefined) return DEFAULT_FALLBACKS;
  const known = new Set<unknown>(DEFAULT_FALLBACKS);
  if (!Array.isArray(fallbacks) || fallbacks.some((name) => !known.has(name)) || new Set(fallbacks).size !== fallbacks.length) {
    throw new ConfigurationError(
      `The option \`fallbacks\` must list "container" and/or "imds" at most once each, in the order to try them ` +
        `(got ${JSON.stringify(fallbacks)}); [] means web identity only.`,
    );
  }
  return fallbacks as FallbackSourceName[];
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Names of the AWS_* variables that are set, never their values. */
function variablesSeen(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env)
    .filter((name) => name.startsWith("AWS_") && (env[name] ?? "").trim() !== "")
    .sort();
}

function nothingWorked(report: ChainSourceReport[], env: Readonly<Record<string, string | undefined>>, lastFailure: unknown): CredentialChainError {
  const ordered = (["webIdentity", "container", "imds"] as const).flatMap((name) => report.filter((line) => line.source === name));
  const seen = variablesSeen(env);
  const message =
    "No credentials from the chain (web identity, container credentials, IMDS):\n" +
    ordered.map((line) => `  - ${SOURCE_LABEL[line.source]}: ${line.outcome}: ${line.reason}`).join("\n") +
    `\nAWS_* variables set: ${seen.length === 0 ? "(none)" : seen.join(", ")}.`;
  return new CredentialChainError(message, {
    sources: ordered,
    variablesSeen: seen,
    // A failed IMDS may answer next time; a chain with nothing configured will not change by itself.
    recoverable: lastFailure !== undefined && isRecoverable(lastFailure),
    cause: lastFailure,
  });
}
