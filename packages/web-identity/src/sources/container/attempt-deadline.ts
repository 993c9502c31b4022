import { AsyncLocalStorage } from "node:async_hooks";
import { subscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";

/** Raised when one attempt did not settle within its deadline; its sockets are destroyed. */
export class AttemptDeadlineError extends Error {
  override name = "TimeoutError";
  readonly code = "TimeoutError";
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
  }
}

/** The HTTP requests opened inside one attempt. */
type Attempt = Set<ClientRequest>;

const attempts = new AsyncLocalStorage<Attempt>();
let subscribed = false;

/**
 * Node announces every `http.request` on this channel, synchronously, in the async context of
 * its caller: so a request started anywhere under `attempts.run()` (inside the SDK's `fromHttp`,
 * whose own request timeout only warns) is known to the attempt that started it.
 */
function watchRequests(): void {
  if (subscribed) return;
  subscribed = true;
  subscribe("http.client.request.start", (message) => {
    const attempt = attempts.getStore();
    const request = (message as { request?: ClientRequest }).request;
    if (attempt === undefined || request === undefined) return;
    attempt.add(request);
    request.once("close", () => attempt.delete(request));
  });
}

/**
 * Runs `run` with a deadline that is enforced: past `timeoutMs` the promise rejects with an
 * `AttemptDeadlineError` and every HTTP request the attempt opened is destroyed, so a server that
 * accepts and never answers holds neither the caller nor a socket. The timer is cleared as soon
 * as the attempt settles.
 */
export async function withAttemptDeadline<T>(run: () => Promise<T>, timeoutMs: number): Promise<T> {
  watchRequests();
  const opened: Attempt = new Set();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new AttemptDeadlineError(timeoutMs);
      for (const request of opened) request.destroy(error);
      opened.clear();
      reject(error);
    }, timeoutMs);
  });
  const attempt = attempts.run(opened, run);
  attempt.catch(() => {}); // after the deadline its rejection (our destroy) is expected
  try {
    return await Promise.race([attempt, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
