import type { IncomingMessage, ServerResponse } from "node:http";
import type { CachedCredentialProvider } from "@irsa/web-identity";
import { unavailableAnswer } from "./credentials-unavailable.js";
import { isAllowedHostHeader } from "./loopback.js";
import type { CredentialServerMetrics, RouteLabel } from "./metrics.js";
import type { Readiness } from "./readiness.js";
import type { ServerOptions } from "./server-options.js";

type AwsCredentialIdentity = Awaited<ReturnType<CachedCredentialProvider>>;

/** Which listener a request came in on: the credentials one, or the probes-only one. */
export type ListenerKind = "credentials" | "health";

/** What the routes need besides the options. */
export interface RouteContext {
  options: ServerOptions;
  isAuthorized: (header: string | undefined) => boolean;
  metrics: CredentialServerMetrics;
  readiness: Readiness;
  /** True once `close()` began: answers then close their connection. */
  isClosing: () => boolean;
}

const nowNs = () => process.hrtime.bigint();

function routeOf(pathname: string, credentialsPath: string): RouteLabel {
  if (pathname === credentialsPath) return "credentials";
  if (pathname === "/healthz") return "healthz";
  if (pathname === "/readyz") return "readyz";
  if (pathname === "/metrics") return "metrics";
  return "other";
}

function pathnameOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? "/", "http://localhost").pathname;
  } catch {
    return "";
  }
}

/** The container-credentials JSON the AWS SDKs read from `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
function containerCredentialsJson(credentials: AwsCredentialIdentity): string {
  return JSON.stringify({
    AccessKeyId: credentials.accessKeyId,
    SecretAccessKey: credentials.secretAccessKey,
    Token: credentials.sessionToken,
    Expiration: credentials.expiration?.toISOString(),
    AccountId: credentials.accountId,
  });
}

/** The request handler of one listener: probes on both, credentials on the credentials listener only. */
export function createRequestHandler(context: RouteContext, kind: ListenerKind) {
  const { options, metrics, readiness } = context;
  const { logger, provider } = options;
  let inFlight = 0;

  const send = (response: ServerResponse, status: number, body: string, contentType = "text/plain; charset=utf-8") => {
    if (response.headersSent || response.destroyed) return;
    response.statusCode = status;
    response.setHeader("Content-Type", contentType);
    response.setHeader("Content-Length", Buffer.byteLength(body));
    response.setHeader("Cache-Control", "no-store");
    // While stopping, each answer closes its connection, so keep-alive sockets drain.
    if (context.isClosing()) response.setHeader("Connection", "close");
    response.end(body);
  };
  const sendJsonError = (response: ServerResponse, status: number, code: string, message: string) =>
    send(response, status, JSON.stringify({ Code: code, Message: message }), "application/json");

  const sendUnavailable = (response: ServerResponse, cause: Parameters<typeof unavailableAnswer>[2]) => {
    const { retryAfterSeconds, body } = unavailableAnswer(provider, options.now(), cause);
    response.setHeader("Retry-After", String(retryAfterSeconds));
    send(response, 503, JSON.stringify(body), "application/json");
  };

  const serveCredentials = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "GET") {
      response.setHeader("Allow", "GET");
      return sendJsonError(response, 405, "MethodNotAllowed", "Only GET is allowed.");
    }
    const hasBody = (request.headers["content-length"] ?? "0") !== "0" || request.headers["transfer-encoding"] !== undefined;
    if (hasBody) {
      response.setHeader("Connection", "close");
      return sendJsonError(response, 413, "PayloadTooLarge", "A credentials request has no body.");
    }
    if (!context.isAuthorized(request.headers.authorization)) {
      return sendJsonError(response, 401, "Unauthorized", "Unauthorized.");
    }
    let credentials: AwsCredentialIdentity;
    try {
      credentials = await provider();
    } catch (error) {
      logger.warn("credentials unavailable", error instanceof Error ? error : {});
      return sendUnavailable(response, { error });
    }
    // Never 200 with an expired set: SDKs would fail with "refreshed credentials are still expired".
    if (credentials.expiration !== undefined && credentials.expiration.getTime() <= options.now()) {
      logger.warn("credentials unavailable: the set in hand has expired", { expiration: credentials.expiration.toISOString() });
      readiness.nudge();
      return sendUnavailable(response, { expiredAt: credentials.expiration });
    }
    send(response, 200, containerCredentialsJson(credentials), "application/json");
  };

  const serveProbe = async (route: RouteLabel, request: IncomingMessage, response: ServerResponse) => {
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.setHeader("Allow", "GET, HEAD");
      return send(response, 405, "method not allowed\n");
    }
    if (route === "healthz") return send(response, 200, "ok\n");
    if (route === "readyz") {
      if (readiness.isReady()) return send(response, 200, "ready\n");
      readiness.nudge();
      return send(response, 503, "not ready\n");
    }
    const { contentType, body } = await metrics.render();
    return send(response, 200, body, contentType);
  };

  const answer = async (route: RouteLabel, request: IncomingMessage, response: ServerResponse) => {
    if (inFlight > options.maxConcurrentRequests) {
      response.setHeader("Retry-After", "1");
      return send(response, 503, "busy\n");
    }
    if (kind === "credentials" && !isAllowedHostHeader(request.headers.host, options.allowedHosts)) {
      return send(response, 403, "forbidden\n");
    }
    if (route === "credentials") return serveCredentials(request, response);
    if (route === "other") return send(response, 404, "not found\n");
    return serveProbe(route, request, response);
  };

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const started = nowNs();
    const pathname = pathnameOf(request);
    let route = routeOf(pathname, options.credentialsPath);
    if (kind === "health" && route === "credentials") route = "other";
    inFlight += 1;
    metrics.requestStarted();
    response.once("close", () => {
      inFlight -= 1;
      const seconds = Number(nowNs() - started) / 1e9;
      metrics.requestFinished(route, response.statusCode, seconds);
      logger.debug("request", { method: request.method, path: pathname, status: response.statusCode, ms: Math.round(seconds * 1e4) / 10 });
    });
    if (route === "credentials") logger.debug("credentials request received");
    answer(route, request, response).catch((error: unknown) => {
      logger.error("request failed", error instanceof Error ? { errorName: error.name } : {});
      send(response, 500, "internal error\n");
    });
  };
  return { handler, inFlight: () => inFlight };
}
