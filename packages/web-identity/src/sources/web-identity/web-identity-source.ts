import { clockOf } from "../../shared/clock.js";
import type {
  AssumeRoleWithWebIdentityCommandOutput,
  PolicyDescriptorType,
  STSClient,
  STSClientConfig,
} from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { resolveWebIdentityConfig, INLINE_TOKEN_LABEL, type RegionSource, type ResolvedWebIdentityConfig } from "./config.js";
import { StsRequestError, describeClaims } from "../../shared/errors.js";
import { sdkErrorCompat } from "../../shared/sdk-error-compat.js";
import { regionNotices } from "./region-notices.js";
import { TokenRotationWatch } from "./token-rotation-watch.js";
import type { Logger } from "../../shared/logger.js";
import { assumeRoleChain, validateRoleChain, type RoleChainHop } from "../../sts/role-chain.js";
import { generateRoleSessionName } from "./session-name.js";
import { resolveStsAttemptPolicy, runStsAttempts, type StsRetryOptions } from "../../sts/sts-attempts.js";
import { StsClientHolder, assumeRoleWithWebIdentity } from "../../sts/sts-client.js";
import { stsClientExtrasOf } from "../../sts/client-extras.js";
import { AnswerFacts } from "../../sts/answer-facts.js";
import { checkStsAnswer } from "../../sts/answer-validation.js";
import { describeOtherRole } from "../../sts/assumed-role-check.js";
import { ClockSkew } from "../../sts/clock-skew.js";
import { skewReporter, type SourceEvent } from "./skew-report.js";
import type { StsErrorClassification } from "../../sts/sts-errors.js";
import { readWebIdentityToken, type ReadFileCapped, type WebIdentityToken } from "./token-file.js";
import { TornTokenRetry } from "./torn-token-retry.js";

export {
  DEFAULT_STS_ATTEMPT_TIMEOUT_MS,
  DEFAULT_STS_MAX_ATTEMPTS,
  DEFAULT_STS_RETRY_BASE_DELAY_MS,
  DEFAULT_STS_RETRY_MAX_DELAY_MS,
  type StsRetryOptions,
} from "../../sts/sts-attempts.js";

/** The web-identity source's settings; `fromWebIdentity` adds the refresh engine's. */
export interface WebIdentitySourceInit {
  /** ARN of the role to assume. Default: `AWS_ROLE_ARN`. */
  roleArn?: string;
  /** Path of the projected service account token. Default: `AWS_WEB_IDENTITY_TOKEN_FILE`. */
  webIdentityTokenFile?: string;
  /**
   * Session name shown in CloudTrail. Default: `AWS_ROLE_SESSION_NAME`, else one generated once
   * per provider (`<host name>-<8 hex>`; in a pod the host name is the pod name).
   */
  roleSessionName?: string;
  /** Lifetime of the credentials, 900-43200 s (and at most the role's maximum). Default: STS's, 3600. */
  durationSeconds?: number;
  /** Inline session policy (JSON) that narrows the role's permissions. Default: none. */
  policy?: string;
  /** Managed policies that narrow the role's permissions. Default: none. */
  policyArns?: PolicyDescriptorType[];
  /** `ProviderId` of the STS call (OAuth 2.0 access tokens only; omit for OIDC). Default: none. */
  providerId?: string;
  /**
   * Region whose STS endpoint is called. Default: `clientConfig.region`, then `AWS_REGION`, then
   * `AWS_DEFAULT_REGION`, else `us-east-1` with a warning.
   */
  region?: string;
  /**
   * Configuration of the STS client this provider builds (endpoint, requestHandler, ...). The
   * endpoint defaults to `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`, else the regional STS
   * endpoint. `maxAttempts` is always 1: retries are this provider's (`retry`).
   */
  clientConfig?: STSClientConfig;
  /**
   * An STS client to use instead of building one. Its region, endpoint and retry settings are
   * its own: give it `maxAttempts: 1` so its retries do not multiply ours.
   */
  stsClient?: STSClient;
  /**
   * Cross-account roles assumed after the web identity role, in order, each with `sts:AssumeRole`
   * signed by the previous credentials (same STS client and retry rules). The provider returns
   * the last role's credentials. Default: none.
   */
  roleChain?: readonly RoleChainHop[];
  /** Retries inside one fetch (the web identity call and each `roleChain` hop alike). */
  retry?: StsRetryOptions;
  /** SDK-style logger. Default: silent (the missing-region warning then goes to `process.emitWarning`). */
  logger?: Logger;
  /** Clock, epoch milliseconds (token `exp` check, skew, answer arrival). Default: `Date.now`, read at each call. */
  now?: () => number;
  /** Uniform random source in [0, 1) for the backoff jitter. Default `Math.random`. */
  random?: () => number;
}

