// Optional peer packages are loaded on first use, never when @irsa/iam-auth is imported: importing
// the package costs no more than @irsa/web-identity itself.
import { PeerClientMissingError } from "./errors.js";

/** Loads a module by name; the seam tests use to simulate a peer that is not installed. */
export type PeerLoader = (specifier: string) => Promise<unknown>;

/** The default loader: a dynamic `import()`. */
export const importPeer: PeerLoader = (specifier) => import(specifier);

/**
 * Loads `specifier` once per loader and caches the promise; a failure becomes a
 * {@link PeerClientMissingError} naming the package to install (and is not cached, so installing
 * it later works without a restart).
 */
export function peerModule<M>(peer: string, specifier: string, feature: string, loader: PeerLoader): () => Promise<M> {
  let loading: Promise<M> | undefined;
  return () => {
    loading ??= loader(specifier).then(
      (module) => module as M,
      (error: unknown) => {
        loading = undefined;
        throw new PeerClientMissingError(peer, feature, { cause: error });
      },
    );
    return loading;
  };
}
