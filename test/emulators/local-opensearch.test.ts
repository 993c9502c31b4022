// The SigV4-checking OpenSearch emulator of @irsa/testing with the real OpenSearch client and its
// AwsSigv4Signer, signing with sets a real local STS issued.
import { inspect } from "node:util";
import { startLocalOpenSearch, startLocalSts, type IssuedCredentials, type LocalOpenSearch, type LocalSts } from "@irsa/testing";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const ROLE = "arn:aws:iam::111122223333:role/search-client";
let sts: LocalSts;
let search: LocalOpenSearch;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
const clients: Client[] = [];

function client(set: Pick<IssuedCredentials, "accessKeyId" | "secretAccessKey" | "sessionToken" | "expiration">, service: "es" | "aoss" = "es", region = "us-east-1"): Client {
  const c = new Client({
    node: search.endpoint,
    maxRetries: 0,
    ...AwsSigv4Signer({ region, service, getCredentials: async () => ({ accessKeyId: set.accessKeyId, secretAccessKey: set.secretAccessKey, sessionToken: set.sessionToken, expiration: set.expiration }) }),
  });
  clients.push(c);
  return c;
}

beforeAll(async () => {
  sts = await startLocalSts();
  search = await startLocalOpenSearch({ sts, now, region: "us-east-1" });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await search.close();
  await sts.close();
});
beforeEach(() => {
  offsetMs = 0;
  search.reset();
});

describe("startLocalOpenSearch", () => {
  it("serves info, index, get and search to a SigV4-signing client, counting keys", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const os = client(set);
    expect((await os.info()).body.version.distribution).toBe("opensearch");
    expect((await os.index({ index: "books", id: "1", body: { title: "Dune" }, refresh: true })).body).toMatchObject({ result: "created", _id: "1" });
    expect((await os.get({ index: "books", id: "1" })).body).toMatchObject({ found: true, _source: { title: "Dune" } });
    const hits = (await os.search({ index: "books", body: { query: { match_all: {} } } })).body.hits;
    expect(hits.total).toEqual({ value: 1, relation: "eq" });
    expect(search.stats).toEqual({ accepted: 4, refused: 0 });
    expect([...search.signingKeys]).toEqual([set.accessKeyId]);
    expect(search.requests.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual(["GET / 200", "PUT /books/_doc/1 200".replace("200", "201"), "GET /books/_doc/1 200", "POST /books/_search 200"]);
  });

  it("accepts OpenSearch Serverless (aoss) signatures too", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    await client(set, "aoss").search({ body: { query: { match_all: {} } } });
    expect(search.requests).toMatchObject([{ service: "aoss", status: 200 }]);
  });

  it("refuses requests once the signing set has expired (403, ExpiredToken message)", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 600 });
    const os = client(set);
    await os.info();
    // Ten minutes on: the signature is fresh (within the 15-minute window), the set is not.
    offsetMs = 600_000;
    await expect(os.info()).rejects.toMatchObject({ statusCode: 403, body: { message: "The security token included in the request is expired" } });
    expect(search.requests.map((r) => r.reason ?? "ok")).toEqual(["ok", "credentials-expired"]);
  });

  it.each<[string, () => Client, string]>([
    ["a key the STS never issued", () => client({ ...sts.issueCredentials({ roleArn: ROLE }), accessKeyId: "ASIAUNKNOWNUNKNOWN00" }), "unknown-key"],
    ["a forged session token", () => client({ ...sts.issueCredentials({ roleArn: ROLE }), sessionToken: "forged" }), "bad-session-token"],
    ["a wrong secret", () => client({ ...sts.issueCredentials({ roleArn: ROLE }), secretAccessKey: "x".repeat(40) }), "bad-signature"],
    ["another region", () => client(sts.issueCredentials({ roleArn: ROLE }), "es", "eu-west-1"), "wrong-region"],
  ])("refuses %s with 403", async (_name, make, reason) => {
    await expect(make().index({ index: "books", id: "2", body: { title: "x" } })).rejects.toMatchObject({ statusCode: 403 });
    expect(search.requests).toMatchObject([{ status: 403, reason }]);
    expect(search.stats).toEqual({ accepted: 0, refused: 1 });
  });

  it("refuses an unsigned request", async () => {
    const unsigned = await fetch(`${search.endpoint}/`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.json()).toEqual({ message: "Missing Authentication Token" });
    expect(search.requests.map((r) => r.reason)).toEqual(["malformed"]);
  });

  it("keeps no secret in its request log", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    await client(set).info();
    await client({ ...set, secretAccessKey: "y".repeat(40) }).info().catch(() => undefined);
    const shown = JSON.stringify(search.requests) + inspect(search.requests);
    for (const secret of [set.sessionToken.slice(0, 40), set.secretAccessKey]) expect(shown).not.toContain(secret);
    expect(search.requests.map((r) => r.reason ?? "ok")).toEqual(["ok", "bad-signature"]);
  });
});
