import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { chmod, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { AUTH_TOKEN_BYTES, DEFAULT_AUTH_TOKEN_FILE_MODE, MAX_AUTH_TOKEN_FILE_BYTES } from "./defaults.js";
import { CredentialServerConfigError } from "./errors.js";

/** A fresh random authorization token (URL-safe base64, so it is a valid header value). */
export function generateAuthToken(): string {
  return randomBytes(AUTH_TOKEN_BYTES).toString("base64url");
}

/**
 * Writes `token` to `path` atomically (a temporary file in the same folder, then a rename), so
 * an app reading the file never sees half a token. No trailing newline: the AWS SDK v3 sends the
 * file's content as the header value as is.
 */
export async function writeAuthTokenFile(path: string, token: string, mode = DEFAULT_AUTH_TOKEN_FILE_MODE): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    const handle = await open(temporary, "wx", mode);
    try {
      await handle.writeFile(token);
      await handle.sync();
    } finally {
      await handle.close();
    }
    // open() applies the umask; chmod sets the mode asked for.
    await chmod(temporary, mode);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw new CredentialServerConfigError(
      `Cannot write the authorization token file ${path}: ${(error as Error).message}. ` +
        "Check that its folder exists and is writable (in a pod: a shared emptyDir volume).",
      { cause: error },
    );
  }
}

/**
 * Reads an authorization token from a file given by the operator (for example a mounted
 * Kubernetes Secret). The file must hold the token alone: clients such as the AWS SDK v3 send
 * the file as is, and a trailing newline makes their request fail before it leaves the app.
 */
export async function readAuthTokenFile(path: string): Promise<string> {
  let content: string;
  try {
    const handle = await open(path, "r");
    try {
      const { size } = await handle.stat();
      if (size > MAX_AUTH_TOKEN_FILE_BYTES) {
        throw new CredentialServerConfigError(
          `The authorization token file ${path} is ${size} bytes; at most ${MAX_AUTH_TOKEN_FILE_BYTES} are accepted.`,
        );
      }
      content = await handle.readFile("utf8");
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof CredentialServerConfigError) throw error;
    throw new CredentialServerConfigError(
      `Cannot read the authorization token file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      { cause: error },
    );
  }
  if (content.length === 0) {
    throw new CredentialServerConfigError(`The authorization token file ${path} is empty.`);
  }
  if (content !== content.trim()) {
    throw new CredentialServerConfigError(
      `The authorization token file ${path} starts or ends with whitespace (often a trailing newline). ` +
        "AWS SDKs send the file as is, so write the token alone (for example with printf '%s').",
    );
  }
  if (!/^[\x21-\x7e]+$/.test(content)) {
    throw new CredentialServerConfigError(
      `The authorization token in ${path} must be printable ASCII without spaces, as an HTTP header value.`,
    );
  }
  return content;
}

const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();

/**
 * Returns a check of an `Authorization` header value against `token`, in constant time: both
 * sides are hashed to equal-length digests first, so neither the content nor the length of the
 * token leaks through timing.
 *
 * @example
 * ```ts
 * const isAuthorized = createAuthTokenCheck(token);
 * if (!isAuthorized(request.headers.authorization)) response.writeHead(401).end();
 * ```
 */
export function createAuthTokenCheck(token: string): (headerValue: string | undefined) => boolean {
  const expected = digest(token);
  return (headerValue) => headerValue !== undefined && timingSafeEqual(digest(headerValue), expected);
}
