import { optionOrEnv, type Named } from "../web-identity/config.js";
import { ConfigurationError, NotConfiguredError } from "../../shared/errors.js";

/** Variables of the container credentials endpoint (ECS task roles, EKS Pod Identity), as the AWS SDKs name them. */
export const ENV_CONTAINER_FULL_URI = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
export const ENV_CONTAINER_RELATIVE_URI = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
export const ENV_CONTAINER_AUTHORIZATION_TOKEN = "AWS_CONTAINER_AUTHORIZATION_TOKEN";
export const ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE = "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE";

/** A relative URI is appended to the ECS agent's address. */
export const ECS_CONTAINER_HOST = "http://169.254.170.2";
/** Where the EKS Pod Identity agent listens (IPv4); the SDK's own host check accepts it. */
export const EKS_POD_IDENTITY_HOST = "169.254.170.23";

/** Each request to the endpoint gives up after this long; `fromHttp` also waits this long between attempts. */
export const DEFAULT_CONTAINER_TIMEOUT_MS = 1_000;
/** Requests per fetch. With the default timeout a dead endpoint fails within about 3 s. */
export const DEFAULT_CONTAINER_MAX_ATTEMPTS = 2;

/** Where container credentials come from. Each field falls back to its variable, like the AWS SDK. */
export interface ContainerCredentialsInit {
  /**
   * Full URL of the endpoint. Default: `AWS_CONTAINER_CREDENTIALS_FULL_URI` (EKS Pod Identity sets
   * `http://169.254.170.23/v1/credentials`). Must be https, or http to a loopback address, the ECS
   * host 169.254.170.2 or the EKS Pod Identity host 169.254.170.23 / [fd00:ec2::23] (the SDK's rule).
   */
  fullUri?: string;
  /**
   * Path on the ECS agent (http://169.254.170.2). Default: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
   * Takes precedence over `fullUri` when both are set, as in the AWS SDK.
   */
  relativeUri?: string;
  /** `Authorization` header value. Default: `AWS_CONTAINER_AUTHORIZATION_TOKEN`. */
  authorizationToken?: string;
  /**
   * File holding the `Authorization` header value, read on every fetch and trimmed (EKS Pod
   * Identity rotates it). Default: `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`. Takes precedence over
   * `authorizationToken`, as in the AWS SDK.
   */
  authorizationTokenFile?: string;
  /**
   * Deadline of each request in milliseconds, enforced (the socket is destroyed), also the wait
   * between attempts. A fetch ends within `(2 x maxAttempts - 1) x timeoutMs`. Default 1000.
   */
  timeoutMs?: number;
  /** Requests per fetch (1 = no retry). Default 2. */
  maxAttempts?: number;
}

/** Where one fetch goes and how it authenticates. The token, when inline, is not printed. */
export interface ResolvedContainerConfig {
  /** The URL handed to `fromHttp`. */
  url: string;
  /** Name of the option or variable the URL came from, for messages. */
  urlFrom: string;
  /** Inline token (kept off `JSON.stringify` / `inspect` by the caller, which never logs it). */
  authorization?: { kind: "token"; from: string; value: string } | { kind: "file"; from: string; path: string };
  timeoutMs: number;
  maxAttempts: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Resolves the container-credentials settings for one fetch, without any I/O. The host check
 * itself is the SDK's (`fromHttp` refuses a URL it does not allow); here only shape is checked.
 *
 * @throws NotConfiguredError when no container variable or option is set (a chain moves on).
 * @throws ConfigurationError when an authorization token is set but no URI is, or a value is
 * malformed; the message names the variable or option (never a token's value).
 */
export function resolveContainerConfig(init: ContainerCredentialsInit, env: Env): ResolvedContainerConfig {
  const relative = optionOrEnv(init.relativeUri, "container.relativeUri", env, ENV_CONTAINER_RELATIVE_URI);
  const full = optionOrEnv(init.fullUri, "container.fullUri", env, ENV_CONTAINER_FULL_URI);
  const tokenFile = optionOrEnv(init.authorizationTokenFile, "container.authorizationTokenFile", env, ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE);
  const token = optionOrEnv(init.authorizationToken, "container.authorizationToken", env, ENV_CONTAINER_AUTHORIZATION_TOKEN);

  if (relative === undefined && full === undefined) {
    const stray = tokenFile ?? token;
    if (stray !== undefined) {
      throw new ConfigurationError(
        `A container authorization token is set (${stray.name}) but no endpoint is: set ${ENV_CONTAINER_FULL_URI} ` +
          `(EKS Pod Identity: http://${EKS_POD_IDENTITY_HOST}/v1/credentials) or ${ENV_CONTAINER_RELATIVE_URI} (ECS), ` +
          "or unset the token.",
      );
    }
    throw new NotConfiguredError(`Container credentials are not configured: neither ${ENV_CONTAINER_FULL_URI} nor ${ENV_CONTAINER_RELATIVE_URI} is set.`);
  }

  const url = relative !== undefined ? relativeUrl(relative) : fullUrl(full!);
  const timeoutMs = positive(init.timeoutMs, "container.timeoutMs", DEFAULT_CONTAINER_TIMEOUT_MS);
  const maxAttempts = positive(init.maxAttempts, "container.maxAttempts", DEFAULT_CONTAINER_MAX_ATTEMPTS);
  if (!Number.isInteger(maxAttempts)) {
    throw new ConfigurationError(`The option \`container.maxAttempts\` must be a whole number >= 1 (got ${maxAttempts}).`);
  }
  return {
    ...url,
    ...(tokenFile !== undefined
      ? { authorization: { kind: "file" as const, from: tokenFile.name, path: tokenFile.value } }
      : token !== undefined
        ? { authorization: { kind: "token" as const, from: token.name, value: checkedToken(token.value, token.name) } }
        : {}),
    timeoutMs,
    maxAttempts,
  };
}

function relativeUrl(relative: Named<string>): Pick<ResolvedContainerConfig, "url" | "urlFrom"> {
  if (!relative.value.startsWith("/")) {
    throw new ConfigurationError(
      `The container credentials path from ${relative.name} must start with "/" (e.g. /v2/credentials/ID); it is appended to ${ECS_CONTAINER_HOST}.`,
    );
  }
  return { url: `${ECS_CONTAINER_HOST}${relative.value}`, urlFrom: relative.name };
}

function fullUrl(full: Named<string>): Pick<ResolvedContainerConfig, "url" | "urlFrom"> {
  let url: URL;
  try {
    url = new URL(full.value);
  } catch (cause) {
    throw new ConfigurationError(
      `The container credentials URL from ${full.name} is not a URL. Expected e.g. http://${EKS_POD_IDENTITY_HOST}/v1/credentials.`,
      { cause },
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ConfigurationError(`The container credentials URL from ${full.name} must be http or https, got ${url.protocol}.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigurationError(
      `The container credentials URL from ${full.name} must not carry a user name or password: use ${ENV_CONTAINER_AUTHORIZATION_TOKEN}(_FILE).`,
    );
  }
  return { url: url.href, urlFrom: full.name };
}

/** A header value must be one line: Node refuses CR/LF in headers. */
export function checkedToken(value: string, from: string): string {
  if (/[\r\n]/.test(value)) {
    throw new ConfigurationError(`The container authorization token from ${from} spans several lines; it must be a single line.`);
  }
  return value;
}

function positive(value: number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new ConfigurationError(`The option \`${name}\` must be a positive number (got ${String(value)}).`);
  }
  return value;
}
