// Checks of the signing helpers' options that the shared init checks (../init-checks.ts) do
// not cover: names the services require lower-case, and the signing region.
import { IamAuthConfigurationError } from "../errors.js";

/** Refuses a name with upper-case letters (ElastiCache and MemoryDB IAM authentication need them lower-case). */
export function lowerCaseName(fn: string, option: string, value: string, service: string): string {
  if (value !== value.toLowerCase()) {
    throw new IamAuthConfigurationError(
      `${fn}: ${option} must be lower-case for ${service} IAM authentication (the service signs and checks it lower-case); use '${value.toLowerCase()}'.`,
      { code: "InvalidOption", option },
    );
  }
  return value;
}

/**
 * The signing region: the option, else AWS_REGION, else AWS_DEFAULT_REGION (an empty variable
 * counts as unset). Shared by every helper that signs, so each resolves and checks it the same way.
 */
export function signingRegion(fn: string, value: unknown): string {
  const region = value !== undefined ? value : process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION;
  if (region === undefined || region === null || region === "") {
    throw new IamAuthConfigurationError(`${fn}: region is required (e.g. eu-west-1): pass region, or set AWS_REGION or AWS_DEFAULT_REGION (IRSA pods have AWS_REGION).`, {
      code: "MissingOption",
      option: "region",
    });
  }
  if (typeof region !== "string" || !/^[a-z0-9-]+$/.test(region)) {
    throw new IamAuthConfigurationError(`${fn}: region must look like us-east-1.`, { code: "InvalidOption", option: "region" });
  }
  return region;
}
