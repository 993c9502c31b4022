// Typed errors of the connection helpers (ElastiCache/MemoryDB, MSK, OpenSearch). They join the
// project's error family (ConfigurationError of @irsa/web-identity): not recoverable, a stable
// `code`, a message that says what to fix, never a token or a secret.
import { ConfigurationError } from "@irsa/web-identity";

/** What is wrong with an option: the stable `code` of an {@link IamAuthOptionError}. */
export type IamAuthOptionErrorCode = "UnknownOption" | "MissingOption" | "InvalidOption" | "UpperCaseName" | "UserMismatch";

/** An option of an IAM-auth helper is unknown, missing or malformed; `option` names it. */
export class IamAuthOptionError extends ConfigurationError {
  override name = "IamAuthOptionError";
  /** Stable code. */
  readonly code: IamAuthOptionErrorCode;
  /** The option to fix, as `helper.option` (e.g. `createElastiCacheTokenGenerator.cacheName`). */
  readonly option: string;
  constructor(code: IamAuthOptionErrorCode, option: string, message: string) {
    super(message);
    this.code = code;
    this.option = option;
  }
}

/** An optional peer package (a client or a signer) is not installed; `peer` names it. */
export class PeerClientMissingError extends ConfigurationError {
  override name = "PeerClientMissingError";
  /** Stable code. */
  readonly code = "PeerClientMissing";
  /** The npm package to install. */
  readonly peer: string;
  constructor(peer: string, feature: string, options: { cause?: unknown } = {}) {
    super(`${feature} needs the package '${peer}', which could not be loaded: install it next to @irsa/iam-auth (npm install ${peer}).`, options);
    this.peer = peer;
  }
}
