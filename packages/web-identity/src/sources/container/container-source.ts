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
    const authorization = await authorizationFor(config, readFile);
    const fromHttp = seams.fromHttp ?? (await loadFromHttp());
    let provider: AwsCredentialIdentityProvider;
    try {
      // Every setting passed explicitly ("" = none), so fromHttp never reads process.env itself.
      provider = fromHttp({
        awsContainerCredentialsFullUri: config.url,
        awsContainerCredentialsRelativeUri: "",
        awsContainerAuthorizationToken: authorization ?? "",
        awsContainerAuthorizationTokenFile: "",
        timeout: config.timeoutMs,
        maxRetries: config.maxAttempts - 1,
        logger: sdkLogger,
      });
    } catch (cause) {
      // fromHttp checks the host when it is built, before any request.
      throw new ConfigurationError(
        `The container credentials URL from ${config.urlFrom} (${config.url}) is refused by the AWS SDK: ` +
          `${firstLine(cause)}. Use https, or http to 127.0.0.0/8, [::1], 169.254.170.2 (ECS) or 169.254.170.23 / [fd00:ec2::23] (EKS Pod Identity).`,
        { cause },
      );
    }
    init.logger?.debug?.(`@irsa/web-identity: container credentials from ${config.url} (${config.urlFrom})`);
    try {
      return await provider();
    } catch (error) {
      throw containerFailure(error, config);
    }
  };
}

/** The header value for this fetch: the token file read now and trimmed, or the inline token. */
async function authorizationFor(config: ResolvedContainerConfig, readFile: ReadFileCapped): Promise<string | undefined> {
  const authorization = config.authorization;
  if (authorization === undefined) return undefined;
  if (authorization.kind === "token") return authorization.value;
  const { path, from } = authorization;
  let content: Buffer;
  try {
    content = await readFile(path, MAX_CONTAINER_TOKEN_FILE_BYTES + 1);
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
function containerFailure(error: unknown, config: ResolvedContainerConfig): CredentialSourceError {
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
