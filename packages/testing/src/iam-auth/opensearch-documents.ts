/** Version the local OpenSearch reports in `GET /`. */
export const LOCAL_OPENSEARCH_VERSION = "2.13.0";

/** An answer: status and JSON body. */
export interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
}

const SHARDS = { total: 1, successful: 1, failed: 0 };
const INDEX_NAME = /^[a-z0-9][a-z0-9._-]*$/;

/**
 * The few OpenSearch endpoints the local emulator answers, over an in-memory document store:
 * `GET /` (cluster info), `PUT|POST /INDEX/_doc/ID`, `GET /INDEX/_doc/ID`, and
 * `GET|POST /_search` or `/INDEX/_search` (match-all).
 */
export class OpenSearchDocuments {
  readonly #indices = new Map<string, Map<string, { source: unknown; version: number; seqNo: number }>>();
  #seqNo = 0;

  /** Number of documents stored, over all indices. */
  get count(): number {
    let n = 0;
    for (const docs of this.#indices.values()) n += docs.size;
    return n;
  }

  /** Answers one request (already authenticated). */
  answer(method: string, path: string, body: string): JsonAnswer {
    const parts = path.split("/").filter((p) => p !== "").map(decodeURIComponent);
    if (parts.length === 0 && (method === "GET" || method === "HEAD")) return { status: 200, body: this.#info() };
    if ((parts.length === 1 && parts[0] === "_search") || (parts.length === 2 && parts[1] === "_search")) {
      if (method === "GET" || method === "POST") return { status: 200, body: this.#search(parts.length === 2 ? parts[0] : undefined) };
    }
    if (parts.length === 3 && parts[1] === "_doc" && INDEX_NAME.test(parts[0]!)) {
      const [index, , id] = parts as [string, string, string];
      if (method === "PUT" || method === "POST") return this.#put(index, id, body);
      if (method === "GET") return this.#get(index, id);
    }
    return { status: 404, body: { error: { type: "local_unsupported", reason: `the local OpenSearch does not answer ${method} ${path}` }, status: 404 } };
  }

  #info(): unknown {
    return {
      name: "local-opensearch",
      cluster_name: "local:irsa",
      cluster_uuid: "local-irsa-cluster",
      version: { distribution: "opensearch", number: LOCAL_OPENSEARCH_VERSION, lucene_version: "9.10.0", minimum_wire_compatibility_version: "7.10.0", minimum_index_compatibility_version: "7.0.0" },
      tagline: "The OpenSearch Project: https://opensearch.org/",
    };
  }

  #put(index: string, id: string, body: string): JsonAnswer {
    let source: unknown;
    try {
      source = JSON.parse(body);
    } catch {
      return { status: 400, body: { error: { type: "mapper_parsing_exception", reason: "failed to parse" }, status: 400 } };
    }
    const docs = this.#indices.get(index) ?? new Map();
    this.#indices.set(index, docs);
    const previous = docs.get(id);
    const doc = { source, version: (previous?.version ?? 0) + 1, seqNo: this.#seqNo++ };
    docs.set(id, doc);
    return {
      status: previous ? 200 : 201,
      body: { _index: index, _id: id, _version: doc.version, result: previous ? "updated" : "created", _shards: SHARDS, _seq_no: doc.seqNo, _primary_term: 1 },
    };
  }

  #get(index: string, id: string): JsonAnswer {
    const doc = this.#indices.get(index)?.get(id);
    if (!doc) return { status: 404, body: { _index: index, _id: id, found: false } };
    return { status: 200, body: { _index: index, _id: id, _version: doc.version, _seq_no: doc.seqNo, _primary_term: 1, found: true, _source: doc.source } };
  }

  #search(index: string | undefined): unknown {
    const hits: unknown[] = [];
    for (const [name, docs] of this.#indices) {
      if (index !== undefined && name !== index) continue;
      for (const [id, doc] of docs) hits.push({ _index: name, _id: id, _score: 1, _source: doc.source });
    }
    return { took: 1, timed_out: false, _shards: SHARDS, hits: { total: { value: hits.length, relation: "eq" }, max_score: hits.length > 0 ? 1 : null, hits } };
  }
}
