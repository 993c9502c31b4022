
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
  /**
   * When the active profile is a role whose `source_profile` chain ends in a web-identity profile
   * (as v2 and the SDK's `fromIni` follow it): the roles assumed after that web identity,
   * innermost first, the active profile's last. The other settings are then the web-identity
   * profile's (`name` too), except `region`, the active profile's.
   */
  readonly sourceChain?: readonly ProfileRoleHop[];
}

/** One `role_arn` + `source_profile` profile of a chain. */
export interface ProfileRoleHop {
  readonly profile: string;
  readonly role_arn: string;
  readonly role_session_name?: string;
  readonly external_id?: string;
}

const READ = ["region", "role_arn", "web_identity_token_file", "role_session_name", "duration_seconds"] as const;
/** Profiles a `source_profile` chain may cross (the SDK has no limit; a loop is refused either way). */
const MAX_SOURCE_PROFILES = 10;

type Section = Readonly<Record<string, string | undefined>>;
const valueOf = (section: Section, key: string): string | undefined => {
  const value = section[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
};

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
  const { name, section, profiles } = await loadProfileSection(env, callerProfile);
  const settingsOf = (from: Section) => {
    const settings: Record<string, string> = {};
    for (const key of READ) {
      const value = valueOf(from, key);
      if (value !== undefined) settings[key] = value;
    }
    return settings;
  };
  const chain = followSourceProfiles(name, section, profiles);
  if (chain === undefined) return { name, ...settingsOf(section) };
  const region = valueOf(section, "region");
  const { region: _baseRegion, ...base } = settingsOf(chain.base);
  return { ...base, name: chain.baseName, ...(region !== undefined && { region }), sourceChain: chain.hops };
}

/** A role profile's `source_profile` links, down to a web-identity profile; undefined when they end elsewhere. */
function followSourceProfiles(name: string, section: Section, profiles: Readonly<Record<string, Section>>): { baseName: string; base: Section; hops: ProfileRoleHop[] } | undefined {
  const hops: ProfileRoleHop[] = [];
  const seen = new Set<string>([name]);
  let current = name;
  let at = section;
  while (valueOf(at, "web_identity_token_file") === undefined) {
    const roleArn = valueOf(at, "role_arn");
    const source = valueOf(at, "source_profile");
    if (roleArn === undefined || source === undefined) return undefined;
    const sessionName = valueOf(at, "role_session_name");
    const externalId = valueOf(at, "external_id");
    hops.unshift({ profile: current, role_arn: roleArn, ...(sessionName !== undefined && { role_session_name: sessionName }), ...(externalId !== undefined && { external_id: externalId }) });
    if (seen.has(source) || seen.size >= MAX_SOURCE_PROFILES) {
      throw new Error(`profile \`${current}\` has source_profile = ${source}, which makes a loop or a chain of more than ${MAX_SOURCE_PROFILES} profiles`);
    }
    seen.add(source);
    current = source;
    at = profiles[source] ?? {};
  }
  return hops.length === 0 ? undefined : { baseName: current, base: at, hops };
}

/** The active profile's whole section (every key as the SDK parsed it), its name, and every profile. */
export async function loadProfileSection(
  env: Env,
  callerProfile?: string,
): Promise<{ name: string; section: Section; profiles: Readonly<Record<string, Section>> }> {
  const name = profileNameOf(env, callerProfile);
  const pick = (variable: string) => {
    const value = env[variable]?.trim();
    return value === undefined || value === "" ? undefined : value;
  };
  // Loaded on first use: most pods have no shared config, and the import costs startup time.
  const parseKnownFiles = await loadParseKnownFiles();
  const profiles = await parseKnownFiles({
    profile: name,
    filepath: pick(ENV_SHARED_CREDENTIALS_FILE),
    configFilepath: pick(ENV_CONFIG_FILE),
    ignoreCache: true,
  });
  return { name, section: profiles[name] ?? {}, profiles };
}

type ParseKnownFiles = typeof import("@smithy/core/config").parseKnownFiles;
let parseKnownFilesLoad: Promise<ParseKnownFiles> | undefined;

/**
 * `parseKnownFiles` of the SDK's config module (CommonJS). On Node 22+ the namespace `import()`
 * gives has been seen holding it as undefined (a worker starting while others connect to it),
 * while `require` of the same module has it: then it is taken from `require`.
 */
function loadParseKnownFiles(): Promise<ParseKnownFiles> {
  // Loaded once per process, not on every refresh; a failed load is tried again next time.
  parseKnownFilesLoad ??= importParseKnownFiles().catch((error: unknown) => {
    parseKnownFilesLoad = undefined;
    throw error;
  });
  return parseKnownFilesLoad;
}

async function importParseKnownFiles(): Promise<ParseKnownFiles> {
  const config = (await import("@smithy/core/config")) as { parseKnownFiles?: ParseKnownFiles; default?: { parseKnownFiles?: ParseKnownFiles } };
  const found = config.parseKnownFiles ?? config.default?.parseKnownFiles;
  if (typeof found === "function") return found;
  const { createRequire } = await import("node:module");
  // This module's own location, in the ESM build and in the CommonJS one.
  const here = typeof __filename === "string" ? __filename : import.meta.url;
  const required = createRequire(here)("@smithy/core/config") as { parseKnownFiles?: ParseKnownFiles };
  if (typeof required.parseKnownFiles !== "function") throw new Error("@smithy/core/config has no parseKnownFiles");
  return required.parseKnownFiles;
}
