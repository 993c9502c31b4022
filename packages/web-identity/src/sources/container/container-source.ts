import type { FromHttpOptions } from "@aws-sdk/credential-provider-http";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import {
  ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE,
  checkedToken,
  resolveContainerConfig,
  type ContainerCredentialsInit,
  type ResolvedContainerConfig,
} from "./container-config.js";
import { ConfigurationError, CredentialSourceError } from "../../shared/errors.js";
import type { Logger } from "../../shared/logger.js";
import { redactSecrets } from "../../shared/redact.js";
import { toSdkLogger } from "../../shared/sdk-logger.js";
import { AttemptDeadlineError, withAttemptDeadline } from "./attempt-deadline.js";
import { readFileCapped, type ReadFileCapped } from "../web-identity/token-file.js";

/** An authorization token is a header value of a few hundred bytes; anything this large is not one. */
export const MAX_CONTAINER_TOKEN_FILE_BYTES = 16 * 1024;

type FromHttp = (options: FromHttpOptions) => AwsCredentialIdentityProvider;
let httpModule: Promise<FromHttp> | undefined;

/** Loads `@aws-sdk/credential-provider-http` on the first container fetch, so importing us stays cheap. */
function loadFromHttp(): Promise<FromHttp> {
  httpModule ??= import("@aws-sdk/credential-provider-http").then((module) => module.fromHttp);
  return httpModule;
}

/** Internal seams for tests. */
export interface ContainerSourceSeams {
  /** The environment, read on every fetch. Default: `process.env`. */
  env?: () => Readonly<Record<string, string | undefined>>;
  readFile?: ReadFileCapped;
  /** The SDK's `fromHttp`. Tests wrap the real one to see the options it is given. */
  fromHttp?: FromHttp;
}

/**
 * Container credentials (ECS task role, EKS Pod Identity) through the SDK's own `fromHttp`: one
 * fetch per call, no cache (the refresh engine is the cache). The settings are resolved on every
 * call, and the authorization token file is read on every call and trimmed: `fromHttp` would send
 * the file as is, and a trailing newline makes Node refuse the header.
 */
export function createContainerSource(
  init: ContainerCredentialsInit & { logger?: Logger } = {},
  seams: ContainerSourceSeams = {},
): AwsCredentialIdentityProvider {
  const env = seams.env ?? (() => process.env);
  const readFile = seams.readFile ?? readFileCapped;
  const sdkLogger = toSdkLogger(init.logger);

  return async (): Promise<AwsCredentialIdentity> => {
    const config = resolveContainerConfig(init, env());
    const fromHttp = seams.fromHttp ?? (await loadFromHttp());
    // The SDK's host check first: a token is never read for a URL it will not be sent to.
    build(fromHttp, config, undefined, sdkLogger);
    const authorization = await authorizationFor(config, readFile);
    init.logger?.debug?.(`@irsa/web-identity: container credentials from ${config.url} (${config.urlFrom})`);
    const deadline = Date.now() + containerTotalTimeoutMs(config);
    for (let attempt = 1; ; attempt++) {
      // fromHttp's handler only warns on its timeout: each attempt has a deadline of its own.
      const timeoutMs = Math.max(1, Math.min(config.timeoutMs, deadline - Date.now()));
      try {
        return await withAttemptDeadline(build(fromHttp, config, authorization ?? "", sdkLogger), timeoutMs);
      } catch (error) {
        const failure = containerFailure(error, config, attempt);
        if (!failure.recoverable || attempt >= config.maxAttempts || deadline - Date.now() <= config.timeoutMs) throw failure;
        await sleep(config.timeoutMs); // as fromHttp waits between its own attempts
      }
    }
  };
}

/**
 * The longest one fetch takes: every attempt at its timeout plus fromHttp's wait of one timeout
 * between attempts. With the defaults (1000 ms, 2 attempts) a wedged agent fails in 3 s.
 */
