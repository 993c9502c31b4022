import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { ConfigurationError, CredentialSourceError, NotConfiguredError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { redactSecrets } from "../../shared/redact.js";
import { toSdkLogger } from "../../shared/sdk-logger.js";

/** Variables of the instance metadata service, as the AWS SDKs name them. */
export const ENV_EC2_METADATA_DISABLED = "AWS_EC2_METADATA_DISABLED";
/** Seconds per IMDS request. */
export const ENV_METADATA_SERVICE_TIMEOUT = "AWS_METADATA_SERVICE_TIMEOUT";
export const ENV_METADATA_SERVICE_NUM_ATTEMPTS = "AWS_METADATA_SERVICE_NUM_ATTEMPTS";
/** Read by the SDK's `fromInstanceMetadata` itself (it has no option for it). */
export const ENV_EC2_METADATA_SERVICE_ENDPOINT = "AWS_EC2_METADATA_SERVICE_ENDPOINT";

/** The SDKs' defaults: 1 s per request, 1 attempt. */
export const DEFAULT_IMDS_TIMEOUT_MS = 1_000;
/** Attempts per IMDS request when `AWS_METADATA_SERVICE_NUM_ATTEMPTS` is not set. */
export const DEFAULT_IMDS_NUM_ATTEMPTS = 1;

/**
 * Settings of the IMDS fallback. The endpoint is the SDK's: `AWS_EC2_METADATA_SERVICE_ENDPOINT`,
 * else `ec2_metadata_service_endpoint` in the shared config file, else 169.254.169.254 (or
 * [fd00:ec2::254] with `AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE=IPv6`).
 */
export interface InstanceMetadataInit {
  /** Per-request timeout in milliseconds. Default: `AWS_METADATA_SERVICE_TIMEOUT` (seconds) x 1000, else 1000. */
  timeoutMs?: number;
  /** Attempts per request. Default: `AWS_METADATA_SERVICE_NUM_ATTEMPTS`, else 1. */
  maxAttempts?: number;
  /**
   * Hard limit of one fetch, whatever the requests do. Default: `timeoutMs x (maxAttempts + 1)`,
   * 2 s with the defaults: the time the SDK needs to give up when nothing answers (the token
   * request, then one metadata request per attempt).
   */
  deadlineMs?: number;
  /** Refuse IMDSv1 (no session token) when the token request fails. Default: the SDK's (`AWS_EC2_METADATA_V1_DISABLED`, else allowed). */
  ec2MetadataV1Disabled?: boolean;
}

/** The IMDS settings of one fetch, and where each came from (for messages). */
export interface ResolvedImdsSettings {
  timeoutMs: number;
  maxAttempts: number;
  deadlineMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the IMDS settings for one fetch, without any I/O.
 *
 * @throws NotConfiguredError when `AWS_EC2_METADATA_DISABLED=true` (a chain moves on, no request).
 * @throws ConfigurationError when a value is malformed, naming the option or variable.
 */
export function resolveImdsSettings(init: InstanceMetadataInit, env: Env): ResolvedImdsSettings {
  if (env[ENV_EC2_METADATA_DISABLED]?.trim().toLowerCase() === "true") {
    throw new NotConfiguredError(`IMDS is disabled (${ENV_EC2_METADATA_DISABLED}=true).`);
  }
  const timeoutMs =
    positive(init.timeoutMs, "option `imds.timeoutMs`") ??
    secondsToMs(positive(numberFrom(env[ENV_METADATA_SERVICE_TIMEOUT]), `environment variable ${ENV_METADATA_SERVICE_TIMEOUT}`)) ??
    DEFAULT_IMDS_TIMEOUT_MS;
  const maxAttempts =
    wholeNumber(init.maxAttempts, "option `imds.maxAttempts`") ??
    wholeNumber(numberFrom(env[ENV_METADATA_SERVICE_NUM_ATTEMPTS]), `environment variable ${ENV_METADATA_SERVICE_NUM_ATTEMPTS}`) ??
    DEFAULT_IMDS_NUM_ATTEMPTS;
  const deadlineMs = positive(init.deadlineMs, "option `imds.deadlineMs`") ?? timeoutMs * (maxAttempts + 1);
  return { timeoutMs, maxAttempts, deadlineMs };
}

function numberFrom(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  return Number(text.trim());
}

function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : seconds * 1000;
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`The ${name} must be a positive number (got ${String(value)}).`);
  }
  return value;
}

