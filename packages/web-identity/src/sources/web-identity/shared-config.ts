
/** Variables that choose the shared config files and the profile, as the SDK reads them. */
export const ENV_PROFILE = "AWS_PROFILE";
export const ENV_CONFIG_FILE = "AWS_CONFIG_FILE";
export const ENV_SHARED_CREDENTIALS_FILE = "AWS_SHARED_CREDENTIALS_FILE";

type Env = Readonly<Record<string, string | undefined>>;

/** The settings of the active profile that this package reads; values as written in the files. */
export interface ProfileSettings {
  /** The profile's name, for messages. */
  readonly name: string;
  readonly region?: string;
  readonly role_arn?: string;
  readonly web_identity_token_file?: string;
  readonly role_session_name?: string;
  readonly duration_seconds?: string;
}

const READ: readonly (keyof ProfileSettings)[] = ["region", "role_arn", "web_identity_token_file", "role_session_name", "duration_seconds"];

/** The profile name the SDK would use: the calling client's `profile`, else AWS_PROFILE, else `default`. */
export function profileNameOf(env: Env, callerProfile?: string): string {
  const fromEnv = env[ENV_PROFILE]?.trim();
  return callerProfile ?? (fromEnv !== undefined && fromEnv !== "" ? fromEnv : "default");
}

/**
 * Reads the active profile from `~/.aws/config` and `~/.aws/credentials` (or AWS_CONFIG_FILE /
 * AWS_SHARED_CREDENTIALS_FILE) with the SDK's own loader, so the same files, the same profile
 * and the same precedence apply. Missing files are an empty profile, as in the SDK. Read on each
 * fetch, so an edited file is seen by the next refresh.
 */
export async function loadProfileSettings(env: Env, callerProfile?: string): Promise<ProfileSettings> {
  const { name, section } = await loadProfileSection(env, callerProfile);
  const settings: Record<string, string> = {};
  for (const key of READ) {
    const value = section[key];
    if (typeof value === "string" && value.trim() !== "") settings[key] = value.trim();
  }
  return { name, ...settings };
}

/** The active profile's whole section (every key as the SDK parsed it), and its name. */
export async function loadProfileSection(env: Env, callerProfile?: string): Promise<{ name: string; section: Readonly<Record<string, string | undefined>> }> {
  const name = profileNameOf(env, callerProfile);
  const pick = (variable: string) => {
    const value = env[variable]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  // Loaded on first use: most pods have no shared config, and the import costs startup time.
  const { parseKnownFiles } = await import("@smithy/core/config");
  const profiles = await parseKnownFiles({
    profile: name,
    filepath: pick(ENV_SHARED_CREDENTIALS_FILE),
    configFilepath: pick(ENV_CONFIG_FILE),
    ignoreCache: true,
  });
  return { name, section: profiles[name] ?? {} };
}
