// The two sharing options of `fromWebIdentity` and the variable of the pod tier. Threads of one
// process share by default (nothing touches the disk); processes of one pod share only when
// asked, because that crosses a process boundary and needs a private directory.

/** The variable naming the directory of the pod tier; the same as `shareAcrossProcesses.directory`. */
export const SHARE_DIR_VARIABLE = "IRSA_SHARE_DIR";

/** Sharing one engine across the worker threads and, opted in, the processes of one pod. */
export interface SharingOptions {
  /**
   * Providers of the same configuration in different `worker_threads` of this process share one
   * engine: one STS call per refresh for the whole process. Linux only (elsewhere each thread
   * keeps its own engine). Default true.
   */
  shareAcrossThreads?: boolean;
  /**
   * Processes of one pod (cluster workers, PM2, several entry points, containers sharing an
   * `emptyDir`) share one engine through a Unix socket in `directory`, which must be owned by
   * this user with mode 0700 (created so if missing). When it cannot be used, each process
   * keeps its own engine and says so once (a warning). Default: the variable `IRSA_SHARE_DIR`,
   * else off; `false` turns it off whatever the variable says.
   */
  shareAcrossProcesses?: { readonly directory: string } | false;
}

/** Which tier a provider joins. */
export type SharingScope = { readonly scope: "threads" } | { readonly scope: "pod"; readonly directory: string } | { readonly scope: "off" };

/** The tier `init` and the environment ask for (the pod tier wins over the thread tier). */
export function sharingScopeOf(init: SharingOptions, env: Readonly<Record<string, string | undefined>>): SharingScope {
  const processes = init.shareAcrossProcesses;
  if (processes !== false) {
    const directory = processes?.directory ?? env[SHARE_DIR_VARIABLE];
    if (directory !== undefined && directory !== "") return { scope: "pod", directory };
  }
  if (init.shareAcrossThreads === false) return { scope: "off" };
  return { scope: "threads" };
}
