// Auto-invalidation for AWS SDK v3 clients: when a service rejects the credentials a request was
// signed with (expired, unknown or revoked session), tell the provider which key was rejected and
// send the request once more with the set that replaces it.
//
// Two middlewares share a per-request record:
//   - in the deserialize step (after signing, once per attempt) one reads which access key signed
//     the request from its Authorization header (or a presigned X-Amz-Credential);
//   - in the build step (around the SDK's retries and signing) one catches the rejection, calls
//     `invalidate(key)`, gets the new set and sends the request again.
// A v3 client keeps its own memo of the credentials, and its SigV4 signer signs with that memo
// (not with the identity resolved for the request). So the new set is fetched through the client's
// memo, asked with `forceRefresh` only while it still holds the rejected key: the memo then holds
// the new set, and later requests are signed with it too. The provider's single flight and the
// invalidation make that one STS call, however many requests were rejected together.

import { clockOf } from "../shared/clock.js";
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  BuildHandlerArguments,
  BuildMiddleware,
  DeserializeMiddleware,
  HandlerExecutionContext,
  Pluggable,
} from "@smithy/types";
import { SMITHY_CONTEXT_KEY } from "@smithy/types";
import { safeLogger, type Logger } from "../shared/logger.js";

/**
 * Error codes by which AWS services say the signing credentials are expired, unknown or revoked
 * (STS/IAM, S3, DynamoDB and most JSON services, EC2 query services).
 */
export const DEFAULT_REJECTED_CREDENTIALS_CODES: readonly string[] = [
  "ExpiredToken",
  "ExpiredTokenException",
  "InvalidClientTokenId",
  "InvalidAccessKeyId",
  "RequestExpired",
  "UnrecognizedClientException",
  "InvalidToken",
  "TokenRefreshRequired",
];

/**
 * After a request is rejected again right after a refresh, the plugin stops invalidating for this
 * long: a brand-new set being refused means the cause is elsewhere (a clock far off, a revoked
 * role), and refreshing on every request would only load STS.
 */
export const DEFAULT_AUTO_INVALIDATION_COOLDOWN_MS = 60_000;

/** Keys of the provider remembered, so a request signed with a recent (not only the current) set is recognised. */
const REMEMBERED_KEYS = 32;

/** The provider the plugin talks to: any provider of this package (`fromWebIdentity`, `withCredentialCache`, ...). */
export interface InvalidatableCredentialProvider extends AwsCredentialIdentityProvider {
  /** Drops the cached set if it has this access key id; the next call refreshes. */
  invalidate(accessKeyId: string): void;
  /** The cached set, without side effects. */
  peek(): { credentials?: AwsCredentialIdentity };
}

/** Options of `autoInvalidationPlugin` and `withAutoInvalidation`. All optional. */
export interface AutoInvalidationInit {
  /** Error codes (the error's `name` or `Code`) that mean the credentials were rejected. Default `DEFAULT_REJECTED_CREDENTIALS_CODES`. */
  errorCodes?: readonly string[];
  /** Pause after a repeated rejection, in milliseconds. Default 60 000. */
  cooldownMs?: number;
  /** SDK-style logger. Default: silent. Receives access key ids, never secrets. */
  logger?: Logger;
  /** Clock, epoch milliseconds (for the cooldown). Default `Date.now`. */
  now?: () => number;
}

/** A v3 client, as far as the plugin needs one. */
export interface ClientWithMiddlewareStack {
  middlewareStack: { use(pluggable: Pluggable<any, any>): void };
  /** The resolved configuration; its `credentials` is the client's memo of the provider. */
  config?: { credentials?: unknown };
}

const INVALIDATE_MIDDLEWARE = "irsaAutoInvalidationMiddleware";
const SIGNING_KEY_MIDDLEWARE = "irsaSigningKeyRecorderMiddleware";

/**
 * A v3 client plugin: when a service answers a request signed with `provider`'s credentials with
 * one of `errorCodes`, it calls `provider.invalidate(thatAccessKeyId)` and sends the request once
 * more with the new set. A second rejection is returned to the caller, not retried (and pauses the
 * plugin for `cooldownMs`). A request whose body is a stream is not sent again (the stream was
 * consumed), but the key is still replaced, so the next request is signed with the new set.
 *
 * @example
 * const credentials = fromWebIdentity();
 * const s3 = new S3Client({ credentials });
 * s3.middlewareStack.use(autoInvalidationPlugin(credentials));
 */
export function autoInvalidationPlugin(provider: InvalidatableCredentialProvider, init: AutoInvalidationInit = {}): Pluggable<any, any> {
  checkProvider(provider);
  return pluginOf(new InvalidationState(provider, init));
}

