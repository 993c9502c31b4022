import { ConfigurationError, NotConfiguredError } from "../../shared/errors.js";
import { redactSecrets } from "../../shared/redact.js";
import { stsClientExtrasOf } from "../../sts/client-extras.js";

/** Environment variables read by `fromWebIdentity`, as the AWS SDKs and EKS name them. */
export const ENV_ROLE_ARN = "AWS_ROLE_ARN";
export const ENV_TOKEN_FILE = "AWS_WEB_IDENTITY_TOKEN_FILE";
export const ENV_ROLE_SESSION_NAME = "AWS_ROLE_SESSION_NAME";
export const ENV_REGION = "AWS_REGION";
export const ENV_DEFAULT_REGION = "AWS_DEFAULT_REGION";
export const ENV_ENDPOINT_URL_STS = "AWS_ENDPOINT_URL_STS";
export const ENV_ENDPOINT_URL = "AWS_ENDPOINT_URL";
export const ENV_IGNORE_CONFIGURED_ENDPOINT_URLS = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";

/** STS accepts session durations from 15 minutes to 12 hours (the role's maximum applies too). */
export const MIN_DURATION_SECONDS = 900;
/** Longest session STS grants: 12 hours (`durationSeconds` above it is a configuration error). */
export const MAX_DURATION_SECONDS = 43_200;

/** The region used when none is configured anywhere: its regional endpoint also serves global STS. */
export const FALLBACK_REGION = "us-east-1";

/** Stands for the token file when the token is given inline (`webIdentityToken`): shown in messages, never opened. */
export const INLINE_TOKEN_LABEL = "(option webIdentityToken)";

/** STS's rule for `RoleSessionName`. */
export const ROLE_SESSION_NAME_PATTERN = /^[\w+=,.@-]{2,64}$/;

// arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME, the role name part as IAM allows it.
const ROLE_ARN_PATTERN = /^arn:aws(?:-[a-z]+)*:iam::\d{12}:role\/(?:[\w+=,.@-]+\/)*[\w+=,.@-]{1,64}$/;
const REGION_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Where a setting came from: an `init` option, an environment variable, or the fallback. */
export type RegionSource =
  | "option:region"
  | "option:clientConfig.region"
  | `env:${typeof ENV_REGION}`
  | `env:${typeof ENV_DEFAULT_REGION}`
  | "profile"
  | "caller"
  | "stsClient"
  | "fallback";

/** The settings this module resolves; each has the same meaning as in `FromWebIdentityInit`. */
export interface WebIdentityConfigInit {
  roleArn?: string;
  webIdentityTokenFile?: string;
  roleSessionName?: string;
  /** A number, or a string of digits (as the SDK takes it from an environment variable). */
  durationSeconds?: number | string;
  region?: string;
  /** Only `region` and `endpoint` are looked at here (and the calling client's region, see `client-extras.ts`). */
  clientConfig?: { region?: unknown; endpoint?: unknown };
  /** A caller-supplied STS client brings its own region and endpoint. */
  hasStsClient?: boolean;
  /**
   * The SDK chain's order: a web-identity profile (the active one) wins over the IRSA variables,
   * as `fromIni` runs before `fromTokenFile` there; options still win. Default: variables first.
   */
  profileBeforeVariables?: boolean;
}

/** Configuration resolved for one fetch. No secret: the token file is read later. */
export interface ResolvedWebIdentityConfig {
  roleArn: string;
  webIdentityTokenFile: string;
  /** Undefined: generate one per provider instance. */
  roleSessionName?: string;
  durationSeconds?: number;
  /** Undefined when a caller-supplied STS client or a `clientConfig.region` provider decides. */
  region?: string;
  regionSource: RegionSource;
  /** An explicit endpoint from `AWS_ENDPOINT_URL_STS` / `AWS_ENDPOINT_URL`, when set. */
  endpointFromEnv?: string;
  /** The role and token file came from a web-identity profile. */
  fromProfile: boolean;
  /** Roles to assume after the web identity, from the active profile's `source_profile` chain (innermost first). */
  profileRoleChain: ReadonlyArray<{ roleArn: string; roleSessionName?: string; externalId?: string }>;
}

type Env = Readonly<Record<string, string | undefined>>;