/** Internal seams, not part of the public options. */
export interface WebIdentitySourceSeams {
  /** The environment, read on every fetch. Default: `process.env`. */
  env?: () => Readonly<Record<string, string | undefined>>;
  readFile?: ReadFileCapped;
  /** Where the source's own events go (the provider's `onEvent`, called safely). */
  report?: (event: SourceEvent) => void;
  /** The chain's SDK order: a web-identity profile wins over the IRSA variables (options still win). */
  profileBeforeVariables?: boolean;
  /** Called when the token file changes while a permanent failure is cached (the provider ends its error cache). */
  tokenRotated?: () => void;
  /** How often the token file is looked at meanwhile. Default `TOKEN_ROTATION_POLL_MS` (2 s). */
  tokenRotationPollMs?: number;
}

/** What the source learned on its last fetch, for `stats`. */
export interface WebIdentitySourceInfo {
  readonly region?: string;
  readonly regionSource?: RegionSource;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  /** The role and token file came from a web-identity profile of the shared config files. */
  readonly fromProfile?: boolean;
  /**
   * STS's clock minus this machine's, ms, from the last answer's `Date` header (positive: the
   * local clock is behind). Lifetimes are taken from the answers, so a skew does not shorten or
   * stretch them; undefined until an answer arrived.
   */
  readonly clockSkewMs?: number;
}

export interface WebIdentitySource {
  /** One fetch: read the token, call STS (with retries), return the credentials. */
  (): Promise<AwsCredentialIdentity>;
  readonly info: WebIdentitySourceInfo;
  /** Destroys the STS client built by the source; a later fetch builds a new one. */
  close(): void;
}

/**
 * The credential source behind `fromWebIdentity`: no cache of its own (the refresh engine is
 * the cache). Configuration is read on every call; the token is read on every STS call and not
 * kept afterwards.
 */
