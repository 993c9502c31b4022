import type { AwsCredentialIdentity } from "@smithy/types";
import type { AnswerFacts } from "./answer-facts.js";
import { isOtherRole } from "./assumed-role-check.js";
import { placeOnLocalClock } from "./clock-skew.js";
import { credentialsFromStsOutput, type StsCredentialsOutput } from "./sts-credentials.js";

/** The verdict on one `AssumeRole*` answer. */
export type AnswerCheck =
  | {
      ok: true;
      /** The set, its `expiration` on the local clock (skew-aware, at most 12 h). */
      identity: AwsCredentialIdentity;
      /** True when the answer claimed more than 12 h and the lifetime was capped. */
      capped: boolean;
      claimedLifetimeMs?: number;
    }
  | { ok: false; problem: "missing-credentials" }
  | { ok: false; problem: "other-role"; assumedRoleUserArn: string; endpoint?: string };

/**
 * Every check an STS answer passes before its set is used (the size cap ran while it was read):
 * a complete set, an `AssumedRoleUser` for the requested role, and a lifetime taken from the
 * answer itself and placed on the local clock, capped at 12 hours. The cap (not a refusal): an
 * over-long `Expiration` is impossible from STS but harmless once capped, while refusing it would
 * turn a test STS or a rewriting proxy into an outage; what hurt was a refresh 10 years out.
 */
export function checkStsAnswer(output: StsCredentialsOutput, requestedRoleArn: string, facts: AnswerFacts | undefined): AnswerCheck {
  const identity = credentialsFromStsOutput(output);
  if (identity === undefined) return { ok: false, problem: "missing-credentials" };
  const assumedRoleUserArn = output.AssumedRoleUser?.Arn;
  if (isOtherRole(requestedRoleArn, assumedRoleUserArn)) {
    return { ok: false, problem: "other-role", assumedRoleUserArn: assumedRoleUserArn!, endpoint: facts?.endpoint };
  }
  if (identity.expiration === undefined) return { ok: true, identity, capped: false };
  const placed = placeOnLocalClock(identity.expiration, facts);
  return { ok: true, identity: { ...identity, expiration: placed.expiration }, capped: placed.capped, claimedLifetimeMs: placed.claimedLifetimeMs };
}