/** An option or variable that is `undefined` or empty counts as unset. */
function pick(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

/** A value and the name under which the user set it, for messages. */
export interface Named<T> {
  value: T;
  name: string;
}

/** The option if set, else the variable; blank counts as unset. Also used by the chain's sources. */
export function optionOrEnv(option: string | undefined, optionName: string, env: Env, variable: string): Named<string> | undefined {
  const fromOption = pick(option);
  if (fromOption === INLINE_TOKEN_LABEL) return { value: fromOption, name: "option `webIdentityToken`" };
  if (fromOption !== undefined) return { value: fromOption, name: `option \`${optionName}\`` };
  const fromEnv = pick(env[variable]);
  if (fromEnv !== undefined) return { value: fromEnv, name: `environment variable ${variable}` };
  return undefined;
}

/**
 * Reads the options, then the environment, and validates them. Called on every fetch, so a
 * change in the environment is seen by the next refresh, as in the AWS SDK.
 *
 * @throws NotConfiguredError when neither a role nor a token file is set (a chain moves on).
 * @throws ConfigurationError when the settings are incomplete or malformed (a chain stops).
 */
export function resolveWebIdentityConfig(init: WebIdentityConfigInit, env: Env): ResolvedWebIdentityConfig {
  let role = optionOrEnv(init.roleArn, "roleArn", env, ENV_ROLE_ARN);
  let file = optionOrEnv(init.webIdentityTokenFile, "webIdentityTokenFile", env, ENV_TOKEN_FILE);
  const profile = stsClientExtrasOf(init.clientConfig)?.sharedConfig?.current;
  const optionsGiven = pick(init.roleArn) !== undefined || pick(init.webIdentityTokenFile) !== undefined;
  // Options and variables first (the pod's IRSA settings); a web-identity profile only when neither
  // names any, or, in the SDK chain's order, whenever no option does.
  const fromProfile =
    profile?.web_identity_token_file !== undefined && (init.profileBeforeVariables === true ? !optionsGiven : role === undefined && file === undefined);
  if (fromProfile) {
    const where = `profile \`${profile.name}\` of the shared config files`;
    if (profile.role_arn === undefined) {
      throw new ConfigurationError(
        `The ${where} sets web_identity_token_file but no role_arn: add role_arn = arn:aws:iam::ACCOUNT:role/NAME to that profile.`,
      );
    }
    role = { value: profile.role_arn, name: `role_arn in the ${where}` };
    file = { value: profile.web_identity_token_file!, name: `web_identity_token_file in the ${where}` };
  }
  if (role === undefined && file === undefined) {
    throw new NotConfiguredError(
      `Web identity is not configured: neither ${ENV_ROLE_ARN} nor ${ENV_TOKEN_FILE} is set ` +
        "(nor the options `roleArn` / `webIdentityTokenFile`).",
    );
  }
  if (role === undefined) {
    throw new ConfigurationError(
      `The web identity token file is set (${file!.name}) but no role is: set ${ENV_ROLE_ARN} or the option ` +
        "`roleArn` to the ARN of the IAM role to assume (on EKS, annotate the service account with " +
        "eks.amazonaws.com/role-arn).",
    );
  }
  if (file === undefined) {
    throw new ConfigurationError(
      `The role is set (${role.name}) but no web identity token file is: set ${ENV_TOKEN_FILE} or the option ` +
        "`webIdentityTokenFile` to the path of the projected service account token (on EKS the pod " +
        "identity webhook injects it).",
    );
  }
  if (!ROLE_ARN_PATTERN.test(role.value)) {
    throw new ConfigurationError(
      `The role ARN from ${role.name} is malformed: "${redactSecrets(role.value)}". Expected ` +
        "arn:aws:iam::123456789012:role/NAME (partition aws, aws-cn, aws-us-gov, ...; a 12-digit account).",
    );
  }

  // A profile's own role_session_name comes before AWS_ROLE_SESSION_NAME, as in the SDK's fromIni.
  const profileSessionName =
    fromProfile && profile?.role_session_name !== undefined
      ? { value: profile.role_session_name, name: `role_session_name in profile \`${profile.name}\`` }
      : undefined;
  const sessionName =
    optionOrEnv(init.roleSessionName, "roleSessionName", {}, ENV_ROLE_SESSION_NAME) ??
    profileSessionName ??
    optionOrEnv(undefined, "roleSessionName", env, ENV_ROLE_SESSION_NAME);
  if (sessionName !== undefined && !ROLE_SESSION_NAME_PATTERN.test(sessionName.value)) {
    throw new ConfigurationError(
      `The role session name from ${sessionName.name} is invalid: "${redactSecrets(sessionName.value)}". It must be 2 to 64 ` +
        "characters among letters, digits and _+=,.@- (no spaces or slashes); unset it to get a generated one.",
    );
  }

  const durationSetting = init.durationSeconds ?? (fromProfile ? profile?.duration_seconds : undefined);
  const duration = typeof durationSetting === "string" && /^\s*\d+\s*$/.test(durationSetting)
    ? Number(durationSetting)
    : durationSetting;
  if (
    duration !== undefined &&
    !(typeof duration === "number" && Number.isInteger(duration) && duration >= MIN_DURATION_SECONDS && duration <= MAX_DURATION_SECONDS)
  ) {
    throw new ConfigurationError(
      `The option \`durationSeconds\` is invalid: ${String(duration)}. It must be a whole number of seconds ` +
        `from ${MIN_DURATION_SECONDS} (15 min) to ${MAX_DURATION_SECONDS} (12 h), and at most the role's ` +
        "maximum session duration; omit it for STS's default of 3600.",
    );
  }

  const region = resolveRegion(init, env);
  return {
    roleArn: role.value,
    webIdentityTokenFile: file.value,
    fromProfile,
    profileRoleChain: fromProfile
      ? (profile?.sourceChain ?? []).map((hop) => ({
          roleArn: hop.role_arn,
          ...(hop.role_session_name !== undefined && { roleSessionName: hop.role_session_name }),
          ...(hop.external_id !== undefined && { externalId: hop.external_id }),
        }))
      : [],
    roleSessionName: sessionName?.value,
    durationSeconds: duration as number | undefined, // checked above
    ...region,
    endpointFromEnv: resolveEndpointFromEnv(init, env),
  };
}

/** True for `arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME`, the shape IAM gives role ARNs. */
export function isRoleArn(value: string): boolean {
  return ROLE_ARN_PATTERN.test(value);
}

/**
 * Region and explicit endpoint of STS calls that do not start from web identity settings (the
 * `roleChain` hops after container or IMDS credentials); same rules as for web identity.
 */
export function resolveStsTarget(
  init: Pick<WebIdentityConfigInit, "region" | "clientConfig" | "hasStsClient">,
  env: Env,
): Pick<ResolvedWebIdentityConfig, "region" | "regionSource" | "endpointFromEnv"> {
  return { ...resolveRegion(init, env), endpointFromEnv: resolveEndpointFromEnv(init, env) };
}

function validRegion(value: string, name: string): string {
  if (!REGION_PATTERN.test(value)) {
    throw new ConfigurationError(
      `The region from ${name} is malformed: "${redactSecrets(value)}". Expected a region code such as us-west-2 or eu-central-1.`,
    );
  }
  return value;
}

function resolveRegion(init: WebIdentityConfigInit, env: Env): Pick<ResolvedWebIdentityConfig, "region" | "regionSource"> {
  const option = pick(init.region);
  if (option !== undefined) return { region: validRegion(option, "option `region`"), regionSource: "option:region" };
  const clientRegion = init.clientConfig?.region;
  if (typeof clientRegion === "string" && pick(clientRegion) !== undefined) {
    return { region: validRegion(pick(clientRegion)!, "option `clientConfig.region`"), regionSource: "option:clientConfig.region" };
  }
  if (typeof clientRegion === "function") return { region: undefined, regionSource: "option:clientConfig.region" };
  for (const variable of [ENV_REGION, ENV_DEFAULT_REGION] as const) {
    const value = pick(env[variable]);
    if (value !== undefined) return { region: validRegion(value, `environment variable ${variable}`), regionSource: `env:${variable}` };
  }
  if (init.hasStsClient) return { region: undefined, regionSource: "stsClient" };
  const profile = stsClientExtrasOf(init.clientConfig)?.sharedConfig?.current;
  if (profile?.region !== undefined) {
    return { region: validRegion(profile.region, `region in profile \`${profile.name}\``), regionSource: "profile" };
  }
  // The calling v3 client's region (or `parentClientConfig.region`), as the SDK's STS client takes it.
  const callerRegion = stsClientExtrasOf(init.clientConfig)?.caller?.region;
  if (callerRegion !== undefined) return { region: validRegion(callerRegion, "the calling client's `region`"), regionSource: "caller" };
  return { region: FALLBACK_REGION, regionSource: "fallback" };
}

/** `AWS_ENDPOINT_URL_STS`, then `AWS_ENDPOINT_URL`, unless `clientConfig.endpoint` is set or env endpoints are disabled. */
function resolveEndpointFromEnv(init: WebIdentityConfigInit, env: Env): string | undefined {
  if (init.clientConfig?.endpoint !== undefined || init.hasStsClient) return undefined;
  if (pick(env[ENV_IGNORE_CONFIGURED_ENDPOINT_URLS])?.toLowerCase() === "true") return undefined;
  for (const variable of [ENV_ENDPOINT_URL_STS, ENV_ENDPOINT_URL]) {
    const value = pick(env[variable]);
    if (value === undefined) continue;
    let url: URL;
    try {
      url = new URL(value);
    } catch (cause) {
      throw new ConfigurationError(
        `The environment variable ${variable} is not a URL: "${value}". Expected e.g. https://sts.us-west-2.amazonaws.com.`,
        { cause },
      );
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new ConfigurationError(`The environment variable ${variable} must be an http(s) URL, got "${redactSecrets(value)}".`);
    }
    return value;
  }
  return undefined;
}
