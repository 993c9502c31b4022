import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { IssuedCredentials } from "../local-sts/issued-credentials.js";
import { startLocalSts, type LocalSts } from "../local-sts/local-sts.js";
import type { ReceivedRequest } from "../local-sts/sigv4-verifier.js";
import { verifySignedRequest } from "./verify-signed-request.js";

const START = Date.UTC(2026, 10, 27, 13, 0, 0);
type Signing = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

/** A request signed like the OpenSearch client signs it (body hash header, host without port). */
async function signed(signing: Signing, o: { body?: string; service?: string; at?: number } = {}): Promise<ReceivedRequest> {
  const body = o.body ?? '{"title":"Dune"}';
  const signer = new SignatureV4({ credentials: signing, region: "us-east-1", service: o.service ?? "es", sha256: Hash.bind(null, "sha256") });
  const request = await signer.sign(
    new HttpRequest({ method: "PUT", protocol: "http:", hostname: "127.0.0.1", path: "/books/_doc/1", headers: { host: "127.0.0.1", "content-type": "application/json" }, body }),
    { signingDate: new Date(o.at ?? START) },
  );
  const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { method: "PUT", url: "/books/_doc/1", headers, body };
}

describe("verifySignedRequest", () => {
  let sts: LocalSts;
  let set: IssuedCredentials;
  let clock = START;
  const check = (request: ReceivedRequest) => verifySignedRequest(request, { sts, service: ["es", "aoss"], now: () => clock });
  const signingOf = (s: IssuedCredentials): Signing => ({ accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey, sessionToken: s.sessionToken });

  beforeAll(async () => {
    sts = await startLocalSts();
    vi.useFakeTimers({ toFake: ["Date"], now: START });
    set = sts.issueCredentials({ roleArn: "arn:aws:iam::111122223333:role/search", lifetimeSeconds: 600 });
    vi.useRealTimers();
  });
  afterAll(() => sts.close());

  it("accepts a request signed with an issued set, valid until the set expires", async () => {
    clock = START + 1_000;
    const verdict = await check(await signed(signingOf(set)));
    expect(verdict).toMatchObject({ ok: true, accessKeyId: set.accessKeyId, service: "es", validUntil: new Date(START + 600_000) });
  });

  it.each<[string, () => Promise<ReceivedRequest>, number, string]>([
    ["a body changed after signing", async () => ({ ...(await signed(signingOf(set))), body: '{"title":"tampered"}' }), 0, "bad-signature"],
    ["a header changed after signing", async () => { const r = await signed(signingOf(set)); return { ...r, headers: { ...r.headers, "content-type": "text/plain" } }; }, 0, "bad-signature"],
    ["a signature 16 minutes old", () => signed(signingOf(set)), 16 * 60_000, "token-expired"],
    ["a signature 16 minutes ahead", () => signed(signingOf(set), { at: START + 16 * 60_000 }), 0, "not-yet-valid"],
    ["a set expired since", () => signed(signingOf(set), { at: START + 600_000 }), 600_000, "credentials-expired"],
    ["another service", () => signed(signingOf(set), { service: "s3" }), 0, "wrong-service"],
    ["no session token", () => signed({ accessKeyId: set.accessKeyId, secretAccessKey: set.secretAccessKey }), 0, "bad-session-token"],
    ["no Authorization header", async () => ({ method: "GET", url: "/", headers: {}, body: "" }), 0, "malformed"],
  ])("refuses %s", async (_name, make, offset, reason) => {
    const request = await make();
    clock = START + offset;
    expect(await check(request)).toMatchObject({ ok: false, reason });
  });
});
