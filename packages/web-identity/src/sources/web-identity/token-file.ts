import { inspect } from "node:util";
import { TokenFileError, describeClaims, type TokenClaims } from "../../shared/errors.js";
import { redactSecrets } from "../../shared/redact.js";
import { readFileCapped, type NotRegularFileKind, type ReadFileCapped } from "./read-file-capped.js";

export { readFileCapped, type ReadFileCapped } from "./read-file-capped.js";

/** A projected service account token is ~1 KiB; anything past this is not a token. */
export const MAX_TOKEN_FILE_BYTES = 64 * 1024;

/**
 * Waits between reads of a token file that is missing, empty or partial: kubelet's atomic writer
 * swaps a symlink, and other writers may write in place. About 200 ms in all, then fail.
 */
export const TOKEN_READ_RETRY_DELAYS_MS: readonly number[] = [25, 50, 50, 75];

// Three base64url parts (header.payload.signature), as the JWS compact serialisation has.
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;


export interface ReadTokenOptions {
  /** Clock for the `exp` check, epoch milliseconds. */
  now: () => number;
  /**
   * Whether a token with this `exp` (epoch ms) is expired for AWS. Default: `exp <= now()`. The
   * source passes its skew-aware judgement (`ClockSkew.tokenExpired`).
   */
  isExpired?: (expMs: number) => boolean;
  /** Waits between read attempts. */
  sleep: (ms: number) => Promise<void>;
  readFile?: ReadFileCapped;
  retryDelaysMs?: readonly number[];
}

/**
 * A token read for one STS call. The value sits in a private field: `JSON.stringify`,
 * `util.inspect` and enumeration show the path and the decoded claims only.
 */
export class WebIdentityToken {
  readonly #value: string;
  readonly path: string;
  readonly claims: TokenClaims;
  constructor(value: string, path: string, claims: TokenClaims) {
    this.#value = value;
    this.path = path;
    this.claims = claims;
  }
  /** The raw JWT, to hand to STS and nowhere else. */
  reveal(): string {
    return this.#value;
  }
  sameAs(other: WebIdentityToken): boolean {
    return this.#value === other.#value;
  }
  toJSON(): { path: string; claims: TokenClaims } {
    return { path: this.path, claims: this.claims };
  }
  [inspect.custom](): string {
    return `WebIdentityToken { path: ${this.path}, ${describeClaims(this.claims)} }`;
  }
}

type DecodeJwt = (jwt: string) => Record<string, unknown>;
let decodeJwtModule: Promise<DecodeJwt> | undefined;

/** jose is ESM only; a dynamic import loads it from both our ESM and CJS builds, on first use. */
function loadDecodeJwt(): Promise<DecodeJwt> {
  decodeJwtModule ??= import("jose/jwt/decode").then((module) => module.decodeJwt as DecodeJwt);
  return decodeJwtModule;
}

/**
 * A read that may succeed if tried again shortly (kubelet mid-swap, a writer mid-write), the
 * error to raise if not, and the text it saw (compared with the next read's, never shown).
 */
class TransientReadProblem {
  constructor(
    readonly error: TokenFileError,
    readonly content?: string,
  ) {}
}

/**
 * Reads, checks and decodes (without verifying) the web identity token. Retries briefly when the
 * file is missing, empty or not yet a whole JWT; fails at once when retrying cannot help.
 *
 * Content that is not a JWT is a verdict (non-recoverable) only when the last two reads saw the
 * same bytes: a file that changed between reads is being rewritten in place (a copy loop, a
 * vault agent), so it fails recoverably and the engine reads it again after its short backoff.
 *
 * @throws TokenFileError naming the path and what to check; never containing the token.
 */
export async function readWebIdentityToken(path: string, options: ReadTokenOptions): Promise<WebIdentityToken> {
  const delays = options.retryDelaysMs ?? TOKEN_READ_RETRY_DELAYS_MS;
  refuseTokenAsPath(path);
  let previous: TransientReadProblem | undefined;
  for (let attempt = 0; ; attempt++) {
    const result = await readOnce(path, options);
    if (!(result instanceof TransientReadProblem)) return result;
    const delay = delays[attempt];
    if (delay === undefined) throw finalReadError(path, result, previous, checkedFor(options));
    previous = result;
    await options.sleep(delay);
  }
}

/** The error after the last read: "malformed" only when two reads in a row agreed on it. */
function finalReadError(path: string, last: TransientReadProblem, previous: TransientReadProblem | undefined, checked: string): TokenFileError {
  if (last.error.problem !== "malformed" || (previous !== undefined && previous.content === last.content)) return last.error;
  return new TokenFileError(
    `The web identity token file ${path} changed between reads for ${checked} without holding a whole JWT: it is ` +
      "being rewritten in place, so it will be read again shortly. If this repeats, make its writer replace the file " +
      "atomically (write a temporary file, then rename it over the token), as kubelet does.",
    { path, problem: "being-written", recoverable: true },
  );
}

function checkedFor(options: ReadTokenOptions): string {
  return `${(options.retryDelaysMs ?? TOKEN_READ_RETRY_DELAYS_MS).reduce((a, b) => a + b, 0)} ms`;
}

/**
 * A token pasted where its path belongs (AWS_WEB_IDENTITY_TOKEN_FILE=eyJ...) is refused before
 * any file system call: opening it would fail with ENAMETOOLONG, and every message, `path` field
 * and cause would then carry the token.
 */
