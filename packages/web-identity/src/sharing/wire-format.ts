// Credential sets and errors as they travel between members. A set keeps its fields (the
// receiver signs with them) and its expiration as epoch ms; anything malformed is refused.

import type { AwsCredentialIdentity } from "@smithy/types";
import { errorMessage, errorName } from "../engine/identity-check.js";
import { isRecoverable } from "../shared/errors.js";

/** A set on the wire. */
export interface WireSet {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: number;
  readonly credentialScope?: string;
  readonly accountId?: string;
  /** The SDK's credential feature tags (`$source`), so user agents stay the same. */
  readonly $source?: Record<string, string>;
}

/** A set as the group hands it around: the set, the leader's refresh instant, its STS call count. */
export interface GroupSet {
  readonly set: WireSet;
  readonly refreshAt?: number;
  readonly groupSourceCalls: number;
}

/** An error on the wire: what the receiver needs to classify and report it, never a secret. */
export interface WireError {
  readonly name: string;
  readonly code: string;
  readonly message: string;
  readonly recoverable: boolean;
}

const optionalString = (value: unknown) => value === undefined || typeof value === "string";

export function toWireSet(identity: AwsCredentialIdentity): WireSet {
  const { accessKeyId, secretAccessKey, sessionToken, credentialScope, accountId } = identity;
  const source = (identity as { $source?: Record<string, string> }).$source;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken !== undefined && { sessionToken }),
    ...(identity.expiration !== undefined && { expiration: identity.expiration.getTime() }),
    ...(credentialScope !== undefined && { credentialScope }),
    ...(accountId !== undefined && { accountId }),
    ...(source !== undefined && { $source: { ...source } }),
  };
}

/** The set in `value`, or undefined when it is not a well-formed one. */
export function fromWireSet(value: unknown): AwsCredentialIdentity | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const wire = value as Record<string, unknown>;
  if (typeof wire.accessKeyId !== "string" || wire.accessKeyId === "" || typeof wire.secretAccessKey !== "string") return undefined;
  if (!optionalString(wire.sessionToken) || !optionalString(wire.credentialScope) || !optionalString(wire.accountId)) return undefined;
  if (wire.expiration !== undefined && (typeof wire.expiration !== "number" || !Number.isFinite(wire.expiration))) return undefined;
  const source = wire.$source;
  if (source !== undefined && (typeof source !== "object" || source === null || !Object.values(source).every((tag) => typeof tag === "string"))) return undefined;
  return {
    accessKeyId: wire.accessKeyId,
    secretAccessKey: wire.secretAccessKey,
    ...(wire.sessionToken !== undefined && { sessionToken: wire.sessionToken as string }),
    ...(wire.expiration !== undefined && { expiration: new Date(wire.expiration as number) }),
    ...(wire.credentialScope !== undefined && { credentialScope: wire.credentialScope as string }),
    ...(wire.accountId !== undefined && { accountId: wire.accountId as string }),
    ...(source !== undefined && { $source: { ...(source as Record<string, string>) } }),
  } as AwsCredentialIdentity;
}

export function toWireError(error: unknown): WireError {
  const code = (error as { code?: unknown } | null)?.code;
  return { name: errorName(error), code: typeof code === "string" ? code : errorName(error), message: errorMessage(error), recoverable: isRecoverable(error) };
}

export function isWireError(value: unknown): value is WireError {
  if (typeof value !== "object" || value === null) return false;
  const wire = value as Record<string, unknown>;
  return typeof wire.name === "string" && typeof wire.code === "string" && typeof wire.message === "string" && typeof wire.recoverable === "boolean";
}
