import { memberValidationError, validationError } from "./sts-error.js";

/** STS API version of the Query protocol. */
export const STS_API_VERSION = "2011-06-15";
/** Shortest session STS issues. */
export const MIN_DURATION_SECONDS = 900;
/** Longest session STS issues (and the largest role MaxSessionDuration). */
export const MAX_DURATION_SECONDS = 43_200;
/** Session duration when the request gives none. */
export const DEFAULT_DURATION_SECONDS = 3600;
/** Sessions of role chaining (AssumeRole with role credentials) are capped at one hour. */
export const ROLE_CHAINING_MAX_SECONDS = 3600;

const SESSION_NAME = /^[\w+=,.@-]*$/;

/** Validates `RoleSessionName` as STS does: 2-64 characters of `[\w+=,.@-]`. */
export function requireSessionName(value: string | undefined): string {
  if (value === undefined) throw memberValidationError(undefined, "roleSessionName", "Member must not be null");
  if (value.length < 2) throw memberValidationError(value, "roleSessionName", "Member must have length greater than or equal to 2");
  if (value.length > 64) throw memberValidationError(value, "roleSessionName", "Member must have length less than or equal to 64");
  if (!SESSION_NAME.test(value)) {
    throw memberValidationError(value, "roleSessionName", "Member must satisfy regular expression pattern: [\\w+=,.@-]*");
  }
  return value;
}

/**
 * Validates `DurationSeconds` (900-43200, and at most `maxSeconds`, the role's limit).
 * `limitMessage` is STS's message when only the role's limit is exceeded.
 */
export function requireDuration(value: string | undefined, maxSeconds: number, limitMessage: string): number {
  if (value === undefined) return Math.min(DEFAULT_DURATION_SECONDS, maxSeconds);
  if (!/^-?\d+$/.test(value)) throw memberValidationError(value, "durationSeconds", "Member must be an integer");
  const seconds = Number(value);
  if (seconds < MIN_DURATION_SECONDS) {
    throw memberValidationError(value, "durationSeconds", `Member must have value greater than or equal to ${MIN_DURATION_SECONDS}`);
  }
  if (seconds > MAX_DURATION_SECONDS) {
    throw memberValidationError(value, "durationSeconds", `Member must have value less than or equal to ${MAX_DURATION_SECONDS}`);
  }
  if (seconds > maxSeconds) throw validationError(limitMessage);
  return seconds;
}

/** Parameters of a Query request: the query string merged with a form body. */
export function queryParams(url: string, body: string, contentType: string | undefined): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of new URL(url, "http://placeholder").searchParams) params.set(key, value);
  if (body !== "" && (contentType === undefined || contentType.startsWith("application/x-www-form-urlencoded"))) {
    for (const [key, value] of new URLSearchParams(body)) params.set(key, value);
  }
  return params;
}
