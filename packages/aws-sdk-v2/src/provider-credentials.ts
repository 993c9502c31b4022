import type { CachedCredentialProvider } from "@irsa/web-identity";
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import type { AWSError } from "aws-sdk/lib/error.js";
import AWS from "./aws.js";
import { errorForV2 } from "./error-for-v2.js";
import { NOTE_REJECTED_KEY, watchRejectedKeys } from "./rejected-key-listener.js";

/** The callback of `get`, `refresh` and `load`, as aws-sdk v2 types it. */
export type V2CredentialsCallback = (err?: AWSError) => void;

/** The engine controls the adapter uses when the wrapped provider has them (ours do). */
type EngineControls = Pick<CachedCredentialProvider, "peek" | "invalidate" | "refresh">;

interface AdapterState<P extends AwsCredentialIdentityProvider> {
  readonly provider: P;
  /** Present when the provider is a refresh engine: then it is the only cache. */
  readonly engine: EngineControls | undefined;
  /** The last set the provider gave (a plain provider has no `peek`). */
  last: AwsCredentialIdentity | undefined;
  /** A plain provider's set was rejected by a service: ask it for a new one (`forceRefresh`). */
  rejected: boolean;
  /** The key of the last set handed to a `get`/`refresh` caller, i.e. the one v2 signs with. */
  lastHandedOut: string | undefined;
  /** The key a service just rejected, read from the failed request (see rejected-key-listener). */
  rejectedKey: string | undefined;
}

const INSPECT = Symbol.for("nodejs.util.inspect.custom");

function engineControlsOf(provider: AwsCredentialIdentityProvider): EngineControls | undefined {
  const candidate = provider as Partial<EngineControls>;
  return typeof candidate.peek === "function" &&
    typeof candidate.invalidate === "function" &&
    typeof candidate.refresh === "function"
    ? (candidate as EngineControls)
    : undefined;
}

function callProvider(load: () => Promise<AwsCredentialIdentity>): Promise<AwsCredentialIdentity> {
  try {
    return Promise.resolve(load());
  } catch (error) {
    // A provider that throws instead of rejecting still reaches the callback as an error.
    return Promise.reject(error);
  }
}

function checkedSet(set: AwsCredentialIdentity | undefined): AwsCredentialIdentity {
  if (
    typeof set !== "object" ||
    set === null ||
    typeof set.accessKeyId !== "string" ||
    set.accessKeyId === "" ||
    typeof set.secretAccessKey !== "string" ||
    set.secretAccessKey === ""
  ) {
    throw new TypeError(
      "The credential provider resolved without an accessKeyId and a secretAccessKey; it must resolve to an AwsCredentialIdentity",
    );
  }
  return set;
}

/**
 * An `AWS.Credentials` (aws-sdk v2) over an AWS SDK v3 credential provider. It keeps no cache of
 * its own: `get`, `getPromise`, `refresh`, `refreshPromise` and `load` go to the provider, and the
 * credential fields are read from it. Over a refresh engine (`fromWebIdentity`,
 * `withCredentialCache`) it also reports `needsRefresh()` from the engine, and a set that a
 * service rejects as expired is invalidated in the engine.
 *
 * Create it with `toV2Credentials(provider)`.
 */
export class ProviderCredentials<
  P extends AwsCredentialIdentityProvider = AwsCredentialIdentityProvider,