function wholeNumber(value: number | undefined, name: string): number | undefined {
  const checked = positive(value, name);
  if (checked !== undefined && !Number.isInteger(checked)) {
    throw new ConfigurationError(`The ${name} must be a whole number >= 1 (got ${String(value)}).`);
  }
  return checked;
}

type ImdsModule = typeof import("@smithy/credential-provider-imds");
let imdsModule: Promise<ImdsModule> | undefined;

/** Loads `@smithy/credential-provider-imds` on the first IMDS fetch, so importing us stays cheap. */
function loadImdsModule(): Promise<ImdsModule> {
  imdsModule ??= import("@smithy/credential-provider-imds");
  return imdsModule;
}

/** Internal seams for tests. */
export interface ImdsSourceSeams {
  /** The environment, read on every fetch. Default: `process.env`. */
  env?: () => Readonly<Record<string, string | undefined>>;
}

/**
 * IMDSv2 credentials through the SDK's own `fromInstanceMetadata`, under a hard deadline. A new
 * SDK provider per fetch: its own "static stability" memory would otherwise hide failures from
 * the refresh engine, which does that job itself.
 */
export function createImdsSource(init: InstanceMetadataInit & { logger?: Logger } = {}, seams: ImdsSourceSeams = {}): AwsCredentialIdentityProvider {
  const env = seams.env ?? (() => process.env);
  const sdkLogger = toSdkLogger(init.logger);

  return async (): Promise<AwsCredentialIdentity> => {
    const settings = resolveImdsSettings(init, env());
    const { fromInstanceMetadata, getInstanceMetadataEndpoint } = await loadImdsModule();
    const provider = fromInstanceMetadata({
      timeout: settings.timeoutMs,
      maxRetries: settings.maxAttempts - 1,
      logger: sdkLogger,
      ...(init.ec2MetadataV1Disabled !== undefined && { ec2MetadataV1Disabled: init.ec2MetadataV1Disabled }),
    });
    const fetched = provider();
    fetched.catch(() => {}); // after the deadline its late rejection is expected
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"deadline">((resolve) => {
      timer = setTimeout(() => resolve("deadline"), settings.deadlineMs);
    });
    try {
      const outcome = await Promise.race([fetched, deadline]);
      if (outcome === "deadline") {
        throw await imdsFailure(
          `no answer within the ${settings.deadlineMs} ms deadline`,
          settings,
          getInstanceMetadataEndpoint,
          env(),
          undefined,
        );
      }
      const { accessKeyId, secretAccessKey, sessionToken, expiration, accountId } = outcome;
      return { accessKeyId, secretAccessKey, sessionToken, expiration, ...(accountId !== undefined && { accountId }) };
    } catch (error) {
      if (error instanceof CredentialSourceError) throw error;
      throw await imdsFailure(firstLine(error), settings, getInstanceMetadataEndpoint, env(), error);
    } finally {
      clearTimeout(timer);
    }
  };
}

async function imdsFailure(
  what: string,
  settings: ResolvedImdsSettings,
  endpointOf: ImdsModule["getInstanceMetadataEndpoint"],
  env: Env,
  cause: unknown,
): Promise<CredentialSourceError> {
  let endpoint = "(endpoint unknown)";
  try {
    const { protocol, hostname, port } = await endpointOf();
    endpoint = `${protocol}//${hostname}${port !== undefined ? `:${port}` : ""}`;
  } catch {
    // The same failure will show in `what`.
  }
  const endpointFrom = env[ENV_EC2_METADATA_SERVICE_ENDPOINT] !== undefined ? ENV_EC2_METADATA_SERVICE_ENDPOINT : "the SDK's default";
  const status = (cause as { statusCode?: unknown } | undefined)?.statusCode;
  return new CredentialSourceError(
    `IMDS at ${endpoint} (${endpointFrom}) failed: ${redactSecrets(what)} ` +
      `(timeout ${settings.timeoutMs} ms per request, ${settings.maxAttempts} attempt${settings.maxAttempts === 1 ? "" : "s"}, ` +
      `deadline ${settings.deadlineMs} ms; ${ENV_METADATA_SERVICE_TIMEOUT} / ${ENV_METADATA_SERVICE_NUM_ATTEMPTS} tune them). ` +
      `Not on EC2? Set ${ENV_EC2_METADATA_DISABLED}=true or leave "imds" out of \`fallbacks\`.`,
    { source: "imds", recoverable: true, ...(typeof status === "number" && { httpStatus: status }), cause },
  );
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.trim();
}
