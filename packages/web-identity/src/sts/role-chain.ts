import type { AssumeRoleCommandOutput, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { ROLE_SESSION_NAME_PATTERN, isRoleArn } from "../sources/web-identity/config.js";
import { ConfigurationError, RoleChainError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { redactSecrets } from "../shared/redact.js";
import { sdkErrorCompat } from "../shared/sdk-error-compat.js";
import { runStsAttempts, type StsAttemptPolicy } from "./sts-attempts.js";
import { assumeRole, type StsClientHolder } from "./sts-client.js";
import type { StsErrorClassification } from "./sts-errors.js";
import { AnswerFacts } from "./answer-facts.js";
import { checkStsAnswer } from "./answer-validation.js";
import { describeOtherRole } from "./assumed-role-check.js";
import type { ClockSkew } from "./clock-skew.js";

/** STS caps a session obtained by role chaining at one hour. */
export const MAX_CHAINED_DURATION_SECONDS = 3_600;
/** And, like any session, at no less than 15 minutes. */
export const MIN_CHAINED_DURATION_SECONDS = 900;

// STS's rule for ExternalId.
const EXTERNAL_ID_PATTERN = /^[\w+=,.@:/-]{2,1224}$/;

/** One cross-account hop: a role assumed with `sts:AssumeRole`, signed by the previous credentials. */
export interface RoleChainHop {
  /** ARN of the role to assume, `arn:aws:iam::ACCOUNT:role/NAME`. Required. */
  roleArn: string;
  /** The ExternalId the role's trust policy asks for (third-party access). Default: none sent. */
  externalId?: string;
  /**
   * Session name shown in CloudTrail of the role's account. Default: the base session's name (the
   * web identity's `roleSessionName`, configured or generated), so one pod's sessions line up
   * across accounts.
   */
  roleSessionName?: string;
  /**
   * Lifetime of this hop's credentials, 900-3600 s (STS caps chained sessions at one hour).
   * Default: STS's, 3600.
   */
  durationSeconds?: number;
}

/**
 * Checks `roleChain` before anything is called, so a typo never costs an STS call.
 *
 * @throws ConfigurationError naming `roleChain[i].field` and the fix.
 */
export function validateRoleChain(roleChain: unknown): readonly RoleChainHop[] {
  if (roleChain === undefined) return [];
  if (!Array.isArray(roleChain)) {
    throw new ConfigurationError(
      "The option `roleChain` must be an array of hops ([{ roleArn, externalId?, roleSessionName?, durationSeconds? }]).",
    );
  }
  return roleChain.map((hop: unknown, index) => {
    const where = `roleChain[${index}]`;
    if (typeof hop !== "object" || hop === null) {
      throw new ConfigurationError(`The option \`${where}\` must be an object { roleArn, externalId?, roleSessionName?, durationSeconds? }.`);
    }
    const { roleArn, externalId, roleSessionName, durationSeconds } = hop as Record<string, unknown>;
    if (typeof roleArn !== "string" || !isRoleArn(roleArn)) {
      throw new ConfigurationError(
        `The option \`${where}.roleArn\` is missing or malformed: ${JSON.stringify(roleArn)}. Expected ` +
          "arn:aws:iam::123456789012:role/NAME (the role to assume in the other account).",
      );
    }
    if (externalId !== undefined && (typeof externalId !== "string" || !EXTERNAL_ID_PATTERN.test(externalId))) {
      // The external id is a shared secret of sorts: say what is wrong, not what it is.
      throw new ConfigurationError(
        `The option \`${where}.externalId\` is invalid: it must be 2 to 1224 characters among letters, digits and _+=,.@:/-.`,
      );
    }
    if (roleSessionName !== undefined && (typeof roleSessionName !== "string" || !ROLE_SESSION_NAME_PATTERN.test(roleSessionName))) {
      throw new ConfigurationError(
        `The option \`${where}.roleSessionName\` is invalid: ${JSON.stringify(roleSessionName)}. It must be 2 to 64 ` +
          "characters among letters, digits and _+=,.@- (no spaces or slashes); omit it to reuse the base session's name.",
      );
    }
    if (
      durationSeconds !== undefined &&
      !(
        typeof durationSeconds === "number" &&
        Number.isInteger(durationSeconds) &&
        durationSeconds >= MIN_CHAINED_DURATION_SECONDS &&
        durationSeconds <= MAX_CHAINED_DURATION_SECONDS
      )
    ) {
      throw new ConfigurationError(
        `The option \`${where}.durationSeconds\` is invalid: ${String(durationSeconds)}. A role assumed by role chaining ` +
          `lives ${MIN_CHAINED_DURATION_SECONDS} to ${MAX_CHAINED_DURATION_SECONDS} seconds (STS caps chained sessions at ` +
          "one hour); omit it for 3600.",
      );
    }
    return {
      roleArn,
      ...(externalId !== undefined && { externalId: externalId as string }),
      ...(roleSessionName !== undefined && { roleSessionName: roleSessionName as string }),
      ...(durationSeconds !== undefined && { durationSeconds: durationSeconds as number }),
    };
  });
}

/** What the hops need from the provider that runs them. */
export interface RoleChainContext {
  /** The provider's STS client: every hop goes where it goes, over its connection pool. */
  clients: StsClientHolder;
  base: STSClient;
  policy: StsAttemptPolicy;
  /** Session name of a hop without its own. */
  defaultSessionName: string;
  /** Who signs the first hop, for messages: e.g. "web identity role arn:…" or "container credentials". */
  baseDescription: string;
  logger?: Logger;
  /** The provider's clock skew: hop answers are measured and their lifetimes placed on the local clock. */
  skew?: ClockSkew;
}

/**
 * Runs the hops after the base credentials: each `AssumeRole` signed with the previous hop's
 * credentials, with the same retry policy as the base call. The result is the last hop's set
 * (its expiration is the set's).
 *
 * @throws RoleChainError naming the hop that failed; AccessDenied and other 4xx are
 * non-recoverable, throttling, 5xx and network failures recoverable.
 */
export async function assumeRoleChain(
  hops: readonly RoleChainHop[],
  base: AwsCredentialIdentity,
  context: RoleChainContext,
): Promise<AwsCredentialIdentity> {
  let credentials = base;
  let signer = context.baseDescription;
  for (const [hopIndex, hop] of hops.entries()) {
    const client = await context.clients.signedWith(context.base, credentials);
    const sessionName = hop.roleSessionName ?? context.defaultSessionName;
    const label = `roleChain[${hopIndex}] AssumeRole ${hop.roleArn}`;
    credentials = await runStsAttempts(context.policy, {
      label,
      logger: context.logger,
      send: async (attempt) => {
        context.logger?.debug?.(
          `@irsa/web-identity: ${label} as ${sessionName}, signed by ${signer} (attempt ${attempt}/${context.policy.maxAttempts})`,
        );
        const facts = new AnswerFacts(context.skew?.now);
        let output: AssumeRoleCommandOutput;
        try {
          output = await assumeRole(
            client,
            { RoleArn: hop.roleArn, RoleSessionName: sessionName, ExternalId: hop.externalId, DurationSeconds: hop.durationSeconds },
            context.policy.attemptTimeoutMs,
            facts,
          );
        } finally {
          context.skew?.observe(facts);
        }
        return hopCredentials(output, hop, hopIndex, hops.length, attempt, facts);
      },
      fail: (failure, error, attempts) => hopFailure(failure, error, { hop, hopIndex, hops: hops.length, signer, attempts }),
    });
    signer = `role ${hop.roleArn} (roleChain[${hopIndex}])`;
  }
  return credentials;
}

function describeHop(hopIndex: number, hops: number, roleArn: string): string {
  return `Role chain hop ${hopIndex + 1} of ${hops} (roleChain[${hopIndex}], AssumeRole ${roleArn})`;
}

/** Recoverable: transient failures, and signing credentials STS saw as expired (the next fetch gets new ones). */
function isRecoverableHopFailure(failure: StsErrorClassification): boolean {
  return failure.action === "retry" || failure.code === "ExpiredToken";
}

function hopHint(failure: StsErrorClassification, hop: RoleChainHop, hopIndex: number, signer: string): string {
  switch (failure.code) {
    case "AccessDenied":
      return (
        `check that the trust policy of ${hop.roleArn} allows sts:AssumeRole for the ${signer}` +
        (hop.externalId !== undefined
          ? " with this ExternalId (sts:ExternalId condition)"
          : ` (if it has an sts:ExternalId condition, set \`roleChain[${hopIndex}].externalId\`)`) +
        ", and that the signing role's own policy allows sts:AssumeRole on it"
      );
    case "ExpiredToken":
    case "InvalidClientTokenId":
      return `STS did not accept the ${signer}'s credentials: check the node's clock and that every hop calls the same STS partition`;
    case "ValidationError":
      return "check roleArn, roleSessionName and durationSeconds of this hop (a chained session lasts at most one hour)";
    case "RegionDisabled":
      return "STS is not activated in this region for the account: activate it in IAM account settings or set another region";
    default:
      return failure.hint;
  }
}

function hopFailure(
  failure: StsErrorClassification,
  error: unknown,
  facts: { hop: RoleChainHop; hopIndex: number; hops: number; signer: string; attempts: number },
): RoleChainError {
  const recoverable = isRecoverableHopFailure(failure);
  const where = [failure.httpStatus !== undefined ? `HTTP ${failure.httpStatus}` : undefined, `request id ${failure.requestId ?? "(none)"}`]
    .filter(Boolean)
    .join(", ");
  const hint = hopHint(failure, facts.hop, facts.hopIndex, facts.signer);
  const message =
    `${describeHop(facts.hopIndex, facts.hops, facts.hop.roleArn)} failed: ${failure.code} (${where}): ` +
    `${redactSecrets(failure.message)}. Signed by the ${facts.signer}. ` +
    (hint ? `Hint: ${hint}. ` : "") +
    `${facts.attempts} STS call${facts.attempts === 1 ? "" : "s"} for this hop; ` +
    `${recoverable ? "will be retried later" : "not retried until something changes"}.`;
  return new RoleChainError(message, {
    hopIndex: facts.hopIndex,
    roleArn: facts.hop.roleArn,
    code: failure.code,
    httpStatus: failure.httpStatus,
    requestId: failure.requestId,
    attempts: facts.attempts,
    recoverable,
    // the SDK's own exception (name, $fault, $metadata) as the cause, cleaned of secrets, as for StsRequestError
    ...sdkErrorCompat(error, redactSecrets),
  });
}

function hopCredentials(
  output: AssumeRoleCommandOutput,
  hop: RoleChainHop,
  hopIndex: number,
  hops: number,
  attempts: number,
  facts: AnswerFacts,
): AwsCredentialIdentity {
  const checked = checkStsAnswer(output, hop.roleArn, facts);
  if (!checked.ok && checked.problem === "other-role") {
    throw new RoleChainError(
      `${describeHop(hopIndex, hops, hop.roleArn)} failed: ${describeOtherRole(hop.roleArn, checked.assumedRoleUserArn, checked.endpoint)} ` +
        `(request id ${output.$metadata.requestId ?? "(none)"}). Not retried until something changes.`,
      { hopIndex, roleArn: hop.roleArn, code: "AssumedRoleMismatch", requestId: output.$metadata.requestId, attempts, recoverable: false },
    );
  }
  if (!checked.ok) {
    throw new RoleChainError(
      `${describeHop(hopIndex, hops, hop.roleArn)} answered without credentials ` +
        `(request id ${output.$metadata.requestId ?? "(none)"}). Check the STS endpoint (clientConfig.endpoint / AWS_ENDPOINT_URL_STS).`,
      { hopIndex, roleArn: hop.roleArn, code: "MissingCredentials", requestId: output.$metadata.requestId, attempts, recoverable: true },
    );
  }
  return checked.identity;
}