function pluginOf(state: InvalidationState): Pluggable<any, any> {
  return {
    applyToStack(stack) {
      stack.add(state.signingKeyRecorder(), { step: "deserialize", name: SIGNING_KEY_MIDDLEWARE, override: true });
      stack.add(state.invalidator(), { step: "build", name: INVALIDATE_MIDDLEWARE, priority: "low", override: true });
    },
  };
}

function checkProvider(provider: InvalidatableCredentialProvider): void {
  if (typeof provider !== "function" || typeof provider.invalidate !== "function" || typeof provider.peek !== "function") {
    throw new TypeError("autoInvalidationPlugin(provider) needs a provider of @irsa/web-identity (with invalidate and peek).");
  }
}

/**
 * Adds `autoInvalidationPlugin(provider)` to `client` and returns the client.
 *
 * @example
 * ```ts
 * const credentials = fromWebIdentity();
 * const s3 = withAutoInvalidation(new S3Client({ credentials }), credentials);
 * ```
 */
export function withAutoInvalidation<C extends ClientWithMiddlewareStack>(
  client: C,
  provider: InvalidatableCredentialProvider,
  init?: AutoInvalidationInit,
): C {
  checkProvider(provider);
  const credentials = client.config?.credentials;
  const clientCredentials = typeof credentials === "function" ? (credentials as ClientCredentials) : undefined;
  client.middlewareStack.use(pluginOf(new InvalidationState(provider, init ?? {}, clientCredentials)));
  return client;
}

class InvalidationState {
  readonly #provider: InvalidatableCredentialProvider;
  readonly #clientCredentials: ClientCredentials | undefined;
  readonly #codes: ReadonlySet<string>;
  readonly #cooldownMs: number;
  readonly #logger: Logger | undefined;
  readonly #now: () => number;
  /** Keys this provider has held: only requests signed with one of them are ours to handle. */
  readonly #known = new Set<string>();
  /** Which key signed the latest attempt of each request. */
  readonly #signedWith = new WeakMap<HandlerExecutionContext, string>();
  #pausedUntil = Number.NEGATIVE_INFINITY;

  constructor(provider: InvalidatableCredentialProvider, init: AutoInvalidationInit, clientCredentials?: ClientCredentials) {
    this.#provider = provider;
    this.#clientCredentials = clientCredentials;
    this.#codes = new Set(init.errorCodes ?? DEFAULT_REJECTED_CREDENTIALS_CODES);
    this.#cooldownMs = init.cooldownMs ?? DEFAULT_AUTO_INVALIDATION_COOLDOWN_MS;
    if (!(Number.isFinite(this.#cooldownMs) && this.#cooldownMs >= 0)) {
      throw new TypeError(`cooldownMs must be a number of milliseconds >= 0 (got ${String(init.cooldownMs)}).`);
    }
    this.#logger = safeLogger(init.logger);
    this.#now = clockOf(init.now);
  }

  signingKeyRecorder(): DeserializeMiddleware<any, any> {
    return (next, context) => async (args) => {
      const key = signingKeyOf(args.request);
      if (key !== undefined) this.#signedWith.set(context, key);
      return next(args);
    };
  }

  invalidator(): BuildMiddleware<any, any> {
    return (next, context) => async (args) => {
      this.#remember(this.#provider.peek().credentials?.accessKeyId);
      try {
        return await next(args);
      } catch (error) {
        const key = this.#signedWith.get(context) ?? selectedIdentity(context)?.accessKeyId;
        if (!this.#isRejection(error) || key === undefined || !this.#known.has(key)) throw error;
        return this.#retryOnce(next, context, args, key, error);
      }
    };
  }

  async #retryOnce(
    next: (args: BuildHandlerArguments<any>) => Promise<any>,
    context: HandlerExecutionContext,
    args: BuildHandlerArguments<any>,
    key: string,
    rejection: unknown,
  ): Promise<any> {
    const code = errorCode(rejection);
    if (this.#now() < this.#pausedUntil) {
      this.#log("debug", `credentials ${key} rejected (${code}); auto-invalidation is paused after a repeated rejection`);
      throw rejection;
    }
    this.#provider.invalidate(key);
    let fresh: AwsCredentialIdentity;
    try {
      // Also when the request cannot be sent again: the client's memo must let go of the key.
      fresh = await this.#replacement(context, key);
    } catch (refreshError) {
      this.#log("warn", `credentials ${key} rejected (${code}); the refresh failed (${errorCode(refreshError)}), returning the rejection`);
      throw rejection;
    }
    if (fresh.accessKeyId === key) {
      this.#log("warn", `credentials ${key} rejected (${code}); no new set could be fetched, returning the rejection`);
      throw rejection;
    }
    if (!isReplayable(args.request)) {
      this.#log("info", `credentials ${key} rejected (${code}); replaced by ${fresh.accessKeyId}, the request (a streamed body) is not sent again`);
      throw rejection;
    }
    this.#remember(fresh.accessKeyId);
    setSelectedIdentity(context, fresh);
    this.#log("info", `credentials ${key} rejected (${code}); invalidated, sending the request once more with ${fresh.accessKeyId}`);
    try {
      return await next(args);
    } catch (error) {
      if (this.#isRejection(error)) {
        this.#pausedUntil = this.#now() + this.#cooldownMs;
        this.#log(
          "warn",
          `new credentials ${fresh.accessKeyId} were rejected too (${errorCode(error)}): the cause is not their age ` +
            `(check the clock and the role); auto-invalidation pauses for ${this.#cooldownMs} ms`,
        );
      }
      throw error;
    }
  }

  /**
   * The set the request is signed with next. Through the client's memo when there is one: asked
   * plainly first (another request may have replaced the key already), with `forceRefresh` only
   * while it still returns the rejected key.
   */
  async #replacement(context: HandlerExecutionContext, rejectedKey: string): Promise<AwsCredentialIdentity> {
    const clientCredentials = this.#clientCredentials ?? clientCredentialsOf(context);
    if (clientCredentials === undefined) return this.#provider();
    const current = await clientCredentials();
    if (current.accessKeyId !== rejectedKey) return current;
    return clientCredentials({ forceRefresh: true });
  }

