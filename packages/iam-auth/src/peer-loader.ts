// Optional peer dependencies, loaded on first use with a dynamic import: importing @irsa/iam-auth
// costs nothing for the clients an application does not use. A seam lets tests simulate a
// package that is not installed.
import { PeerDependencyError } from "./errors.js";

/** The optional peers this package loads itself. */
export type PeerPackage = "@aws-sdk/rds-signer" | "@aws-sdk/s3-request-presigner";

/** Loads a peer package's module; the default is `import(name)`. */
export type PeerLoader = (packageName: PeerPackage) => Promise<unknown>;

const importPeer: PeerLoader = (packageName) =>
  packageName === "@aws-sdk/rds-signer" ? import("@aws-sdk/rds-signer") : import("@aws-sdk/s3-request-presigner");

/**
 * Loads `packageName` with `loader` (default: a dynamic import), or throws a
 * {@link PeerDependencyError} naming the package to install.
 */
export async function loadPeer<T>(packageName: PeerPackage, neededBy: string, loader: PeerLoader = importPeer): Promise<T> {
  try {
    return (await loader(packageName)) as T;
  } catch (error) {
    throw new PeerDependencyError(packageName, neededBy, error);
  }
}