export function containerTotalTimeoutMs(config: Pick<ResolvedContainerConfig, "timeoutMs" | "maxAttempts">): number {
  return (2 * config.maxAttempts - 1) * config.timeoutMs;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One attempt's `fromHttp` provider (single-use: it destroys its handler when done), every
 * setting passed explicitly ("" = none) so it never reads process.env itself. The SDK checks
 * the host when the provider is built, before any request.
 */
function build(
  fromHttp: FromHttp,
  config: ResolvedContainerConfig,
  authorization: string | undefined,
  logger: FromHttpOptions["logger"],
): AwsCredentialIdentityProvider {
  try {
    return fromHttp({
      awsContainerCredentialsFullUri: config.url,
      awsContainerCredentialsRelativeUri: "",
      awsContainerAuthorizationToken: authorization ?? "",
      awsContainerAuthorizationTokenFile: "",
      timeout: config.timeoutMs,
      maxRetries: 0,
      logger,
    });
  } catch (cause) {
    throw new ConfigurationError(
      `The container credentials URL from ${config.urlFrom} (${config.url}) is refused by the AWS SDK: ` +
        `${firstLine(cause)}. Use https, or http to 127.0.0.0/8, [::1], 169.254.170.2 (ECS) or 169.254.170.23 / [fd00:ec2::23] (EKS Pod Identity).`,
      { cause },
    );
  }
}

/** The header value for this fetch: the token file read now and trimmed, or the inline token. */
async function authorizationFor(config: ResolvedContainerConfig, readFile: ReadFileCapped): Promise<string | undefined> {
  const authorization = config.authorization;
  if (authorization === undefined) return undefined;
  if (authorization.kind === "token") return authorization.value;
  const { from } = authorization;
  // A token pasted as the path would otherwise be echoed in every message below.
  const path = redactSecrets(authorization.path);
  if (path !== authorization.path) {
    throw new CredentialSourceError(
      `The container authorization token file setting (${from}) holds what looks like a token, not a path: set it to the token file's path.`,
      { source: "container", recoverable: false },
    );
  }
  let content: Buffer;
  try {
    content = await readFile(authorization.path, MAX_CONTAINER_TOKEN_FILE_BYTES + 1);
  } catch (cause) {
    const code = (cause as { code?: unknown } | undefined)?.code;
    const missing = code === "ENOENT" || code === "ENOTDIR";
    throw new CredentialSourceError(
      missing
        ? `The container authorization token file ${path} (${from}) does not exist. Check that the token volume is mounted in this container.`
        : `Could not read the container authorization token file ${path} (${from}): ${firstLine(cause)}.`,
      // A projected token may be between swaps; a permission problem will not fix itself.
      { source: "container", recoverable: missing || code === undefined, cause },
    );
  }
  if (content.length > MAX_CONTAINER_TOKEN_FILE_BYTES) {
    throw new CredentialSourceError(
      `The container authorization token file ${path} (${from}) is larger than ${MAX_CONTAINER_TOKEN_FILE_BYTES / 1024} KiB: ` +
        `it is not a token. Check ${ENV_CONTAINER_AUTHORIZATION_TOKEN_FILE}.`,
      { source: "container", recoverable: false },
    );
  }
  const token = content.toString("utf8").trim();
  if (token === "") {
    throw new CredentialSourceError(`The container authorization token file ${path} (${from}) is empty.`, {
      source: "container",
      recoverable: true,
    });
  }
  return checkedToken(token, `the file ${path}`);
}

/** 5xx, 429, timeouts and network failures pass; any other 4xx needs a fix (token, path, role association). */
function containerFailure(error: unknown, config: ResolvedContainerConfig, attempt: number): CredentialSourceError {
  if (error instanceof AttemptDeadlineError) {
    return new CredentialSourceError(
      `Container credentials from ${config.url} (${config.urlFrom}) did not answer within ${error.timeoutMs} ms ` +
        `(attempt ${attempt} of ${config.maxAttempts}); the agent accepts connections but does not answer. Will be retried later.`,
      { source: "container", recoverable: true, cause: error },
    );
  }
  const message = firstLine(error);
  const status = Number(/status:? (\d{3})\b/i.exec(message)?.[1] ?? NaN);
  const httpStatus = Number.isNaN(status) ? undefined : status;
  const recoverable = httpStatus === undefined || httpStatus >= 500 || httpStatus === 429;
  const code = typeof (error as { Code?: unknown })?.Code === "string" ? (error as { Code: string }).Code : undefined;
  const detail = typeof (error as { Message?: unknown })?.Message === "string" ? (error as { Message: string }).Message : undefined;
  const hint =
    httpStatus === 401 || httpStatus === 403
      ? ` Check the authorization token (${config.authorization?.from ?? "none is set"}).`
      : httpStatus === 404
        ? ` Check the path of ${config.urlFrom}, and on EKS that the service account has a Pod Identity association.`
        : "";
  return new CredentialSourceError(
    `Container credentials from ${config.url} (${config.urlFrom}) failed: ${redactSecrets(message)}` +
      `${code !== undefined ? ` (${code}${detail !== undefined ? `: ${redactSecrets(detail)}` : ""})` : ""}.${hint}` +
      ` ${recoverable ? "Will be retried later." : "Not retried until something changes."}`,
    { source: "container", recoverable, httpStatus, cause: error },
  );
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split("\n")[0]!.trim();
}
