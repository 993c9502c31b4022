// Checks an init object of a connection helper: no unknown option (a typo must not be ignored),
// required names present, names lower-case where the service requires it.
import { IamAuthOptionError } from "./errors.js";

/** Refuses any own key of `init` that is not in `known`, naming the closest known one. */
export function refuseUnknownOptions(helper: string, init: object, known: readonly string[]): void {
  for (const key of Object.keys(init)) {
    if (known.includes(key)) continue;
    const hint = known.find((name) => name.toLowerCase() === key.toLowerCase());
    throw new IamAuthOptionError(
      "UnknownOption",
      `${helper}.${key}`,
      `${helper}: unknown option '${key}'${hint !== undefined ? ` (did you mean '${hint}'?)` : ""}. Known options: ${known.join(", ")}.`,
    );
  }
}

/** A non-empty string option, or a typed error naming it. */
export function requiredName(helper: string, option: string, value: unknown, what: string): string {
  if (value === undefined || value === null || value === "") {
    throw new IamAuthOptionError("MissingOption", `${helper}.${option}`, `${helper}: '${option}' is required: ${what}.`);
  }
  if (typeof value !== "string" || value.trim() !== value || /\s/.test(value)) {
    throw new IamAuthOptionError("InvalidOption", `${helper}.${option}`, `${helper}: '${option}' must be a string without spaces: ${what}.`);
  }
  return value;
}

/** Refuses a name with upper-case letters (ElastiCache and MemoryDB compare them lower-case). */
export function lowerCaseName(helper: string, option: string, value: string, service: string): string {
  if (value !== value.toLowerCase()) {
    throw new IamAuthOptionError(
      "UpperCaseName",
      `${helper}.${option}`,
      `${helper}: '${option}' must be lower-case for ${service} IAM authentication (the service signs and checks it lower-case); ` +
        `use '${value.toLowerCase()}'.`,
    );
  }
  return value;
}

/** A duration in ms within [min, max], or the default. */
export function durationOption(helper: string, option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new IamAuthOptionError("InvalidOption", `${helper}.${option}`, `${helper}: '${option}' must be a number of milliseconds from ${min} to ${max} (got ${String(value)}).`);
  }
  return value;
}

/** The signing region: the option, else AWS_REGION, else AWS_DEFAULT_REGION. */
export function signingRegion(helper: string, value: unknown): string {
  const region = value ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (region === undefined || region === "") {
    throw new IamAuthOptionError("MissingOption", `${helper}.region`, `${helper}: no region: pass 'region' or set AWS_REGION (IRSA pods have it).`);
  }
  if (typeof region !== "string" || !/^[a-z0-9-]+$/.test(region)) {
    throw new IamAuthOptionError("InvalidOption", `${helper}.region`, `${helper}: 'region' must look like us-east-1 (got ${JSON.stringify(String(region))}).`);
  }
  return region;
}

/** A function option, or the default. */
export function functionOption<F>(helper: string, option: string, value: unknown, fallback: F): F {
  if (value === undefined) return fallback;
  if (typeof value !== "function") {
    throw new IamAuthOptionError("InvalidOption", `${helper}.${option}`, `${helper}: '${option}' must be a function.`);
  }
  return value as F;
}
