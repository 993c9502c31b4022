// Helpers for the kit's own tests: raw HTTP on loopback and hand-made SigV4 signatures, for
// cases a well-behaved SDK client cannot produce (tampered body, wrong secret, ...).
import { request } from "node:http";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request without keep-alive; rejects on a socket error (e.g. a dropped connection). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; timeoutMs?: number } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    if (options.timeoutMs !== undefined) req.setTimeout(options.timeoutMs, () => req.destroy(new Error("client timeout")));
    req.on("error", reject);
    req.end(options.body);
  });
}

/** POSTs a Query-protocol form to the local STS. */
export function postForm(endpoint: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<RawResponse> {
  const body = new URLSearchParams({ Version: "2011-06-15", ...params }).toString();
  return rawRequest(`${endpoint}/`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", ...headers },
    body,
  });
}

/** Error code of an STS XML error body. */
export function errorCode(body: string): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
}

/** Text of the first `<Name>` element. */
export function xmlText(body: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];
}

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Signs a Query POST with SigV4 like an SDK would; returns the headers and the body. */
export async function signQuery(
  endpoint: string,
  params: Record<string, string>,
  credentials: SigningCredentials,
  options: { region?: string; service?: string; signingDate?: Date; payloadHashHeader?: boolean } = {},
): Promise<{ headers: Record<string, string>; body: string }> {
  const url = new URL(endpoint);
  const body = new URLSearchParams({ Version: "2011-06-15", ...params }).toString();
  const signer = new SignatureV4({
    credentials,
    region: options.region ?? "us-east-1",
    service: options.service ?? "sts",
    sha256: Hash.bind(null, "sha256"),
    applyChecksum: options.payloadHashHeader ?? true,
  });
  const signed = await signer.sign(
    new HttpRequest({
      method: "POST",
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: "/",
      headers: { host: url.host, "content-type": "application/x-www-form-urlencoded; charset=utf-8" },
      body,
    }),
    options.signingDate ? { signingDate: options.signingDate } : {},
  );
  return { headers: signed.headers, body };
}

/** Sends what {@link signQuery} produced, optionally with a different body. */
export function sendSigned(endpoint: string, signed: { headers: Record<string, string>; body: string }, body = signed.body): Promise<RawResponse> {
  const headers = { ...signed.headers };
  delete headers.host;
  return rawRequest(`${endpoint}/`, { method: "POST", headers, body });
}
