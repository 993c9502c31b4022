// Checks of `init` objects: unknown options, required strings and ports, ranges. Each failure is
// an IamAuthConfigurationError naming the option and the function.
import { IamAuthConfigurationError } from "./errors.js";

/** Refuses an init that is not an object or that holds an option `known` does not list. */
export function checkKnownOptions(fn: string, init: unknown, known: readonly string[]): Record<string, unknown> {
  if (typeof init !== "object" || init === null || Array.isArray(init)) {
    throw new IamAuthConfigurationError(`${fn} needs an options object (got ${init === null ? "null" : typeof init}).`, {
      code: "InvalidOption",
      option: "init",
    });
  }
  for (const name of Object.keys(init)) {
    if (!known.includes(name)) {
      throw new IamAuthConfigurationError(`${fn}: unknown option "${name}". Known options: ${known.join(", ")}.`, {
        code: "UnknownOption",
        option: name,
      });
    }
  }
  return init as Record<string, unknown>;
}

/** A non-empty string option. */
export function requireString(fn: string, option: string, value: unknown, hint: string): string {
  if (value === undefined || value === null || value === "") {
    throw new IamAuthConfigurationError(`${fn}: ${option} is required (${hint}).`, { code: "MissingOption", option });
  }
  if (typeof value !== "string" || value.trim() !== value) {
    throw new IamAuthConfigurationError(`${fn}: ${option} must be a string without surrounding spaces (${hint}).`, {
      code: "InvalidOption",
      option,
    });
  }
  return value;
}

/** A TCP port, 1-65535. */
export function requirePort(fn: string, option: string, value: unknown): number {
  if (value === undefined || value === null) {
    throw new IamAuthConfigurationError(`${fn}: ${option} is required (the database's port, e.g. 5432 or 3306).`, {
      code: "MissingOption",
      option,
    });
  }
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > 65_535) {
    throw new IamAuthConfigurationError(`${fn}: ${option} must be an integer port from 1 to 65535 (got ${describeValue(value)}).`, {
      code: "InvalidOption",
      option,
    });
  }
  return value;
}

/** An integer in `[min, max]`, or `fallback` when absent. */
export function optionalInteger(fn: string, option: string, value: unknown, range: { min: number; max: number; fallback: number; unit: string }): number {
  if (value === undefined) return range.fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new IamAuthConfigurationError(
      `${fn}: ${option} must be an integer number of ${range.unit} from ${range.min} to ${range.max} (got ${describeValue(value)}).`,
      { code: "InvalidOption", option },
    );
  }
  return value;
}

/** A function option, when present. */
export function optionalFunction<T>(fn: string, option: string, value: unknown, hint: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "function") {
    throw new IamAuthConfigurationError(`${fn}: ${option} must be a function (${hint}; got ${describeValue(value)}).`, {
      code: "InvalidOption",
      option,
    });
  }
  return value as T;
}

/** A value for a message: its type, and numbers and booleans as written. Never a string's content. */
function describeValue(value: unknown): string {
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value === null) return "null";
  return typeof value;
}
