import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import { FaultInjector, type InjectedFault } from "./fault-injector.js";
import type { IssuedCredentials } from "./local-sts/issued-credentials.js";
import type { LocalSts } from "./local-sts/local-sts.js";
import { LocalHttpServer, readBody } from "./local-http-server.js";
import { ServedCredentials, isoSeconds } from "./served-credentials.js";

/** Role of the pod when none is given. */
export const DEFAULT_CONTAINER_ROLE_ARN = "arn:aws:iam::111122223333:role/pod-identity";

/** Request kinds a fault can target. */
export type ContainerEndpointAction = "credentials" | "other";

/** Options of {@link startLocalContainerEndpoint}. */
export interface LocalContainerEndpointInit {
  /** Local STS that issues the served credentials (so they verify there). Default: minted locally. */
  sts?: LocalSts;
  /** Role the served credentials act as. Default `arn:aws:iam::111122223333:role/pod-identity`. */
  roleArn?: string;
  /** Path served. Default `/v1/credentials/<random uuid>`. */
  path?: string;
  /**
   * Expected `Authorization` header value. Default: a random token (see `authorizationToken`).
   * `null` turns the check off (like an ECS endpoint without a token).
   */
  authorizationToken?: string | null;
  /** Lifetime of served credentials in seconds. Default 3600. */
  credentialLifetimeSeconds?: number;
  /** Session name of the role session. Default `eks-pod-identity`. */
  sessionName?: string;
}

/** One request as the endpoint saw it. No tokens, no secrets. */
export interface LocalContainerEndpointRequest {
  time: number;
  method: string;
  path: string;
  action: ContainerEndpointAction;
  status: number;
  /** Whether the Authorization header matched. */
  authorized: boolean;
  fault?: InjectedFault["kind"];
}

/** A running container-credentials endpoint (ECS / EKS Pod Identity style). */
export interface LocalContainerEndpoint {
  /** The value for `AWS_CONTAINER_CREDENTIALS_FULL_URI`. */
  readonly fullUri: string;
  /**
   * The expected Authorization value (for `AWS_CONTAINER_AUTHORIZATION_TOKEN` or the token
   * file), or `null` when not checked.
   */
  authorizationToken: string | null;
  readonly roleArn: string;
  /** Fault injection: 500s (`failNext`), slow (`latency`), black hole (`hangNext`), drops. */
  readonly faults: FaultInjector<ContainerEndpointAction>;
  /** Every request since start or `reset()`. */
  readonly requests: readonly LocalContainerEndpointRequest[];
  /** Number of requests (all or of one kind). */
  calls(action?: ContainerEndpointAction): number;
  /** The set served now (its secrets redact when printed). */
  currentCredentials(): IssuedCredentials;
  /** Mints a new set now; the next fetch serves it. */
  rotateCredentials(): IssuedCredentials;
  /** Clears the log and faults. */
  reset(): void;
  /** Stops the server, ends open connections and timers. Idempotent. */
  close(): Promise<void>;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}

function sameSecret(presented: string | undefined, expected: string): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Starts a container-credentials endpoint on 127.0.0.1: `GET <path>` with the expected
 * `Authorization` header answers `{ AccessKeyId, SecretAccessKey, Token, Expiration, AccountId }`,
 * anything else 401/404. Use `fullUri` as `AWS_CONTAINER_CREDENTIALS_FULL_URI`.
 *
 * @example
 * ```ts
 * const endpoint = await startLocalContainerEndpoint();
 * process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = endpoint.fullUri;
 * process.env.AWS_CONTAINER_AUTHORIZATION_TOKEN = endpoint.authorizationToken ?? "";
 * await endpoint.close();
 * ```
 */
export async function startLocalContainerEndpoint(init: LocalContainerEndpointInit = {}): Promise<LocalContainerEndpoint> {
  const roleArn = init.roleArn ?? DEFAULT_CONTAINER_ROLE_ARN;
  const credentials = new ServedCredentials({
    roleArn,
    sessionName: init.sessionName ?? "eks-pod-identity",
    ...(init.sts ? { sts: init.sts } : {}),
    ...(init.credentialLifetimeSeconds !== undefined ? { lifetimeSeconds: init.credentialLifetimeSeconds } : {}),
  });
  const path = init.path ?? `/v1/credentials/${randomUUID()}`;
  if (!path.startsWith("/")) throw new TypeError(`path must start with "/", got ${path}`);
  const faults = new FaultInjector<ContainerEndpointAction>();
  let requests: LocalContainerEndpointRequest[] = [];
  const state = {
    authorizationToken: init.authorizationToken === undefined ? randomBytes(32).toString("base64url") : init.authorizationToken,
  };

  const server = await LocalHttpServer.start(async (req, res, self) => {
    const method = req.method ?? "GET";
    const requestPath = new URL(req.url ?? "/", "http://placeholder").pathname;
    const action: ContainerEndpointAction = requestPath === path ? "credentials" : "other";
    const expected = state.authorizationToken;
    const authorized = expected === null || sameSecret(req.headers.authorization, expected);
    const record: LocalContainerEndpointRequest = { time: Date.now(), method, path: requestPath, action, status: 0, authorized };
    requests.push(record);
    await readBody(req).catch(() => "");
    const answer = (status: number, body: unknown): void => {
      record.status = status;
      json(res, status, body);
    };

    if (faults.latencyMs > 0 && !(await self.delay(faults.latencyMs))) return;
    const fault = faults.take(action);
    if (fault) {
      record.fault = fault.kind;
      if (fault.kind === "fail") {
        const status = fault.status ?? 500;
        answer(status, { Code: fault.code ?? (status >= 500 ? "InternalError" : "InvalidRequest"), Message: fault.message ?? "injected failure" });
      } else if (fault.kind === "drop") req.socket.destroy();
      else if (fault.kind === "hang") {
        if (await self.delay(fault.maxMs)) req.socket.destroy();
      } else if (!res.destroyed) {
        record.status = 200;
        const body = fault.kind === "malformed" ? '{"AccessKeyId":"ASIA' : "";
        res.writeHead(200, { "content-type": "application/json" }).end(body);
      }
      return;
    }

    if (action !== "credentials") return answer(404, { Code: "NotFound", Message: "No credentials at this path" });
    if (method !== "GET") return answer(405, { Code: "MethodNotAllowed", Message: "Use GET" });
    if (!authorized) return answer(401, { Code: "AccessDenied", Message: "Authorization header is missing or does not match" });
    const set = credentials.current();
    return answer(200, {
      AccessKeyId: set.accessKeyId,
      SecretAccessKey: set.secretAccessKey,
      Token: set.sessionToken,
      AccountId: set.accountId,
      Expiration: isoSeconds(set.expiration),
    });
  });

  return {
    fullUri: `${server.origin}${path}`,
    get authorizationToken() {
      return state.authorizationToken;
    },
    set authorizationToken(value: string | null) {
      state.authorizationToken = value;
    },
    roleArn,
    faults,
    get requests() {
      return requests;
    },
    calls: (action) => (action === undefined ? requests.length : requests.filter((r) => r.action === action).length),
    currentCredentials: () => credentials.current(),
    rotateCredentials: () => credentials.rotate(),
    reset() {
      requests = [];
      faults.clear();
    },
    close: () => server.close(),
  };
}
