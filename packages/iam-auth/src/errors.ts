// The errors of @irsa/iam-auth: members of the @irsa/web-identity error family, each with a
// stable `code`. Messages name the option or package to fix; never a token, key or password.
import { ConfigurationError, IrsaCredentialsError } from "@irsa/web-identity";

/** Stable codes of {@link IamAuthConfigurationError}. */
export type IamAuthConfigurationCode =
  /** An option the function does not know (a typo, or an option of another signer). */
  | "UnknownOption"
  /** A required option is absent or empty. */
  | "MissingOption"
  /** An option has the wrong type or is out of its range. */
  | "InvalidOption"
  /** The signature would outlive every credential set this configuration can get. */
  | "HorizonUnmeetable";

/**
 * Bad input to an `@irsa/iam-auth` function: the message names the option and what to write. A
 * `ConfigurationError`, so it is non-recoverable and never retried.
 *
 * @example
 * ```ts
 * try {
 *   await getSignedUrl(s3, command, { expiresIn: 7200, credentials });
 * } catch (error) {
 *   if (error instanceof IamAuthConfigurationError && error.code === "HorizonUnmeetable") {
 *     // raise durationSeconds (and the role's maximum session duration), or sign shorter URLs
 *   }
 * }
 * ```
 */
export class IamAuthConfigurationError extends ConfigurationError {
  override name = "IamAuthConfigurationError";
  /** Stable code, for programs. */
  readonly code: IamAuthConfigurationCode;
  /** The option at fault (`expiresIn`, `hostname`, ...). */
  readonly option: string;
  constructor(message: string, details: { code: IamAuthConfigurationCode; option: string; cause?: unknown }) {
    super(message, details.cause !== undefined ? { cause: details.cause } : {});
    this.code = details.code;
    this.option = details.option;
  }
}

/**
 * An optional peer dependency (`@aws-sdk/rds-signer`, `@aws-sdk/s3-request-presigner`, ...) is not
 * installed: the message names the package and the command to install it.
 *
 * @example
 * ```ts
 * const password = createRdsAuthTokenProvider(init);
 * await password().catch((error) => {
 *   if (error instanceof PeerDependencyError) console.error(`install ${error.packageName}`);
 * });
 * ```
 */
export class PeerDependencyError extends IrsaCredentialsError {
  override name = "PeerDependencyError";
  /** Stable code, for programs. */
  readonly code = "PeerDependencyMissing";
  /** The npm package to install. */
  readonly packageName: string;
  constructor(packageName: string, neededBy: string, cause?: unknown) {
    super(
      `${neededBy} needs the optional peer dependency ${packageName}, which could not be loaded. ` +
        `Install it next to @irsa/iam-auth: npm install ${packageName}`,
      { recoverable: false, cause },
    );
    this.packageName = packageName;
  }
}
