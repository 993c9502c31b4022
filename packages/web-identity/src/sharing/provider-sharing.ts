// How `fromWebIdentity` joins a group: which configurations may share (plain data only, the
// token from a file, the role named), the group's plan (read from the token on the first fetch),
// and the warning when the pod tier cannot be used.

import { ConfigurationError } from "../shared/errors.js";
import { safeLogger, type Logger } from "../shared/logger.js";
import { readFileCapped } from "../sources/web-identity/read-file-capped.js";
import { MAX_TOKEN_FILE_BYTES } from "../sources/web-identity/token-file.js";
import { podPlan, threadsPlan } from "./group-address.js";
import { groupKeyOf, identityClaimsOf, isPlainConfiguration } from "./group-key.js";
import { GroupMember } from "./group-member.js";
import { proofKeyOf } from "./membership-proof.js";
import { checkShareDirectory } from "./share-directory.js";
import { sharingScopeOf, type SharingOptions, type SharingScope } from "./sharing-options.js";

type Env = Readonly<Record<string, string | undefined>>;

/** Refuses malformed sharing options at construction. */
export function checkSharingOptions(init: SharingOptions, entry: string): void {
  const { shareAcrossThreads, shareAcrossProcesses } = init;
  if (shareAcrossThreads !== undefined && typeof shareAcrossThreads !== "boolean") {
    throw new ConfigurationError(`${entry}: shareAcrossThreads must be true or false (got ${typeof shareAcrossThreads}).`);
  }
  if (shareAcrossProcesses === undefined || shareAcrossProcesses === false) return;
  const directory = (shareAcrossProcesses as { directory?: unknown } | null)?.directory;
  if (typeof directory !== "string" || directory === "") {
    throw new ConfigurationError(`${entry}: shareAcrossProcesses must be false or { directory: "/an/absolute/path" } (a directory only this user can use, e.g. an emptyDir).`);
  }
}

/** The chain does not share across workers yet: its sharing options are refused, not ignored. */
export function refuseSharingOptions(init: SharingOptions, entry: string): void {
  for (const name of ["shareAcrossThreads", "shareAcrossProcesses"] as const) {
    if (init[name] !== undefined) throw new ConfigurationError(`${entry}: \`${name}\` is not supported here yet; use fromWebIdentity to share one engine across workers.`);
  }
}

export interface ProviderSharingInit {
  readonly kind: string;
  /** The provider's options as the user gave them. */
  readonly init: SharingOptions & { webIdentityTokenFile?: string; webIdentityToken?: unknown; roleArn?: string; shared?: boolean; logger?: Logger; refreshTimeoutMs?: number };
  /** The environment, read on the first fetch. */
  readonly env: () => Env;
  /** False when test seams replace the environment or the file reads. */
  readonly seamless: boolean;
  readonly timeoutMs: number;
}

/** The group member of a new engine; its plan says "off" when the configuration may not share. */
export function groupMemberFor(spec: ProviderSharingInit): GroupMember {
  const { init } = spec;
  const warn = (message: string) => {
    if (init.logger !== undefined) safeLogger(init.logger).warn(message);
    else process.emitWarning(`[irsa-credentials] ${message}`, { code: "IRSA_SHARING_OFF" });
  };
  // Read on the first fetch, like the rest of the configuration.
  let groupKey: string | undefined;
  let tokenFile: string | undefined;
  const readToken = async () => (await readFileCapped(tokenFile!, MAX_TOKEN_FILE_BYTES)).toString("utf8");
  return new GroupMember({
    timeoutMs: spec.timeoutMs,
    warn,
    proofKey: async () => proofKeyOf(groupKey!, await readToken()),
    plan: async () => {
      const env = spec.env();
      const scope = sharingScopeOf(init, env);
      tokenFile = init.webIdentityTokenFile ?? env.AWS_WEB_IDENTITY_TOKEN_FILE;
      const offReason = offReasonOf(spec, scope, tokenFile, env);
      if (offReason !== undefined) return { off: offReason, warn: scope.scope === "pod" && offReason.startsWith("sharing needs") };
      const claims = identityClaimsOf(await readToken().catch(() => ""));
      if (claims === undefined) return undefined; // no token yet: this fetch goes alone (and fails as it would)
      groupKey = groupKeyOf(spec.kind, init, env, tokenFile!, claims);
      if (scope.scope !== "pod") return threadsPlan(groupKey);
      const uid = process.getuid!();
      const checked = checkShareDirectory(scope.directory, uid);
      if (!checked.ok) return { off: checked.reason, warn: true };
      const plan = podPlan(groupKey, scope.directory, checked, uid);
      return typeof plan === "string" ? { off: plan, warn: true } : plan;
    },
  });
}

/** Why a configuration may not share, or undefined when it may. */
function offReasonOf(spec: ProviderSharingInit, scope: SharingScope, tokenFile: string | undefined, env: Env): string | undefined {
  const { init } = spec;
  if (scope.scope === "off") return "shareAcrossThreads is false";
  if (init.shared === false) return "shared is false";
  if (!spec.seamless) return "test seams replace the environment";
  if (init.webIdentityToken !== undefined || tokenFile === undefined || tokenFile === "") return "the token is not read from a file";
  if ((init.roleArn ?? env.AWS_ROLE_ARN ?? "") === "") return "the role comes from a profile";
  if (!isPlainConfiguration(init)) return "the configuration holds a function or a class instance, which cannot be compared across workers";
  if (process.platform !== "linux" || typeof process.getuid !== "function") return `sharing needs Linux (this is ${process.platform})`;
  return undefined;
}
