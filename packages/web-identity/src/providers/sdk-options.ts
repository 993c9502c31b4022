import { ConfigurationError } from "../shared/errors.js";
import { CallerClientConfig } from "../sts/caller-client-config.js";
import { withStsClientExtras } from "../sts/client-extras.js";
import type { WebIdentityOrigin } from "../sts/credential-features.js";
import { roleAssumerClient } from "../sts/role-assumer-client.js";
import { INLINE_TOKEN_LABEL } from "../sources/web-identity/config.js";
import { loadProfileSettings, type ProfileSettings } from "../sources/web-identity/shared-config.js";
import type { WebIdentitySourceInit, WebIdentitySourceSeams } from "../sources/web-identity/web-identity-source.js";
import type { SdkCompatibleOptions, WebIdentityTokenInput } from "./provider-inits.js";
import { RETRY_OPTIONS, assertKnownOptions, assertNoRefusedClientConfig } from "./known-options.js";

export type { ParentClientConfig } from "../sts/caller-client-config.js";
export type { RoleAssumerWithWebIdentity } from "../sts/role-assumer-client.js";

/** What `fromWebIdentity` and the chain hand to the web-identity source. */
export interface PreparedSource<I extends WebIdentitySourceInit> {
  init: I;
  seams: WebIdentitySourceSeams;
  caller: CallerClientConfig;
  /** Loads the shared-config profile; run before each fetch of the web-identity source. */
  beforeFetch(): Promise<void>;
}

function optionError(entry: string, message: string): ConfigurationError {
  return new ConfigurationError(`${entry}: ${message}`);
}

function tokenReader(token: WebIdentityTokenInput, entry: string): WebIdentitySourceSeams["readFile"] {
  if (typeof token === "string") {
    if (token.trim() === "") throw optionError(entry, "the option `webIdentityToken` is empty; give the token (a JWT) or a function returning it.");
    return async () => Buffer.from(token);
  }
  return async () => {
    const value = await token();
    if (typeof value !== "string") {
      throw Object.assign(new Error(`the \`webIdentityToken\` function returned ${typeof value}, not a string`), { code: "EINVALIDTOKEN" });
    }
    return Buffer.from(value);
  };
}

/**
 * Maps the SDK's options onto the web-identity source's, checking each: unknown options,
 * combinations that would silently ignore one of them, and ill-typed values are
 * `ConfigurationError`s naming the option. `clientConfig.maxAttempts` becomes `retry.maxAttempts`.
 */
