import { createHash } from "node:crypto";
import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request as the proxy in front of the local STS saw it. The token is kept as a digest only. */
export interface RecordedStsRequest {
  action?: string;
  roleArn?: string;
  sessionName?: string;
  durationSeconds?: string;
  providerId?: string;
  policy?: string;
  policyArns: string[];
  /** First 12 hex of the SHA-256 of `WebIdentityToken`: which token was sent, without the token. */
  tokenDigest?: string;
  /** `true` when the request came as a forward-proxy request (absolute URL, v2's `httpOptions.proxy`). */
  absoluteUrl: boolean;
  /** The `m/` feature letters of the user agent, sorted. */
  featureLetters: string[];
  /** The `app/` id of the user agent (the client's `userAgentAppId`), if any. */
  appId?: string;
  /** Headers other than the usual ones (a plugin's, for instance), name to value. */
  extraHeaders: Record<string, string>;
  status: number;
}

const USUAL_HEADERS = new Set([
  "host", "content-type", "content-length", "user-agent", "x-amz-user-agent", "amz-sdk-invocation-id", "amz-sdk-request",
  "connection", "expect", "authorization", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token", "accept", "accept-encoding", "transfer-encoding",
]);

/** The `m/A,B,C` letters of the SDK's user agent (either header), sorted; empty when there are none. */
export function featureLetters(headers: IncomingHttpHeaders): string[] {
  const agents = `${String(headers["user-agent"] ?? "")} ${String(headers["x-amz-user-agent"] ?? "")}`;
  const letters = new Set<string>();
  for (const match of agents.matchAll(/(?:^|\s)m\/([^\s]+)/g)) for (const letter of match[1]!.split(",")) letters.add(letter);
  return [...letters].sort();
}

function appIdOf(headers: IncomingHttpHeaders): { appId?: string } {
  const match = /(?:^|\s)app\/([^\s]+)/.exec(`${String(headers["user-agent"] ?? "")} ${String(headers["x-amz-user-agent"] ?? "")}`);
  return match === null ? {} : { appId: match[1] };
}

function record(body: string, headers: IncomingHttpHeaders, absoluteUrl: boolean): RecordedStsRequest {
  const params = new URLSearchParams(body);
  const extraHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!USUAL_HEADERS.has(name)) extraHeaders[name] = String(value);
  const token = params.get("WebIdentityToken");
  const policyArns = [...params.entries()].filter(([name]) => /^PolicyArns\.member\.\d+\.arn$/.test(name)).map(([, value]) => value);
  const optional = (name: string) => params.get(name) ?? undefined;
  return {
    action: optional("Action"),
    roleArn: optional("RoleArn"),
    sessionName: optional("RoleSessionName"),
    durationSeconds: optional("DurationSeconds"),
    providerId: optional("ProviderId"),
    policy: optional("Policy"),
    policyArns,
    ...(token !== null && { tokenDigest: createHash("sha256").update(token).digest("hex").slice(0, 12) }),
    absoluteUrl,
    featureLetters: featureLetters(headers),
    ...appIdOf(headers),
    extraHeaders,
    status: 0,
  };
}

/** A loopback HTTP proxy in front of one server: it forwards every request and records it. */
export interface RecordingProxy {
  /** `http://127.0.0.1:PORT`: the STS endpoint (or the `httpOptions.proxy`) a side is given. */
  readonly endpoint: string;
  readonly requests: readonly RecordedStsRequest[];
  close(): Promise<void>;
}

export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const requests: RecordedStsRequest[] = [];
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const body = Buffer.concat(chunks);
      const seen = record(body.toString("utf8"), incoming.headers, /^https?:\/\//.test(incoming.url ?? ""));
      requests.push(seen);
      const path = seen.absoluteUrl ? new URL(incoming.url!).pathname : (incoming.url ?? "/");
      const forward = request(
        // a connection per request (a pooled one the STS already closed would read as a fault of the
        // side); the Host header stays the one the side signed
        { host: upstream.hostname, port: upstream.port, method: incoming.method, path, headers: incoming.headers, agent: false },
        (answer) => {
          seen.status = answer.statusCode ?? 0;
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        },
      );
      // the STS hung or dropped (an injected fault): the client sees the same
      forward.on("error", () => outgoing.destroy());
      outgoing.on("close", () => forward.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${String(port)}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
