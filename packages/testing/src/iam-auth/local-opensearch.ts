import type { IncomingMessage, ServerResponse } from "node:http";
import { LocalHttpServer, readBody } from "../local-http-server.js";
import { OpenSearchDocuments } from "./opensearch-documents.js";
import type { IamAuthRefusalReason } from "./verdict.js";
import type { IssuedCredentialsSource } from "./verify-presigned-request.js";
import { verifySignedRequest } from "./verify-signed-request.js";

/** Signing services the local OpenSearch accepts by default: managed domains and Serverless. */
export const OPENSEARCH_SIGNING_SERVICES: readonly string[] = ["es", "aoss"];

/** Options of {@link startLocalOpenSearch}. */
export interface LocalOpenSearchInit {
  /** The local STS whose issued sets sign valid requests. */
  sts: IssuedCredentialsSource;
  /** The domain's clock, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Signing region required; any when absent. */
  region?: string;
  /** Signing services accepted. Default `["es", "aoss"]`. */
  services?: readonly string[];
}

/** One request as the local OpenSearch saw it. No secret. */
export interface LocalOpenSearchRequest {
  /** When it was checked, on the emulator's clock (epoch ms). */
  readonly time: number;
  /** HTTP method. */
  readonly method: string;
  /** Path without the query. */
  readonly path: string;
  /** HTTP status answered. */
  readonly status: number;
  /** Access key id that signed it, when readable. */
  readonly accessKeyId?: string;
  /** Signing service of the request, when accepted. */
  readonly service?: string;
  /** Why it was refused (status 403). */
  readonly reason?: IamAuthRefusalReason;
}

/** A running SigV4-checking OpenSearch emulator. */
export interface LocalOpenSearch {
  /** `http://127.0.0.1:PORT`: the client's `node`. */
  readonly endpoint: string;
  /** Every request since start or `reset()`, oldest first. */
  readonly requests: readonly LocalOpenSearchRequest[];
  /** Requests accepted and refused since start or `reset()`. */
  readonly stats: { readonly accepted: number; readonly refused: number };
  /** Access key ids that signed accepted requests since start or `reset()`. */
  readonly signingKeys: ReadonlySet<string>;
  /** Number of documents stored. */
  readonly documentCount: number;
  /** Number of open client connections. */
  readonly openConnections: number;
  /** Forgets the request log and signing keys (documents stay). */
  reset(): void;
  /** Stops the server and closes every connection. Idempotent. */
  close(): Promise<void>;
}

/** What AWS answers for each refusal (403 with a `message`). */
function refusalMessage(reason: IamAuthRefusalReason): string {
  if (reason === "malformed") return "Missing Authentication Token";
  if (reason === "unknown-key" || reason === "bad-session-token") return "The security token included in the request is invalid.";
  if (reason === "credentials-expired") return "The security token included in the request is expired";
  if (reason === "token-expired" || reason === "not-yet-valid") return "Signature expired: the request is outside the allowed 15 minute window.";
  if (reason === "wrong-service" || reason === "wrong-region") return "Credential should be scoped to a valid region and service.";
  return "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.";
}

/**
 * Starts an OpenSearch emulator on 127.0.0.1 (random port) that checks every request's SigV4
 * header signature (services `es` and `aoss`) against the sets the local STS issued, like an
 * IAM-protected domain, and answers a few JSON endpoints: `GET /`, `PUT /INDEX/_doc/ID`,
 * `GET /INDEX/_doc/ID`, `GET|POST /_search`. For tests of `AwsSigv4Signer` from
 * `@opensearch-project/opensearch/aws`.
 *
 * @example
 * ```ts
 * const search = await startLocalOpenSearch({ sts });
 * const client = new Client({ node: search.endpoint, ...AwsSigv4Signer({ region: "us-east-1", service: "es", getCredentials }) });
 * ```
 */
export async function startLocalOpenSearch(init: LocalOpenSearchInit): Promise<LocalOpenSearch> {
  const now = init.now ?? Date.now;
  const documents = new OpenSearchDocuments();
  let requests: LocalOpenSearchRequest[] = [];
  let signingKeys = new Set<string>();

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const path = url.split("?")[0] ?? "/";
    const body = await readBody(req);
    const verdict = await verifySignedRequest(
      { method, url, headers: req.headers, body },
      { sts: init.sts, now, service: init.services ?? OPENSEARCH_SIGNING_SERVICES, ...(init.region !== undefined ? { region: init.region } : {}) },
    );
    const answer = verdict.ok ? documents.answer(method, path, body) : { status: 403, body: { message: refusalMessage(verdict.reason) } };
    if (verdict.ok) signingKeys.add(verdict.accessKeyId);
    const key = verdict.accessKeyId !== undefined ? { accessKeyId: verdict.accessKeyId } : {};
    requests.push({ time: now(), method, path, status: answer.status, ...key, ...(verdict.ok ? { service: verdict.service } : { reason: verdict.reason }) });
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { "content-type": "application/json; charset=UTF-8", "content-length": Buffer.byteLength(text) });
    res.end(method === "HEAD" ? undefined : text);
  };
  const server = await LocalHttpServer.start(handle);

  return {
    get endpoint() {
      return server.origin;
    },
    get requests() {
      return requests;
    },
    get stats() {
      const accepted = requests.filter((r) => r.reason === undefined).length;
      return { accepted, refused: requests.length - accepted };
    },
    get signingKeys() {
      return signingKeys;
    },
    get documentCount() {
      return documents.count;
    },
    get openConnections() {
      return server.openConnections;
    },
    reset() {
      requests = [];
      signingKeys = new Set();
    },
    close: () => server.close(),
  };
}