export function createWebIdentitySource(init: WebIdentitySourceInit = {}, seams: WebIdentitySourceSeams = {}): WebIdentitySource {
  const env = seams.env ?? (() => process.env);
  // The provider's one clock, read at call time (token `exp`, skew, answer arrival).
  const now = clockOf(init.now);
  const policy = resolveStsAttemptPolicy(init.retry, init.random ?? Math.random);
  const { sleep } = policy;
  const clients = new StsClientHolder({ clientConfig: init.clientConfig, stsClient: init.stsClient });
  let generatedSessionName: string | undefined;
  let info: WebIdentitySourceInfo = {};
  const skew = new ClockSkew(now, skewReporter(init.logger, seams.report, now));

  const readToken = (path: string): Promise<WebIdentityToken> =>
    readWebIdentityToken(path, { now, sleep, readFile: seams.readFile, isExpired: (expMs) => skew.tokenExpired(expMs) });

  const sayRegion = regionNotices(init.logger);

  const rotation = new TokenRotationWatch(() => {
    init.logger?.info?.("@irsa/web-identity: the token file changed while a failure was cached; the next call tries the new token");
    seams.tokenRotated?.();
  }, seams.tokenRotationPollMs);

  // A permanent failure is cached by the engine; a rotation of the token file may end it, so the file is watched meanwhile.
  const fetchCredentials = async (): Promise<AwsCredentialIdentity> => {
    let tokenFile: string | undefined;
    try {
      const credentials = await fetchOnce((path) => (tokenFile = path));
      rotation.stop();
      return credentials;
    } catch (error) {
      const permanent = (error as { recoverable?: unknown } | undefined)?.recoverable === false;
      if (permanent && seams.tokenRotated !== undefined && tokenFile !== undefined && tokenFile !== INLINE_TOKEN_LABEL) rotation.watch(tokenFile);
      throw error;
    }
  };

  const fetchOnce = async (noteTokenFile: (path: string) => void): Promise<AwsCredentialIdentity> => {
    const config = resolveWebIdentityConfig(
      { ...init, clientConfig: init.clientConfig, hasStsClient: init.stsClient !== undefined, profileBeforeVariables: seams.profileBeforeVariables },
      env(),
    );
    // A profile's source_profile roles first (as v2 and fromIni assume them), then the option's.
    const hops = [...validateRoleChain(config.profileRoleChain), ...validateRoleChain(init.roleChain)];
    const roleSessionName = config.roleSessionName ?? (generatedSessionName ??= generateRoleSessionName());
    info = { region: config.region, regionSource: config.regionSource, roleArn: config.roleArn, roleSessionName, ...(config.fromProfile && { fromProfile: true }) };
    sayRegion(config, stsClientExtrasOf(init.clientConfig)?.caller?.region);
    const client = await clients.client({ region: config.region, endpointFromEnv: config.endpointFromEnv });

    noteTokenFile(config.webIdentityTokenFile);
    let token = await readToken(config.webIdentityTokenFile);
    let rereadAfterRejection = false;
    const torn = new TornTokenRetry(sleep);
    const base = await runStsAttempts(policy, {
      label: `AssumeRoleWithWebIdentity ${config.roleArn}`,
      logger: init.logger,
      send: async (attempt) => {
        init.logger?.debug?.(
          `@irsa/web-identity: AssumeRoleWithWebIdentity ${config.roleArn} as ${roleSessionName} ` +
            `(attempt ${attempt}/${policy.maxAttempts}, ${describeClaims(token.claims)})`,
        );
        const facts = new AnswerFacts(now);
        let output: AssumeRoleWithWebIdentityCommandOutput;
        try {
          output = await assumeRoleWithWebIdentity(
            client,
            {
              RoleArn: config.roleArn,
              RoleSessionName: roleSessionName,
              WebIdentityToken: token.reveal(),
              DurationSeconds: config.durationSeconds,
              Policy: init.policy,
              PolicyArns: init.policyArns,
              ProviderId: init.providerId,
            },
            policy.attemptTimeoutMs,
            facts,
          );
        } finally {
          // Error answers carry STS's Date too: skew is measured on every answer.
          skew.observe(facts);
          info = { ...info, ...(skew.measuredMs !== undefined && { clockSkewMs: skew.measuredMs }) };
        }
        return toCredentials(output, config, token, attempt, facts, init.logger);
      },
      retryNow: async (failure) => {
        if (failure.action !== "reread-token") return false;
        // An invalid token may have been caught half-written: pause, read it again, try once more.
        if (failure.code === "InvalidIdentityToken") {
          const fresh = await torn.next(token, () => readToken(config.webIdentityTokenFile));
          if (fresh === undefined) return false;
          init.logger?.info?.(
            `@irsa/web-identity: STS rejected the token (${failure.code}); read it again after a pause` +
              `${fresh.sameAs(token) ? "" : " (the file changed)"}, retrying once`,
          );
          token = fresh;
          return true;
        }
        // An expired token: if kubelet rotated the file meanwhile, try once more at once.
        if (rereadAfterRejection) return false;
        rereadAfterRejection = true;
        const fresh = await readToken(config.webIdentityTokenFile);
        if (fresh.sameAs(token)) return false;
        init.logger?.info?.(`@irsa/web-identity: STS rejected the token (${failure.code}); the file was rotated, retrying with the new token`);
        token = fresh;
        return true;
      },
      beforeRetry: async () => {
        token = await readToken(config.webIdentityTokenFile);
      },
      fail: (failure, error, attempts) => {
        // A token rejected once may have been torn (transient); the same bytes rejected twice are not.
        const tornCandidate = failure.action === "reread-token" && failure.code === "InvalidIdentityToken" && !torn.rejected(token);
        return stsFailure(failure, error, config, token, attempts, tornCandidate);
      },
    });
    if (hops.length === 0) return base;
    return assumeRoleChain(hops, base, {
      clients,
      base: client,
      policy,
      defaultSessionName: roleSessionName,
      baseDescription: `web identity role ${config.roleArn}`,
      logger: init.logger,
      skew,
    });
  };

  // defineProperties, not Object.assign: assign would read the getter once and freeze `info`.
  return Object.defineProperties(fetchCredentials, {
    info: { get: () => info, enumerable: true },
    close: {
      value: () => {
        rotation.stop();
        clients.destroy();
      },
    },
  }) as WebIdentitySource;
}

