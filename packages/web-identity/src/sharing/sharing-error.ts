import { IrsaCredentialsError } from "../shared/errors.js";

/**
 * A refresh asked of the group's leader failed: the leader's own failure (its `code`, `name` and
 * message, and whether it is recoverable), or the group could not answer within the refresh's
 * deadline (`code: "SharingUnavailable"`, recoverable).
 */
export class SharedRefreshError extends IrsaCredentialsError {
  override name = "SharedRefreshError";
  readonly code: string;
  /** The name of the leader's error, when the leader answered with one. */
  readonly leaderErrorName?: string;
  constructor(message: string, details: { code: string; recoverable: boolean; leaderErrorName?: string }) {
    super(message, { recoverable: details.recoverable });
    this.code = details.code;
    if (details.leaderErrorName !== undefined) this.leaderErrorName = details.leaderErrorName;
  }
}
