// Optional peer dependencies, loaded on first use with a dynamic import: importing @irsa/iam-auth
// costs nothing for the clients an application does not use. Every helper's `loadPeer` option is
// the same seam, so tests can simulate a package that is not installed.
import { PeerDependencyError } from "./errors.js";

/**
 * Loads one module of an optional peer package; the `loadPeer` option of the helpers that need
 * one. It receives the module specifier the helper imports, such as `"@aws-sdk/rds-signer"` or
 * `"@opensearch-project/opensearch/aws"`, and answers the module. The default is a dynamic
 * `import(specifier)`; tests pass a loader that throws to simulate a package that is not installed.
 */
export type PeerLoader = (specifier: string) => Promise<unknown>;

/** The default {@link PeerLoader}: a dynamic `import()`. */
export const importPeer: PeerLoader = (specifier) => import(specifier);

/** What {@link loadPeer} and {@link peerModule} load, and for whom. */
export interface PeerModuleInit {
  /** The npm package to install when loading fails (named in the PeerDependencyError). */
  packageName: string;
  /** The module to load. Default `packageName`; a subpath such as `"<package>/aws"` otherwise. */
  specifier?: string;
  /** Who needs it, for the error message (`"createOpenSearchSigner"`). */
  neededBy: string;
  /** The loader. Default {@link importPeer}. */
  loader?: PeerLoader | undefined;
}

/** Loads the module once, now: a failure is a {@link PeerDependencyError} naming the package to install. */
export async function loadPeer<M>(init: PeerModuleInit): Promise<M> {
  const { packageName, specifier = packageName, neededBy, loader = importPeer } = init;
  try {
    return (await loader(specifier)) as M;
  } catch (error) {
    throw new PeerDependencyError(packageName, neededBy, error);
  }
}

/**
 * A function answering the module, loaded on its first call and cached once loaded. A failure is a
 * {@link PeerDependencyError} naming the package to install, and is not cached: installing the
 * package later works without a restart.
 */
export function peerModule<M>(init: PeerModuleInit): () => Promise<M> {
  let loading: Promise<M> | undefined;
  return () => {
    if (loading === undefined) {
      const attempt = loadPeer<M>(init);
      loading = attempt;
      // Forget a failure before its callers see it, so their retry loads again.
      attempt.catch(() => {
        if (loading === attempt) loading = undefined;
      });
    }
    return loading;
  };
}
