import { randomInt } from "node:crypto";
import { mkdir, mkdtemp, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_TOKEN_AUDIENCE, DEFAULT_TOKEN_TTL_SECONDS, type OidcIssuer } from "./oidc-issuer.js";

/** Name of the symlink kubelet's atomic writer points at the current data folder. */
export const DATA_DIR_LINK = "..data";
/** Temporary symlink renamed over `..data` during a swap. */
export const DATA_DIR_TMP_LINK = "..data_tmp";
/** The projected file name, as in `AWS_WEB_IDENTITY_TOKEN_FILE=.../token`. */
export const TOKEN_FILE_NAME = "token";
/** Kubelet refreshes a projected token once 80% of its lifetime has passed. */
export const KUBELET_REFRESH_FRACTION = 0.8;

/** Options of {@link KubeletTokenFile.create}. */
export interface KubeletTokenFileInit {
  /** The issuer that signs the tokens. */
  issuer: OidcIssuer;
  /** Directory of the projected volume. Default: a new temporary directory, removed by `close()`. */
  dir?: string;
  /** Pod namespace. Default `"default"`. */
  namespace?: string;
  /** Service account. Default `"app"`. */
  serviceAccount?: string;
  /** Token audience. Default `"sts.amazonaws.com"`. */
  audience?: string;
  /** Token lifetime in seconds. Default 3600. */
  ttlSeconds?: number;
  /**
   * Rotate automatically at 80% of each token's lifetime, as kubelet does, with an `unref()`ed
   * `setTimeout` (fake timers drive it). Default `false`.
   */
  autoRotate?: boolean;
}

/** Formats a data folder name like kubelet: `..2026_11_27_13_20_00.123456789` (UTC + random). */
function dataDirName(nowMs: number): string {
  const d = new Date(nowMs);
  const pad = (n: number): string => String(n).padStart(2, "0");
  const stamp = `${d.getUTCFullYear()}_${pad(d.getUTCMonth() + 1)}_${pad(d.getUTCDate())}_${pad(d.getUTCHours())}_${pad(d.getUTCMinutes())}_${pad(d.getUTCSeconds())}`;
  return `..${stamp}.${String(randomInt(0, 1_000_000_000)).padStart(9, "0")}`;
}

/**
 * A projected service-account token written exactly like kubelet's atomic writer:
 * `..TIMESTAMP/token` holds the data, `..data` links to that folder, `token` links to
 * `..data/token`. A rotation writes a new folder, points `..data_tmp` at it, renames
 * `..data_tmp` over `..data` (atomic) and then removes the old folder, so a reader always sees
 * a whole token.
 */
export class KubeletTokenFile {
  readonly #init: Required<Omit<KubeletTokenFileInit, "dir" | "autoRotate">>;
  readonly #dir: string;
  readonly #ownsDir: boolean;
  readonly #autoRotate: boolean;
  #currentDataDir: string | undefined;
  #token = "";
  #jti = "";
  #expiresAt = 0;
  #rotations = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #writing: Promise<void> = Promise.resolve();