  #isRejection(error: unknown): boolean {
    return errorCodes(error).some((code) => this.#codes.has(code));
  }

  #remember(key: string | undefined): void {
    if (key === undefined || this.#known.has(key)) return;
    this.#known.add(key);
    if (this.#known.size > REMEMBERED_KEYS) this.#known.delete(this.#known.values().next().value as string);
  }

  #log(level: keyof Logger, message: string): void {
    // The one safe logger: a failing logger cannot change what the request returns.
    this.#logger?.[level]?.(message);
  }
}

/** A v3 client's resolved `credentials`: its memo around the configured provider. */
type ClientCredentials = (options?: Record<string, unknown>) => Promise<AwsCredentialIdentity>;

/** The client configuration travels with the selected auth scheme's signing properties. */
function clientCredentialsOf(context: HandlerExecutionContext): ClientCredentials | undefined {
  const signingProperties = context[SMITHY_CONTEXT_KEY]?.selectedHttpAuthScheme?.httpAuthOption?.signingProperties as
    | { config?: { credentials?: unknown } }
    | undefined;
  const credentials = signingProperties?.config?.credentials;
  return typeof credentials === "function" ? (credentials as ClientCredentials) : undefined;
}

/** Every spelling of an error's code: a v3 service exception's `name`, the raw `Code`, a `code`. */
function errorCodes(error: unknown): string[] {
  if (typeof error !== "object" || error === null) return [];
  const fields = error as { name?: unknown; Code?: unknown; code?: unknown };
  return [fields.Code, fields.code, fields.name].filter((v): v is string => typeof v === "string" && v !== "" && v !== "Error");
}

/** The code to print. */
function errorCode(error: unknown): string {
  return errorCodes(error)[0] ?? "Error";
}

/** `Credential=AKID/date/region/service/aws4_request` in the Authorization header or the query. */
function signingKeyOf(request: unknown): string | undefined {
  if (typeof request !== "object" || request === null) return undefined;
  const { headers, query } = request as { headers?: Record<string, string>; query?: Record<string, unknown> };
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== "authorization" || typeof value !== "string") continue;
    const match = /Credential=([^/,\s]+)\//.exec(value);
    if (match !== null) return match[1];
  }
  const presigned = query?.["X-Amz-Credential"];
  if (typeof presigned === "string") return presigned.split("/")[0] || undefined;
  return undefined;
}

function selectedIdentity(context: HandlerExecutionContext): AwsCredentialIdentity | undefined {
  const identity = context[SMITHY_CONTEXT_KEY]?.selectedHttpAuthScheme?.identity as Partial<AwsCredentialIdentity> | undefined;
  return typeof identity?.accessKeyId === "string" ? (identity as AwsCredentialIdentity) : undefined;
}

/** The next signing of this request (the SDK's httpSigningMiddleware) uses `identity`. */
function setSelectedIdentity(context: HandlerExecutionContext, identity: AwsCredentialIdentity): void {
  const smithy = context[SMITHY_CONTEXT_KEY];
  const selected = smithy?.selectedHttpAuthScheme;
  if (smithy === undefined || selected === undefined) return;
  smithy.selectedHttpAuthScheme = { ...selected, identity };
}

/** A request whose body can be sent again: none, a string or bytes (not a consumed stream). */
function isReplayable(request: unknown): boolean {
  const body = typeof request === "object" && request !== null ? (request as { body?: unknown }).body : undefined;
  return body === undefined || body === null || typeof body === "string" || body instanceof Uint8Array || body instanceof ArrayBuffer;
}