/** Transient failures that ran out of attempts, and an expiry STS saw but our clock did not, may pass. */
function isRecoverableFailure(failure: StsErrorClassification): boolean {
  if (failure.action === "retry") return true;
  return failure.action === "reread-token" && failure.code === "ExpiredToken";
}

function stsFailure(
  failure: StsErrorClassification,
  error: unknown,
  config: ResolvedWebIdentityConfig,
  token: WebIdentityToken,
  attempts: number,
  tornCandidate: boolean,
): StsRequestError {
  const recoverable = isRecoverableFailure(failure) || tornCandidate;
  const where = [failure.httpStatus !== undefined ? `HTTP ${failure.httpStatus}` : undefined, `request id ${failure.requestId ?? "(none)"}`]
    .filter(Boolean)
    .join(", ");
  const serviceMessage = redactToken(failure.message, token);
  const check =
    failure.action === "reread-token" && failure.code === "ExpiredToken"
      ? "STS says the token expired but it has not by this machine's clock: check the node's clock (NTP) and that kubelet rotates the token file"
      : failure.hint;
  const message =
    `AssumeRoleWithWebIdentity for role ${config.roleArn} failed: ${failure.code} (${where}): ${serviceMessage}. ` +
    `Token ${token.path}: ${describeClaims(token.claims)}. ` +
    (failure.action === "reread-token" && failure.code === "InvalidIdentityToken" && !tornCandidate
      ? "STS rejected these same token bytes twice (read again after a pause), so it is not a half-written file. "
      : "") +
    (check ? `Hint: ${check}. ` : "") +
    `${attempts} STS call${attempts === 1 ? "" : "s"} in this refresh; ${recoverable ? "will be retried later" : "not retried until something changes"}.`;
  return new StsRequestError(message, {
    roleArn: config.roleArn,
    code: failure.code,
    httpStatus: failure.httpStatus,
    requestId: failure.requestId,
    claims: token.claims,
    attempts,
    recoverable,
    ...sdkErrorCompat(error, (text) => redactToken(text, token)),
  });
}

function redactToken(text: string, token: WebIdentityToken): string {
  return text.split(token.reveal()).join("[web identity token]");
}

function toCredentials(
  output: AssumeRoleWithWebIdentityCommandOutput,
  config: ResolvedWebIdentityConfig,
  token: WebIdentityToken,
  attempts: number,
  facts: AnswerFacts,
  logger: Logger | undefined,
): AwsCredentialIdentity {
  const checked = checkStsAnswer(output, config.roleArn, facts);
  if (!checked.ok && checked.problem === "other-role") {
    throw new StsRequestError(
      `AssumeRoleWithWebIdentity for role ${config.roleArn} failed: ${describeOtherRole(config.roleArn, checked.assumedRoleUserArn, checked.endpoint)} ` +
        `(request id ${output.$metadata.requestId ?? "(none)"}). Not retried until something changes.`,
      { roleArn: config.roleArn, code: "AssumedRoleMismatch", requestId: output.$metadata.requestId, claims: token.claims, attempts, recoverable: false },
    );
  }
  if (!checked.ok) {
    throw new StsRequestError(
      `AssumeRoleWithWebIdentity for role ${config.roleArn} answered without credentials ` +
        `(request id ${output.$metadata.requestId ?? "(none)"}). Check the STS endpoint (clientConfig.endpoint / AWS_ENDPOINT_URL_STS).`,
      { roleArn: config.roleArn, code: "MissingCredentials", requestId: output.$metadata.requestId, claims: token.claims, attempts, recoverable: true },
    );
  }
  if (checked.capped) {
    logger?.warn?.(
      `@irsa/web-identity: STS (${facts.endpoint ?? "endpoint unknown"}) answered for role ${config.roleArn} with a lifetime of ` +
        `${Math.round((checked.claimedLifetimeMs ?? 0) / 3600_000)} h; AssumeRoleWithWebIdentity never issues more than 12 h, so it is capped to 12 h.`,
    );
  }
  return checked.identity;
}
