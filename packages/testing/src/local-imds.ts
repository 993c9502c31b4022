import { randomBytes } from "node:crypto";
import type { ServerResponse } from "node:http";
import { FaultInjector, type InjectedFault } from "./fault-injector.js";
import { parseRoleArn } from "./local-sts/arn.js";
import type { IssuedCredentials } from "./local-sts/issued-credentials.js";
import type { LocalSts } from "./local-sts/local-sts.js";
import { LocalHttpServer, readBody } from "./local-http-server.js";
import { ServedCredentials, isoSeconds } from "./served-credentials.js";

/** Role of the instance profile when none is given. */
export const DEFAULT_IMDS_ROLE_ARN = "arn:aws:iam::111122223333:role/node-instance-role";
/** Instance id used as the role session name. */
export const DEFAULT_INSTANCE_ID = "i-0123456789abcdef0";
/** Largest session-token TTL IMDSv2 grants (6 hours). */
export const MAX_IMDS_TOKEN_TTL_SECONDS = 21_600;

const TOKEN_PATH = "/latest/api/token";
const CREDENTIALS_PATH = "/latest/meta-data/iam/security-credentials/";

/** Request kinds a fault can target. */
export type ImdsAction = "token" | "role-name" | "credentials" | "other";

/** Options of {@link startLocalImds}. */
export interface LocalImdsInit {
  /** Local STS that issues the served credentials (so they verify there). Default: minted locally. */
  sts?: LocalSts;
  /** Instance-profile role. Default `arn:aws:iam::111122223333:role/node-instance-role`. */
  roleArn?: string;
  /** Instance id (the role session name). Default `i-0123456789abcdef0`. */
  instanceId?: string;
  /** Lifetime of served credentials in seconds. Default 3600. */
  credentialLifetimeSeconds?: number;
  /** Also answer IMDSv1 (GET without a session token). Default `false`: IMDSv2 only, 401. */
  allowV1?: boolean;
}

/** One request as the local IMDS saw it. No tokens, no secrets. */
export interface LocalImdsRequest {
  time: number;
  method: string;
  path: string;
  action: ImdsAction;
  status: number;
  fault?: InjectedFault["kind"];
}

/** A running IMDSv2 emulator. */
export interface LocalImds {
  /** `http://127.0.0.1:PORT`: the value for `AWS_EC2_METADATA_SERVICE_ENDPOINT`. */
  readonly endpoint: string;
  /** Role name listed at `.../security-credentials/`. */
  readonly roleName: string;
  readonly roleArn: string;
  /** Fault injection: black hole (`hangNext`), slow (`latency`), 404/500 (`failNext`), drops. */
  readonly faults: FaultInjector<ImdsAction>;
  /** Every request since start or `reset()`. */
  readonly requests: readonly LocalImdsRequest[];
  /** Number of requests (all or of one kind). */
  calls(action?: ImdsAction): number;
  /** The set served now (its secrets redact when printed). */
  currentCredentials(): IssuedCredentials;
  /** Mints a new set now; the next fetch serves it. */
  rotateCredentials(): IssuedCredentials;
  /** Clears the log and faults. */
  reset(): void;
  /** Stops the server, ends open connections and timers. Idempotent. */
  close(): Promise<void>;
}

function classify(method: string, path: string): ImdsAction {
  if (path === TOKEN_PATH) return "token";
  if (path === CREDENTIALS_PATH) return "role-name";
  if (path.startsWith(CREDENTIALS_PATH)) return "credentials";
  return "other";
}

function text(res: ServerResponse, status: number, body: string, type = "text/plain"): void {
  if (res.destroyed) return;
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) }).end(body);
}

