/** A setting of the credential server or of the CLI is missing or wrong; the message says what to fix. */
export class CredentialServerConfigError extends Error {
  override name = "CredentialServerConfigError";
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message);
    if (options.cause !== undefined) {
      Object.defineProperty(this, "cause", { value: options.cause, enumerable: false, configurable: true, writable: true });
    }
  }
}
