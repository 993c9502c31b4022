import { createHash, randomBytes } from "node:crypto";
import { lstat, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/** The `credential_process` JSON (Version 1) as the AWS CLI, boto3 and the SDKs read it. */
export interface ProcessCredentials {
  Version: 1;
  AccessKeyId: string;
  SecretAccessKey: string;
  SessionToken?: string;
  Expiration?: string;
  AccountId?: string;
}

/** One cache file: the credentials, when they arrived, and the backoff after a failed refresh. */
export interface ProcessCacheEntry {
  format: typeof PROCESS_CACHE_FORMAT;
  /** Hash of the configuration: a file copied from another configuration is foreign. */
  key: string;
  receivedAt: number;
  /** Set after a failed refresh while the cached set was still valid: no source call before it. */
  backoffUntil?: number;
  credentials: ProcessCredentials;
}

/** Format tag of a cache file; a file without it is foreign. */
export const PROCESS_CACHE_FORMAT = "irsa-credentials-process-cache/1";
const MAX_CACHE_FILE_BYTES = 64 * 1024;

/**
 * The configuration that decides which credentials a `process` run gets: flags first, then the
 * same variables the library reads. Its hash names the cache file (never the token or a secret).
 */
export function processCacheKey(parts: Record<string, string | number | undefined>): string {
  const sorted = Object.fromEntries(Object.entries(parts).sort(([a], [b]) => a.localeCompare(b)));
  return createHash("sha256").update(JSON.stringify({ format: PROCESS_CACHE_FORMAT, uid: process.getuid?.(), ...sorted })).digest("hex").slice(0, 40);
}

/** The cache directory: `--cache-dir`, else `IRSA_CREDENTIALS_CACHE_DIR`, else the XDG cache folder. */
export function defaultProcessCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.IRSA_CREDENTIALS_CACHE_DIR) return env.IRSA_CREDENTIALS_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(base, "irsa-credentials");
}

export function processCachePath(dir: string, key: string): string {
  return join(dir, `process-${key}.json`);
}

function isEntry(value: unknown, key: string): value is ProcessCacheEntry {
  if (typeof value !== "object" || value === null) return false;
  const entry = value as Partial<ProcessCacheEntry>;
  const credentials = entry.credentials as Partial<ProcessCredentials> | undefined;
  return (
    entry.format === PROCESS_CACHE_FORMAT &&
    entry.key === key &&
    typeof entry.receivedAt === "number" &&
    (entry.backoffUntil === undefined || typeof entry.backoffUntil === "number") &&
    typeof credentials === "object" &&
    credentials !== null &&
    credentials.Version === 1 &&
    typeof credentials.AccessKeyId === "string" &&
    typeof credentials.SecretAccessKey === "string" &&
    (credentials.Expiration === undefined || !Number.isNaN(Date.parse(credentials.Expiration)))
  );
}

/**
 * The cached entry, or why there is none. Anything else than a regular file of ours, readable by
 * us alone, of this format and this configuration is ignored (and replaced by the next write).
 */
export async function readProcessCache(path: string, key: string): Promise<{ entry?: ProcessCacheEntry; ignored?: string }> {
  let info;
  try {
    info = await lstat(path);
  } catch {
    return {};
  }
  if (!info.isFile()) return { ignored: "not a regular file" };
  if (process.getuid !== undefined && info.uid !== process.getuid()) return { ignored: "owned by another user" };
  if ((info.mode & 0o077) !== 0) return { ignored: `mode 0${(info.mode & 0o777).toString(8)} lets others read it` };
  if (info.size > MAX_CACHE_FILE_BYTES) return { ignored: "too large" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch {
    return { ignored: "not valid JSON" };
  }
  return isEntry(parsed, key) ? { entry: parsed } : { ignored: "not a cache entry of this configuration" };
}

/** Writes the entry atomically (a 0600 temp file renamed over the old one) in a 0700 directory. */
export async function writeProcessCache(dir: string, path: string, entry: ProcessCacheEntry): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "wx", 0o600);
  try {
    await handle.writeFile(JSON.stringify(entry));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
