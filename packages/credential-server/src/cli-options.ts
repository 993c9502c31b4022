import type { FromWebIdentityInit } from "@irsa/web-identity";
import { CredentialServerConfigError } from "./errors.js";

/** A usage error: the CLI prints it with a pointer to `--help` and exits with code 2. */
export class UsageError extends CredentialServerConfigError {
  override name = "UsageError";
}

/** parseArgs options shared by both commands: where the credentials come from. */
export const PROVIDER_OPTIONS = {
  "role-arn": { type: "string" },
  "web-identity-token-file": { type: "string" },
  "role-session-name": { type: "string" },
  "duration-seconds": { type: "string" },
  region: { type: "string" },
  "log-level": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** An integer flag within bounds, or undefined when absent. */
export function integerFlag(name: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}; got "${value}".`);
  }
  return parsed;
}

/** A file mode given in octal ("0640", "640", "0o640"). */
export function fileModeFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const digits = value.replace(/^0o/i, "");
  if (!/^[0-7]{3,4}$/.test(digits)) throw new UsageError(`--${name} must be an octal file mode such as 0640; got "${value}".`);
  return Number.parseInt(digits, 8);
}

/** The web-identity options given as flags; the rest falls back to the environment in the library. */
export function providerInitFromFlags(values: {
  "role-arn"?: string | undefined;
  "web-identity-token-file"?: string | undefined;
  "role-session-name"?: string | undefined;
  "duration-seconds"?: string | undefined;
  region?: string | undefined;
}): FromWebIdentityInit {
  const init: FromWebIdentityInit = {};
  if (values["role-arn"] !== undefined) init.roleArn = values["role-arn"];
  if (values["web-identity-token-file"] !== undefined) init.webIdentityTokenFile = values["web-identity-token-file"];
  if (values["role-session-name"] !== undefined) init.roleSessionName = values["role-session-name"];
  const duration = integerFlag("duration-seconds", values["duration-seconds"], 900, 43_200);
  if (duration !== undefined) init.durationSeconds = duration;
  if (values.region !== undefined) init.region = values.region;
  return init;
}