/** EC2's error pages are small HTML documents. */
function errorPage(res: ServerResponse, status: number): void {
  const reason = { 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed" }[status] ?? "Internal Server Error";
  text(res, status, `<?xml version="1.0" encoding="iso-8859-1"?>\n<html><head><title>${status} - ${reason}</title></head><body><h1>${status} - ${reason}</h1></body></html>\n`, "text/html");
}

/**
 * Starts an IMDSv2 emulator on 127.0.0.1: `PUT /latest/api/token` with
 * `X-aws-ec2-metadata-token-ttl-seconds`, then token-authenticated GETs of the role name and
 * its credentials JSON. Token TTLs and credential expiry follow `Date.now()`.
 *
 * @example
 * ```ts
 * const imds = await startLocalImds();
 * process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imds.endpoint;
 * // ... run the code that falls back to IMDS, then:
 * console.log(imds.calls());
 * await imds.close();
 * ```
 */
export async function startLocalImds(init: LocalImdsInit = {}): Promise<LocalImds> {
  const roleArn = init.roleArn ?? DEFAULT_IMDS_ROLE_ARN;
  const roleName = parseRoleArn(roleArn)?.roleName;
  if (roleName === undefined) throw new TypeError(`roleArn must look like arn:aws:iam::123456789012:role/NAME, got ${roleArn}`);
  const credentials = new ServedCredentials({
    roleArn,
    sessionName: init.instanceId ?? DEFAULT_INSTANCE_ID,
    ...(init.sts ? { sts: init.sts } : {}),
    ...(init.credentialLifetimeSeconds !== undefined ? { lifetimeSeconds: init.credentialLifetimeSeconds } : {}),
  });
  const faults = new FaultInjector<ImdsAction>();
  const tokens = new Map<string, number>();
  let requests: LocalImdsRequest[] = [];

  const server = await LocalHttpServer.start(async (req, res, self) => {
    const method = req.method ?? "GET";
    const path = new URL(req.url ?? "/", "http://placeholder").pathname;
    const action = classify(method, path);
    const record: LocalImdsRequest = { time: Date.now(), method, path, action, status: 0 };
    requests.push(record);
    await readBody(req).catch(() => "");
    const answer = (status: number, body?: string, type?: string): void => {
      record.status = status;
      if (body === undefined) errorPage(res, status);
      else text(res, status, body, type);
    };

    if (faults.latencyMs > 0 && !(await self.delay(faults.latencyMs))) return;
    const fault = faults.take(action);
    if (fault) {
      record.fault = fault.kind;
      if (fault.kind === "fail") answer(fault.status ?? 500, fault.message);
      else if (fault.kind === "drop") req.socket.destroy();
      else if (fault.kind === "hang") {
        if (await self.delay(fault.maxMs)) req.socket.destroy();
      } else if (fault.kind === "malformed") answer(200, action === "credentials" ? '{"Code":"Success","AccessKeyId":' : "\u0000", "text/plain");
      else answer(200, "", "text/plain");
      return;
    }

    // IMDS refuses requests that went through a proxy.
    if (req.headers["x-forwarded-for"] !== undefined) return answer(403);
    if (action === "token") {
      if (method !== "PUT") return answer(405);
      const ttlHeader = req.headers["x-aws-ec2-metadata-token-ttl-seconds"];
      const ttl = typeof ttlHeader === "string" && /^\d+$/.test(ttlHeader) ? Number(ttlHeader) : NaN;
      if (!(ttl >= 1 && ttl <= MAX_IMDS_TOKEN_TTL_SECONDS)) return answer(400);
      const token = randomBytes(42).toString("base64");
      tokens.set(token, Date.now() + ttl * 1000);
      res.setHeader("x-aws-ec2-metadata-token-ttl-seconds", String(ttl));
      return answer(200, token);
    }
    if (method !== "GET") return answer(405);
    const presented = req.headers["x-aws-ec2-metadata-token"];
    if (typeof presented === "string") {
      const expiresAt = tokens.get(presented);
      if (expiresAt === undefined || Date.now() >= expiresAt) return answer(401);
    } else if (!init.allowV1) {
      return answer(401);
    }
    if (action === "role-name") return answer(200, roleName);
    if (action === "credentials") {
      if (path.slice(CREDENTIALS_PATH.length) !== roleName) return answer(404);
      const set = credentials.current();
      const body = JSON.stringify(
        {
          Code: "Success",
          LastUpdated: isoSeconds(set.issuedAt),
          Type: "AWS-HMAC",
          AccessKeyId: set.accessKeyId,
          SecretAccessKey: set.secretAccessKey,
          Token: set.sessionToken,
          Expiration: isoSeconds(set.expiration),
        },
        null,
        2,
      );
      return answer(200, body, "text/plain");
    }
    return answer(404);
  });

  return {
    get endpoint() {
      return server.origin;
    },
    roleName,
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