export function prepareWebIdentitySource<I extends WebIdentitySourceInit & SdkCompatibleOptions>(
  init: I,
  seams: WebIdentitySourceSeams,
  known: Readonly<Record<string, true>>,
  entry: string,
): PreparedSource<I> {
  assertKnownOptions(init, known, entry);
  assertKnownOptions(init.retry, RETRY_OPTIONS, entry, "retry.");
  const { roleAssumerWithWebIdentity: assumer, clientPlugins, parentClientConfig, webIdentityToken, providerId } = init;
  assertNoRefusedClientConfig(init.clientConfig, entry);

  if (providerId !== undefined && (typeof providerId !== "string" || providerId.trim() === "")) {
    throw optionError(entry, "the option `providerId` must be a non-empty string (e.g. www.amazon.com); omit it for OIDC tokens.");
  }
  if (clientPlugins !== undefined && (!Array.isArray(clientPlugins) || clientPlugins.some((p) => typeof p?.applyToStack !== "function"))) {
    throw optionError(entry, "the option `clientPlugins` must be an array of middleware plugins (objects with `applyToStack`).");
  }
  if (parentClientConfig !== undefined && (typeof parentClientConfig !== "object" || parentClientConfig === null)) {
    throw optionError(entry, "the option `parentClientConfig` must be a client config object.");
  }
  if (webIdentityToken !== undefined && typeof webIdentityToken !== "string" && typeof webIdentityToken !== "function") {
    throw optionError(entry, "the option `webIdentityToken` must be the token (a string) or a function returning it.");
  }
  if (webIdentityToken !== undefined && init.webIdentityTokenFile !== undefined) {
    throw optionError(entry, "give either `webIdentityToken` or `webIdentityTokenFile`, not both.");
  }
  if (assumer !== undefined) {
    if (typeof assumer !== "function") throw optionError(entry, "the option `roleAssumerWithWebIdentity` must be a function.");
    const clash = (["stsClient", "clientConfig", "clientPlugins", "parentClientConfig", "roleChain"] as const).filter(
      (name) => init[name] !== undefined,
    );
    if (clash.length > 0) {
      throw optionError(
        entry,
        `\`roleAssumerWithWebIdentity\` replaces the STS client, so ${clash.map((n) => `\`${n}\``).join(", ")} would be ignored; remove one or the other.`,
      );
    }
  }
  if (init.stsClient !== undefined) {
    const clash = (["clientPlugins", "parentClientConfig"] as const).filter((name) => init[name] !== undefined);
    if (clash.length > 0) {
      throw optionError(entry, `${clash.map((n) => `\`${n}\``).join(", ")} cannot apply to a supplied \`stsClient\`: configure that client instead.`);
    }
  }

  const maxAttempts = (init.clientConfig as { maxAttempts?: unknown } | undefined)?.maxAttempts;
  let retry = init.retry;
  if (maxAttempts !== undefined) {
    if (!(Number.isInteger(maxAttempts) && (maxAttempts as number) >= 1)) {
      throw optionError(entry, `the option \`clientConfig.maxAttempts\` must be a whole number >= 1 (got ${String(maxAttempts)}).`);
    }
    if (retry?.maxAttempts !== undefined && retry.maxAttempts !== maxAttempts) {
      throw optionError(
        entry,
        `\`clientConfig.maxAttempts\` (${String(maxAttempts)}) and \`retry.maxAttempts\` (${retry.maxAttempts}) disagree; both count STS calls per refresh, give one.`,
      );
    }
    retry = { ...retry, maxAttempts: maxAttempts as number };
  }

  const caller = new CallerClientConfig(parentClientConfig, init.logger);
  const sharedConfig: { current?: ProfileSettings } = {};
  const { maxAttempts: _mapped, ...rest } = (init.clientConfig ?? {}) as Record<string, unknown>;
  const clientConfig = withStsClientExtras(rest, { plugins: clientPlugins ?? [], caller, sharedConfig });
  const env = seams.env ?? (() => process.env);
  const beforeFetch = async () => {
    sharedConfig.current = await loadProfileSettings(env(), caller.profile).catch((cause: unknown) => {
      throw new ConfigurationError(
        `The shared config files (AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, default ~/.aws/config and ~/.aws/credentials) could not be read: ${String((cause as Error)?.message ?? cause)}`,
        { cause },
      );
    });
  };
  return {
    init: overlay(init, {
      clientConfig,
      retry,
      ...(assumer !== undefined && { stsClient: roleAssumerClient(assumer) }),
      ...(webIdentityToken !== undefined && { webIdentityTokenFile: INLINE_TOKEN_LABEL }),
    } as unknown as Partial<I>),
    seams: webIdentityToken === undefined ? seams : { ...seams, readFile: tokenReader(webIdentityToken, entry) },
    caller,
    beforeFetch,
  };
}

/**
 * `base` with some options replaced, still live: the source reads its options on every fetch,
 * so a caller that changes `init` later (as with the SDK) is seen by the next refresh.
 */
function overlay<T extends object>(base: T, overrides: Partial<T>): T {
  const own = (key: PropertyKey) => Object.hasOwn(overrides, key);
  return new Proxy(base, {
    get: (target, key) => (own(key) ? overrides[key as keyof T] : Reflect.get(target, key)),
    has: (target, key) => own(key) || Reflect.has(target, key),
    ownKeys: (target) => [...new Set([...Reflect.ownKeys(target), ...Reflect.ownKeys(overrides)])],
    getOwnPropertyDescriptor: (target, key) =>
      own(key)
        ? { value: overrides[key as keyof T], enumerable: true, configurable: true, writable: true }
        : Reflect.getOwnPropertyDescriptor(target, key),
  });
}

/** Where a set of the web-identity `source` came from, for its feature tags (asked per set). */
export function webIdentityOrigin(
  init: Pick<WebIdentitySourceInit & SdkCompatibleOptions, "webIdentityTokenFile" | "webIdentityToken" | "roleAssumerWithWebIdentity">,
  env: () => Readonly<Record<string, string | undefined>>,
  source: { readonly info: { readonly fromProfile?: boolean } },
): () => WebIdentityOrigin {
  return () => ({ fromEnvironment: tokenFromEnvironment(init, env()), fromProfile: source.info.fromProfile, assumedBySts: init.roleAssumerWithWebIdentity === undefined });
}

/** True when the token file comes from AWS_WEB_IDENTITY_TOKEN_FILE (the SDK's `h` feature tag). */
function tokenFromEnvironment(
  init: Pick<WebIdentitySourceInit & SdkCompatibleOptions, "webIdentityTokenFile" | "webIdentityToken">,
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  // Not when the token file came from a shared-config profile: the SDK tags those `q`, not `h`.
  return init.webIdentityTokenFile === undefined && init.webIdentityToken === undefined && (env.AWS_WEB_IDENTITY_TOKEN_FILE ?? "").trim() !== "";
}