> extends AWS.Credentials {
  readonly #state: AdapterState<P>;

  constructor(provider: P) {
    if (typeof provider !== "function") {
      throw new TypeError(
        `toV2Credentials(provider): provider must be an AWS SDK v3 credential provider (a function returning a promise of credentials); got ${provider === null ? "null" : typeof provider}`,
      );
    }
    // The v2 constructor assigns the credential fields; our setters ignore those assignments.
    super({ accessKeyId: "", secretAccessKey: "" });
    // v2 hides the secret with an own data property; drop it so the hidden accessor below serves.
    delete (this as Partial<ProviderCredentials>).secretAccessKey;
    this.#state = {
      provider,
      engine: engineControlsOf(provider),
      last: undefined,
      rejected: false,
      lastHandedOut: undefined,
      rejectedKey: undefined,
    };
    watchRejectedKeys(AWS);
  }

  /** The wrapped v3 provider: give it to v3 clients as `credentials` to share one cache. */
  get provider(): P {
    return this.#state.provider;
  }

  static {
    // The credential fields are accessors over the provider's current set (the base class declares
    // them as plain properties, hence defineProperties). Assignments are ignored: v2's constructor
    // makes some, and the fields follow the engine, not the caller. Like v2, which hides the
    // secret access key, the secret fields are not enumerable; here the session token too.
    // v2's constructor assigns these before our private state exists: until then, do nothing.
    const field = (read: (credentials: ProviderCredentials) => unknown, enumerable: boolean) => ({
      get(this: ProviderCredentials) {
        return #state in this ? read(this) : undefined;
      },
      set(_ignored: unknown) {},
      enumerable,
      configurable: true,
    });
    Object.defineProperties(this.prototype, {
      accessKeyId: field((credentials) => credentials.#current()?.accessKeyId ?? "", true),
      secretAccessKey: field((credentials) => credentials.#current()?.secretAccessKey ?? "", false),
      sessionToken: field((credentials) => credentials.#current()?.sessionToken ?? "", false),
      // v2 types it as Date but holds null until loaded; a copy, so no caller moves the engine's.
      expireTime: field((credentials) => {
        const expiration = credentials.#current()?.expiration;
        return expiration ? new Date(expiration.getTime()) : null;
      }, true),
      expired: {
        get(this: ProviderCredentials) {
          return #state in this && this.#isExpired();
        },
        set(this: ProviderCredentials, value: boolean) {
          if (#state in this) this.#markExpired(value);
        },
        enumerable: true,
        configurable: true,
      },
    });
  }

  /**
   * `expired`: true when a set was loaded and the next `get` must wait for a new one (expired,
   * inside the engine's mandatory window, or rejected by a service).
   */
  #isExpired(): boolean {
    return this.#state.last !== undefined && this.needsRefresh();
  }

  /** Called by the rejected-key listener just before v2 sets `expired = true`. */
  [NOTE_REJECTED_KEY](accessKeyId: string): void {
    this.#state.rejectedKey = accessKeyId;
  }

  /**
   * aws-sdk v2 sets `expired = true` when a service answers ExpiredToken (its
   * INVALIDATE_CREDENTIALS listener) and then retries the request: tell the engine which key was
   * rejected, so the retry's `get` brings a fresh set. The engine ignores a key it no longer
   * holds, so the late answers of a burst of requests signed with the old key cost no more
   * STS calls.
   *
   * The key comes from the failed request's signature (rejected-key-listener). Without it (someone
   * else set `expired`), it is the current key if that was already handed out: v2 signs right
   * after `get` calls back, so a set never handed out cannot have been rejected.
   */
  #markExpired(value: boolean): void {
    if (value !== true) return; // v2 writes false too (constructor, after a refresh)
    const state = this.#state;
    const current = this.#current()?.accessKeyId;
    const accessKeyId = state.rejectedKey ?? (current === state.lastHandedOut ? current : undefined);
    state.rejectedKey = undefined;
    if (accessKeyId === undefined) return;
    if (state.engine) {
      state.engine.invalidate(accessKeyId);
    } else if (accessKeyId === current) {
      state.rejected = true;
    }
  }

  /**
   * True only when `get` would wait for the source. Over an engine: nothing cached, inside the
   * mandatory window, expired or invalidated; inside the advisory window it is false, because the
   * engine serves the cached set at once and refreshes in the background.
   */
  override needsRefresh(): boolean {
    const state = this.#state;
    if (state.engine) return state.engine.peek().wouldBlock;
    const expiration = state.last?.expiration;
    return (
      state.last === undefined ||
      state.rejected ||
      (expiration !== undefined && expiration.getTime() <= Date.now())
    );
  }

  /** Resolves the credentials through the provider (the engine serves its cache or refreshes). */
  override get(callback?: V2CredentialsCallback): void {
    const state = this.#state;
    const force = state.engine === undefined && state.rejected;
    this.#settle(
      callProvider(() => state.provider(force ? { forceRefresh: true } : undefined)),
      callback,
    );
  }

  /** Loads a new set now (single flight with any refresh already running in the engine). */
  override refresh(callback?: V2CredentialsCallback): void {
    const state = this.#state;
    this.#settle(
      callProvider(() =>
        state.engine ? state.engine.refresh() : state.provider({ forceRefresh: true }),
      ),
      callback,
    );
  }

  /** Same as `refresh`: v2 calls `load` to go to the source. */
  load(callback?: V2CredentialsCallback): void {
    this.refresh(callback);
  }

  /** The safe view: no secret access key, no session token. */
  toJSON(): { accessKeyId: string; expireTime: Date | null; expired: boolean } {
    return {
      accessKeyId: this.accessKeyId,
      expireTime: this.expireTime as Date | null,
      expired: this.expired,
    };
  }

  [INSPECT](_depth: number, options: object, inspect: (value: unknown, options: object) => string): string {
    return `${this.constructor.name} ${inspect(this.toJSON(), options)}`;
  }

  /** The set the credential fields show: the engine's current one, else the last one received. */
  #current(): AwsCredentialIdentity | undefined {
    const state = this.#state;
    const engineSet = state.engine?.peek().credentials;
    if (engineSet !== undefined) state.last = engineSet;
    return state.last;
  }

  #settle(pending: Promise<AwsCredentialIdentity>, callback: V2CredentialsCallback | undefined): void {
    const state = this.#state;
    // The callback runs outside the promise chain: an error it throws surfaces as v2's own
    // deferred callbacks do (an uncaught exception), never as a second call or a lost rejection.
    pending.then(checkedSet).then(
      (set) => {
        state.last = set;
        state.rejected = false;
        queueMicrotask(() => {
          // v2 signs inside the callback, reading the fields: record the key it reads.
          state.lastHandedOut = this.#current()?.accessKeyId;
          callback?.();
        });
      },
      (error: unknown) => {
        if (callback) {
          const v2Error = errorForV2(error) as AWSError;
          queueMicrotask(() => callback(v2Error));
        }
      },
    );
  }
}

/**
 * Wraps any AWS SDK v3 credential provider as an aws-sdk v2 `AWS.Credentials`: ours
 * (`fromWebIdentity`, `withCredentialCache`, a chain under one engine) or any
 * `AwsCredentialIdentityProvider`. Over one of ours, v2 and v3 clients share its cache; any other
 * provider is called on every `get` (it keeps its own cache, if any).
 *
 * @example
 * ```ts
 * const provider = fromWebIdentity();
 * const s3v2 = new AWS.S3({ credentials: toV2Credentials(provider) });
 * const s3v3 = new S3Client({ credentials: provider }); // the same cache and STS calls
 * ```
 */
export function toV2Credentials<P extends AwsCredentialIdentityProvider>(provider: P): ProviderCredentials<P> {
  return new ProviderCredentials(provider);
}
