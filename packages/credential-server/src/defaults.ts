/** Defaults of the credential server, named so the README, the CLI help and the code agree. */

/** Address the server binds to unless told otherwise: loopback only. */
export const DEFAULT_HOST = "127.0.0.1";
/** Port of the credentials listener; 0 lets the system pick a free one. */
export const DEFAULT_PORT = 0;
/** Path that serves the container-credentials JSON. */
export const DEFAULT_CREDENTIALS_PATH = "/v1/credentials";
/** Mode of a generated authorization-token file: owner read/write, group read. */
export const DEFAULT_AUTH_TOKEN_FILE_MODE = 0o640;
/** Random bytes in a generated authorization token (256 bits). */
export const AUTH_TOKEN_BYTES = 32;
/** Largest authorization-token file accepted, in bytes. */
export const MAX_AUTH_TOKEN_FILE_BYTES = 4096;
/** Open connections accepted at once; further connections are dropped by the server. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
/** Requests handled at once; beyond that the server answers 503 at once. */
export const DEFAULT_MAX_CONCURRENT_REQUESTS = 1024;
/** Largest request head (request line and headers) accepted, in bytes. */
export const DEFAULT_MAX_HEADER_BYTES = 8 * 1024;
/** Time a client has to send a whole request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Time a client has to send the request head. */
export const DEFAULT_HEADERS_TIMEOUT_MS = 5_000;
/** Time allowed for in-flight requests to finish at shutdown before their sockets are cut. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** First retry delay of the start-up fetch that makes the server ready. */
export const DEFAULT_READINESS_RETRY_INITIAL_MS = 1_000;
/** Longest retry delay of the start-up fetch. */
export const DEFAULT_READINESS_RETRY_MAX_MS = 30_000;
