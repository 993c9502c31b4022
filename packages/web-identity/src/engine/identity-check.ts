// What the engine accepts from a source, and how it names a failure without leaking a secret.

import type { AwsCredentialIdentity } from "@smithy/types";
import type { Outcome } from "./decide.js";
import { IrsaCredentialsError, isRecoverable } from "../shared/errors.js";
import { redactSecrets } from "../shared/redact.js";

/** A source result must be a usable, unexpired set; anything else is a failed refresh. */
export function checkedIdentity(identity: unknown, now: number): AwsCredentialIdentity {
  const candidate = identity as Partial<AwsCredentialIdentity> | undefined;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.accessKeyId !== "string" ||
    candidate.accessKeyId === "" ||
    typeof candidate.secretAccessKey !== "string" ||
    candidate.secretAccessKey === ""
  ) {
    throw new IrsaCredentialsError("The credential source returned no accessKeyId and secretAccessKey.");
  }
  const expiration = candidate.expiration;
  if (expiration !== undefined) {
    if (!(expiration instanceof Date) || !Number.isFinite(expiration.getTime())) {
      throw new IrsaCredentialsError(`The credential source returned credentials ${candidate.accessKeyId} with an invalid expiration.`);
    }
    if (expiration.getTime() <= now) {
      // Recoverable: backed off like any failure, never retried per call.
      throw new IrsaCredentialsError(
        `The credential source returned credentials ${candidate.accessKeyId} that expired at ` +
          `${expiration.toISOString()} (now ${new Date(now).toISOString()}): check the source and the clock.`,
      );
    }
  }
  return candidate as AwsCredentialIdentity;
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return redactSecrets(text);
}

/** Calls the source now (in this tick); its answer, checked, or its failure. Never rejects. */
export function settled(call: () => Promise<AwsCredentialIdentity>, now: () => number): Promise<Outcome> {
  const failed = (error: unknown): Outcome => ({ ok: false, error, recoverable: isRecoverable(error) });
  try {
    return Promise.resolve(call()).then((identity): Outcome => {
      try {
        return { ok: true, identity: checkedIdentity(identity, now()) };
      } catch (error) {
        return failed(error);
      }
    }, failed);
  } catch (error) {
    return Promise.resolve(failed(error));
  }
}
