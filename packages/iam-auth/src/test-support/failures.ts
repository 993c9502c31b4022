// Shared by @irsa/iam-auth's tests (the package entry never imports it, so it is never bundled):
// catching what a builder throws, and a peer package that is not installed.
import type { PeerLoader } from "../peer-loader.js";

/** The error `action` throws synchronously; fails the test when it throws nothing. */
export function thrownBy(action: () => unknown): Error & Record<string, unknown> {
  try {
    action();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected a throw");
}

/** What Node's `import()` rejects with for a package that is not installed. */
export function moduleNotFound(specifier: string): Error {
  return Object.assign(new Error(`Cannot find package '${specifier}'`), { code: "ERR_MODULE_NOT_FOUND" });
}

/** A {@link PeerLoader} for which no peer package is installed. */
export const notInstalled: PeerLoader = async (specifier) => {
  throw moduleNotFound(specifier);
};