  private constructor(init: KubeletTokenFileInit, dir: string, ownsDir: boolean) {
    this.#init = {
      issuer: init.issuer,
      namespace: init.namespace ?? "default",
      serviceAccount: init.serviceAccount ?? "app",
      audience: init.audience ?? DEFAULT_TOKEN_AUDIENCE,
      ttlSeconds: init.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    };
    this.#dir = dir;
    this.#ownsDir = ownsDir;
    this.#autoRotate = init.autoRotate ?? false;
  }

  /** Creates the directory layout and writes the first token. */
  static async create(init: KubeletTokenFileInit): Promise<KubeletTokenFile> {
    if (typeof init?.issuer?.mintToken !== "function") {
      throw new TypeError("KubeletTokenFile.create needs an `issuer` (from createOidcIssuer()) to sign tokens");
    }
    if (init.ttlSeconds !== undefined && !(init.ttlSeconds > 0)) {
      throw new RangeError("ttlSeconds must be a positive number of seconds");
    }
    let dir = init.dir;
    const ownsDir = dir === undefined;
    if (dir === undefined) dir = await mkdtemp(join(tmpdir(), "irsa-token-"));
    else await mkdir(dir, { recursive: true });
    const file = new KubeletTokenFile(init, dir, ownsDir);
    await file.#write();
    await symlink(join(DATA_DIR_LINK, TOKEN_FILE_NAME), join(dir, TOKEN_FILE_NAME));
    file.#schedule();
    return file;
  }

  /** Path of the projected `token` symlink: the value for `AWS_WEB_IDENTITY_TOKEN_FILE`. */
  get path(): string {
    return join(this.#dir, TOKEN_FILE_NAME);
  }

  /** The projected volume directory. */
  get dir(): string {
    return this.#dir;
  }

  /** The token currently visible through {@link path}. */
  get currentToken(): string {
    return this.#token;
  }

  /** The `jti` of the current token (match it against the local STS's request log). */
  get currentJti(): string {
    return this.#jti;
  }

  /** `exp` of the current token, in ms since the epoch. */
  get expiresAt(): number {
    return this.#expiresAt;
  }

  /** Number of completed rotations (the initial write is not one). */
  get rotations(): number {
    return this.#rotations;
  }

  /** Writes a fresh token through an atomic `..data` swap. Concurrent calls run one after another. */
  rotate(): Promise<void> {
    const run = this.#writing.then(async () => {
      if (this.#closed) throw new Error("KubeletTokenFile is closed");
      await this.#write();
      this.#rotations += 1;
      this.#schedule();
    });
    this.#writing = run.catch(() => undefined);
    return run;
  }

  /**
   * Writes an arbitrary content (e.g. an empty file or a token from another issuer) as the
   * current token, through the same atomic swap. For negative tests.
   */
  writeRaw(content: string): Promise<void> {
    const run = this.#writing.then(async () => {
      if (this.#closed) throw new Error("KubeletTokenFile is closed");
      await this.#swapIn(content);
      this.#token = content;
      this.#jti = "";
    });
    this.#writing = run.catch(() => undefined);
    return run;
  }

  /** Stops automatic rotation and removes the directory if this object created it. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#writing;
    if (this.#ownsDir) await rm(this.#dir, { recursive: true, force: true });
  }

  async #write(): Promise<void> {
    const token = await this.#init.issuer.mintToken({
      namespace: this.#init.namespace,
      serviceAccount: this.#init.serviceAccount,
      audience: this.#init.audience,
      ttlSeconds: this.#init.ttlSeconds,
    });
    await this.#swapIn(token);
    // jose is ESM-only: loaded on demand so the CommonJS build runs on Node < 20.19 too.
    const { decodeJwt } = await import("jose");
    const claims = decodeJwt(token);
    this.#token = token;
    this.#jti = typeof claims.jti === "string" ? claims.jti : "";
    this.#expiresAt = (claims.exp ?? 0) * 1000;
  }

  async #swapIn(content: string): Promise<void> {
    let name = dataDirName(Date.now());
    // A clash is only possible within one second with the same 9 random digits; retry once.
    await mkdir(join(this.#dir, name)).catch(async () => {
      name = dataDirName(Date.now());
      await mkdir(join(this.#dir, name));
    });
    await writeFile(join(this.#dir, name, TOKEN_FILE_NAME), content, { mode: 0o600 });
    const tmpLink = join(this.#dir, DATA_DIR_TMP_LINK);
    await rm(tmpLink, { force: true });
    await symlink(name, tmpLink);
    await rename(tmpLink, join(this.#dir, DATA_DIR_LINK));
    const previous = this.#currentDataDir;
    this.#currentDataDir = name;
    if (previous !== undefined && previous !== name) {
      await rm(join(this.#dir, previous), { recursive: true, force: true });
    }
  }

  #schedule(): void {
    if (!this.#autoRotate || this.#closed) return;
    if (this.#timer) clearTimeout(this.#timer);
    const delayMs = Math.max(0, this.#init.ttlSeconds * 1000 * KUBELET_REFRESH_FRACTION);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      // A failed automatic rotation (e.g. the directory was removed) is not fatal for tests.
      this.rotate().catch(() => undefined);
    }, delayMs);
    this.#timer.unref();
  }

  /** Reads where `..data` points now (for tests of the layout). */
  async currentDataDir(): Promise<string> {
    return readlink(join(this.#dir, DATA_DIR_LINK));
  }
}