function refuseTokenAsPath(path: string): void {
  const shown = redactSecrets(path);
  if (shown === path) return;
  throw new TokenFileError(
    `The web identity token file setting (AWS_WEB_IDENTITY_TOKEN_FILE or \`webIdentityTokenFile\`) holds what looks like ` +
      `a token, not a path: ${shown.length > 120 ? `${shown.slice(0, 120)}…` : shown}. Set it to the path of the projected token file ` +
      "(on EKS: /var/run/secrets/eks.amazonaws.com/serviceaccount/token), never to the token itself.",
    { path: shown, problem: "token-as-path", recoverable: false },
  );
}

async function readOnce(path: string, options: ReadTokenOptions): Promise<WebIdentityToken | TransientReadProblem> {
  const checked = checkedFor(options);
  let content: Buffer;
  try {
    content = await (options.readFile ?? readFileCapped)(path, MAX_TOKEN_FILE_BYTES + 1);
  } catch (cause) {
    return readError(path, cause, checked);
  }
  if (content.length > MAX_TOKEN_FILE_BYTES) {
    throw new TokenFileError(
      `The web identity token file ${path} is larger than ${MAX_TOKEN_FILE_BYTES / 1024} KiB, so it is not a ` +
        "service account token. Check that AWS_WEB_IDENTITY_TOKEN_FILE (or `webIdentityTokenFile`) points at the " +
        "projected token (on EKS: /var/run/secrets/eks.amazonaws.com/serviceaccount/token).",
      { path, problem: "too-large", recoverable: false },
    );
  }
  const text = content.toString("utf8").trim();
  if (text === "") {
    return new TransientReadProblem(
      new TokenFileError(
        `The web identity token file ${path} stayed empty for ${checked}. Check the writer of the file ` +
          "(kubelet's projected volume, or the process that copies the token there).",
        { path, problem: "empty", recoverable: true },
      ),
      text,
    );
  }
  const claims = JWT_SHAPE.test(text) ? await decodeClaims(text) : undefined;
  if (claims === undefined) {
    return new TransientReadProblem(
      new TokenFileError(
        `The web identity token file ${path} does not hold a JWT (expected three base64url parts separated by ` +
          `dots, the same in two reads in a row). Check that it is a projected service account token, not a ` +
          "kubeconfig, a secret or a certificate.",
        { path, problem: "malformed", recoverable: false },
      ),
      text,
    );
  }
  const isExpired = options.isExpired ?? ((expMs: number) => expMs <= options.now());
  if (claims.exp !== undefined && isExpired(claims.exp * 1000)) {
    throw new TokenFileError(
      `The web identity token in ${path} expired at ${new Date(claims.exp * 1000).toISOString()} ` +
        `(${describeClaims(claims)}), so the file is not being rotated. Kubelet rotates projected tokens in ` +
        "place only when the volume is mounted as a directory: a mount with `subPath`, or a copy of the token, " +
        "never changes. Mount the projected volume without subPath and read the token from it.",
      { path, problem: "expired", recoverable: false, claims },
    );
  }
  return new WebIdentityToken(text, path, claims);
}

async function decodeClaims(jwt: string): Promise<TokenClaims | undefined> {
  let payload: Record<string, unknown>;
  try {
    payload = (await loadDecodeJwt())(jwt);
  } catch {
    return undefined; // not JSON inside: treated like any other malformed content
  }
  const claims: TokenClaims = {};
  if (typeof payload.iss === "string") claims.iss = payload.iss;
  if (typeof payload.sub === "string") claims.sub = payload.sub;
  if (typeof payload.aud === "string" || (Array.isArray(payload.aud) && payload.aud.every((a) => typeof a === "string"))) {
    claims.aud = payload.aud as string | string[];
  }
  if (typeof payload.exp === "number" && Number.isFinite(payload.exp)) claims.exp = payload.exp;
  return claims;
}

function readError(path: string, cause: unknown, checkedFor: string): TransientReadProblem {
  const code = typeof cause === "object" && cause !== null ? (cause as { code?: unknown }).code : undefined;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR": // a path component missing mid-swap
      return new TransientReadProblem(
        new TokenFileError(
          `The web identity token file ${path} does not exist (checked for ${checkedFor}). Check ` +
            "AWS_WEB_IDENTITY_TOKEN_FILE (or `webIdentityTokenFile`) and that the projected service account token " +
            "volume is mounted in this container.",
          { path, problem: "not-found", recoverable: true, cause },
        ),
      );
    case "EACCES":
    case "EPERM":
      throw new TokenFileError(
        `Permission denied reading the web identity token file ${path}. The process's user cannot read it: set ` +
          "the pod's securityContext.fsGroup (e.g. to the container's group) so the projected token is readable, " +
          "or run as the user that owns the file.",
        { path, problem: "access-denied", recoverable: false, cause },
      );
    case "ENOTREG": {
      const kind = (cause as { kind?: NotRegularFileKind }).kind ?? "other";
      throw new TokenFileError(
        `The web identity token path ${path} is not a regular file (it is a ${kind.replace("-", " ")}${kind === "fifo" ? ", a named pipe" : ""}), ` +
          "so it was not read: reading it could block for ever. Point AWS_WEB_IDENTITY_TOKEN_FILE (or `webIdentityTokenFile`) " +
          "at the projected service account token file.",
        { path, problem: "not-regular-file", recoverable: false, cause },
      );
    }
    case "EISDIR":
      throw new TokenFileError(
        `The web identity token path ${path} is a directory, not a file. Point AWS_WEB_IDENTITY_TOKEN_FILE (or ` +
          "`webIdentityTokenFile`) at the token file inside it (e.g. .../serviceaccount/token).",
        { path, problem: "is-directory", recoverable: false, cause },
      );
    default:
      throw new TokenFileError(
        `Could not read the web identity token file ${path}: ${redactSecrets(cause instanceof Error ? cause.message : String(cause))}.`,
        { path, problem: "read-failed", recoverable: true, cause },
      );
  }
}
