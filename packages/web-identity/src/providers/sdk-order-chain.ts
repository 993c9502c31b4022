import type { AwsCredentialIdentity } from "@smithy/types";
import { ConfigurationError } from "../shared/errors.js";
import type { Logger } from "../shared/logger.js";
import { loadProfileSection } from "../sources/web-identity/shared-config.js";

/**
 * Which credentials `fromWebIdentityChain` looks at first.
 * - `"sdk"` (default): the AWS SDK's `fromNodeProviderChain` order: environment keys, then the
 *   shared-config profile (static keys, `credential_process`, SSO, assume-role), then IRSA,
 *   container credentials, IMDS. Switching from the SDK's chain never changes the identity.
 * - `"irsa-first"`: IRSA before anything else, so stray static keys in a pod cannot win.
 */
export type ChainPrecedence = "sdk" | "irsa-first";

type Env = Readonly<Record<string, string | undefined>>;

/** Profile keys that make the SDK's `fromIni` answer (web-identity profiles are ours: the web-identity source reads them). */
const INI_PROFILE_KEYS = ["aws_access_key_id", "credential_process", "sso_session", "sso_start_url", "sso_account_id", "role_arn"] as const;

const set = (env: Env, name: string) => (env[name] ?? "").trim() !== "";

/** What an earlier link of the SDK's order found: the credentials and where they came from. */
export interface EarlyLinkResult {
  readonly credentials: AwsCredentialIdentity;
  readonly source: "env" | "profile";
}

/**
 * The links the SDK's chain tries before web identity, each with the SDK's own provider, loaded
 * on first use: `@aws-sdk/credential-provider-env` when AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * are set, `@aws-sdk/credential-provider-ini` when the active profile holds credentials of its own.
 * `undefined` when neither is configured (no I/O beyond reading the config files).
 */
export async function trySdkEarlyLinks(
  env: Env,
  options: { logger?: Logger; callerProfile?: string; identityProperties?: Record<string, unknown> },
): Promise<EarlyLinkResult | undefined> {
  const hasKey = set(env, "AWS_ACCESS_KEY_ID");
  const hasSecret = set(env, "AWS_SECRET_ACCESS_KEY");
  // Both or nothing, as the SDK's fromEnv: a lone half moves on (the chain's final error lists the variable names).
  if (hasKey && hasSecret) {
    const { fromEnv } = await import("@aws-sdk/credential-provider-env");
    return { credentials: await fromEnv({ logger: options.logger as never })(), source: "env" };
  }
  const { name, section } = await loadProfileSection(env, options.callerProfile);
  if (section.web_identity_token_file !== undefined) return undefined; // the web-identity link reads it
  if (!INI_PROFILE_KEYS.some((key) => section[key] !== undefined)) return undefined;
  const { fromIni } = await import("@aws-sdk/credential-provider-ini");
  const credentials = await fromIni({
    profile: name,
    ...(set(env, "AWS_CONFIG_FILE") && { configFilepath: env.AWS_CONFIG_FILE }),
    ...(set(env, "AWS_SHARED_CREDENTIALS_FILE") && { filepath: env.AWS_SHARED_CREDENTIALS_FILE }),
    ignoreCache: true,
    logger: options.logger as never,
  })(options.identityProperties as never);
  return { credentials, source: "profile" };
}

export function validatePrecedence(value: unknown): ChainPrecedence {
  if (value === undefined) return "sdk";
  if (value === "sdk" || value === "irsa-first") return value;
  throw new ConfigurationError(`The option \`precedence\` must be "sdk" (the AWS SDK's order, the default) or "irsa-first" (got ${JSON.stringify(value)}).`);
}
