import { connect, type Socket } from "node:net";
import { Hash } from "@smithy/hash-node";
import { HttpRequest } from "@smithy/protocol-http";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IssuedCredentials } from "../local-sts/issued-credentials.js";
import { startLocalSts, type LocalSts } from "../local-sts/local-sts.js";
import { KafkaWriter } from "./kafka-wire.js";
import { startLocalMskBroker, type LocalMskBroker } from "./local-msk-broker.js";

const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** An MSK token in the signer library's format: base64url of the presigned kafka-cluster:Connect URL. */
async function mskToken(set: IssuedCredentials, signingDate: Date): Promise<string> {
  const host = "kafka.us-east-1.amazonaws.com";
  const signer = new SignatureV4({ credentials: set, region: "us-east-1", service: "kafka-cluster", sha256: Hash.bind(null, "sha256") });
  const presigned = await signer.presign(new HttpRequest({ method: "GET", protocol: "https:", hostname: host, path: "/", query: { Action: "kafka-cluster:Connect" }, headers: { host } }), { expiresIn: 900, signingDate });
  const query = Object.entries(presigned.query ?? {}).map(([k, v]) => `${escape(k)}=${escape(String(v))}`).join("&");
  return Buffer.from(`https://${host}/?${query}&User-Agent=test`).toString("base64url");
}

/** Sends one request (header v1) and reads one response body. */
function exchange(socket: Socket, apiKey: number, version: number, body: Buffer): Promise<Buffer> {
  const header = new KafkaWriter().int16(apiKey).int16(version).int32(7).string("raw").toBuffer();
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= 4 && got.length >= 4 + got.readInt32BE(0)) {
        socket.off("data", onData);
        expect(got.readInt32BE(4)).toBe(7);
        resolve(got.subarray(8, 4 + got.readInt32BE(0)));
      }
    };
    socket.on("data", onData).once("error", reject);
    socket.write(Buffer.concat([size, header, body]));
  });
}

describe("startLocalMskBroker on the wire", () => {
  let sts: LocalSts;
  let broker: LocalMskBroker;
  let clock = 0;
  beforeAll(async () => {
    sts = await startLocalSts();
    broker = await startLocalMskBroker({ sts, now: () => clock });
  });
  afterAll(async () => {
    await broker.close();
    await sts.close();
  });

  it("gives an accepted session the lifetime left to its token or its signing set, whichever ends first", async () => {
    const set = sts.issueCredentials({ roleArn: "arn:aws:iam::111122223333:role/s", lifetimeSeconds: 600 });
    const signedAt = new Date(Math.floor(Date.now() / 1000) * 1000);
    clock = signedAt.getTime() + 60_000;
    const socket = connect(broker.port, "127.0.0.1");
    try {
      const versions = await exchange(socket, 18, 2, Buffer.alloc(0));
      expect(versions.readInt16BE(0)).toBe(0);
      const handshake = await exchange(socket, 17, 1, new KafkaWriter().string("OAUTHBEARER").toBuffer());
      expect(handshake.readInt16BE(0)).toBe(0);
      const message = `n,,\x01auth=Bearer ${await mskToken(set, signedAt)}\x01\x01`;
      const auth = await exchange(socket, 36, 1, new KafkaWriter().bytes(Buffer.from(message)).toBuffer());
      expect(auth.readInt16BE(0)).toBe(0);
      const lifetime = Number(auth.readBigInt64BE(auth.length - 8));
      expect(lifetime).toBe(set.expiration.getTime() - clock);
      expect(lifetime).toBeLessThan(600_000);
    } finally {
      socket.destroy();
    }
  });

  it("refuses a client-first message that is not OAUTHBEARER's, with error 58", async () => {
    const socket = connect(broker.port, "127.0.0.1");
    try {
      const auth = await exchange(socket, 36, 0, new KafkaWriter().bytes(Buffer.from("n,,\x01user=x\x01\x01")).toBuffer());
      expect(auth.readInt16BE(0)).toBe(58);
      expect(broker.logins.at(-1)).toMatchObject({ accepted: false, reason: "malformed" });
    } finally {
      socket.destroy();
    }
  });
});
