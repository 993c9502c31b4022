// Optional peer packages of the connection helpers, loaded on first use (never when @irsa/iam-auth
// is imported). A failure is the package's PeerDependencyError naming what to install.
import { PeerDependencyError } from "../errors.js";

/** Loads a module by specifier; the seam tests use to simulate a peer that is not installed. */
export type ModuleLoader = (specifier: string) => Promise<unknown>;

/** The default loader: a dynamic `import()`. */
export const importModule: ModuleLoader = (specifier) => import(specifier);

/**
 * Loads `specifier` (from the package `peer`) once and caches it; a failure is a
 * PeerDependencyError and is not cached, so installing the package later works without a restart.
 */
export function peerModule<M>(peer: string, specifier: string, neededBy: string, loader: ModuleLoader): () => Promise<M> {
  let loading: Promise<M> | undefined;
  return () => {
    loading ??= loader(specifier).then(
      (module) => module as M,
      (error: unknown) => {
        loading = undefined;
        throw new PeerDependencyError(peer, neededBy, error);
      },
    );
    return loading;
  };
}
