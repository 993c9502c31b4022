import { signedAccessKeyId } from "./signed-access-key.js";

/** Error codes after which aws-sdk v2 (INVALIDATE_CREDENTIALS) sets `credentials.expired = true`. */
export const V2_EXPIRED_CREDENTIALS_CODES: ReadonlySet<string> = new Set([
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestExpired",
]);

/**
 * The method, keyed by a registered symbol, through which the listener tells a credentials object
 * which key a service just rejected. Registered, so that every loaded copy of this package (ESM and
 * CJS in one app) shares the one listener.
 */
export const NOTE_REJECTED_KEY: unique symbol = Symbol.for("@irsa/aws-sdk-v2/note-rejected-key") as never;

const INSTALLED = Symbol.for("@irsa/aws-sdk-v2/rejected-key-listener");

interface RetryResponse {
  error?: { code?: unknown } | null;
  request?: {
    service?: { config?: { credentials?: unknown } };
    httpRequest?: { headers?: Record<string, string | undefined> };
  };
}

interface V2EventSource {
  on(event: "retry", listener: (response: RetryResponse) => void): unknown;
  [INSTALLED]?: true;
}

/**
 * v2 marks the shared credentials object expired without saying which key the failed request
 * carried, and under concurrency the engine may already hold a newer set by then. This listener
 * on `AWS.events` (whose listeners v2 adds to every request, ahead of its own INVALIDATE_CREDENTIALS)
 * reads the rejected key from the request's signature and hands it to the credentials object just
 * before v2 sets `expired`. Installed once per aws-sdk, on the first adapter built; it only acts on
 * the expired-credentials errors of requests whose credentials are ours.
 */
export function watchRejectedKeys(aws: object): void {
  const events = (aws as { events?: V2EventSource }).events;
  if (typeof events?.on !== "function" || events[INSTALLED]) return;
  Object.defineProperty(events, INSTALLED, { value: true });
  events.on("retry", (response) => {
    const code = response.error?.code;
    if (typeof code !== "string" || !V2_EXPIRED_CREDENTIALS_CODES.has(code)) return;
    const credentials = response.request?.service?.config?.credentials as
      | { [NOTE_REJECTED_KEY]?: (accessKeyId: string) => void }
      | null
      | undefined;
    const note = credentials?.[NOTE_REJECTED_KEY];
    const accessKeyId = signedAccessKeyId(response.request?.httpRequest?.headers);
    if (typeof note === "function" && accessKeyId !== undefined) note.call(credentials, accessKeyId);
  });
}
