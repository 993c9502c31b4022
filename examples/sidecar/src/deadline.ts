/** Thrown when a step of the demo takes longer than its deadline. */
export class DeadlineError extends Error {
  override name = "DeadlineError";
}

/**
 * Settles like `promise`, or rejects with a {@link DeadlineError} naming `what` after `ms`:
 * every wait of the demo is bounded, so a broken step ends it with a message instead of a hang.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(`${what}: no result within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
