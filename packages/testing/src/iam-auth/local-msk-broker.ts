import type { Socket } from "node:net";
import { LOOPBACK_HOST } from "../local-http-server.js";
import { KAFKA_API, KafkaRequestReader, kafkaResponse, KafkaWriter, readBytes, readString, type KafkaRequest } from "./kafka-wire.js";
import { LocalTcpServer } from "./local-tcp-server.js";
import { serveInOrder } from "./serve-in-order.js";
import { LoginLog, withLoginView, type LoginEndpointView, type LoginRecord } from "./login-log.js";
import { verifyMskAuthToken } from "./msk-auth-token.js";
import type { IssuedCredentialsSource } from "./verify-presigned-request.js";

/** The one SASL mechanism MSK IAM access control uses. */
export const MSK_SASL_MECHANISM = "OAUTHBEARER";

const UNSUPPORTED_SASL_MECHANISM = 33;
const UNSUPPORTED_VERSION = 35;
const SASL_AUTHENTICATION_FAILED = 58;
/** `n,[a=authzid],<SOH>auth=Bearer <token>[<SOH>key=value...]<SOH><SOH>` (RFC 7628). */
const CLIENT_FIRST_MESSAGE = /^n,[^,]*,\x01auth=Bearer ([^\x01]+)(?:\x01[^\x01]*)*\x01\x01$/;

/** Options of {@link startLocalMskBroker}. */
export interface LocalMskBrokerInit {
  /** The local STS whose issued sets sign valid tokens. */
  sts: IssuedCredentialsSource;
  /** The cluster's region: tokens must be signed for it. Default `"us-east-1"`. */
  region?: string;
  /** The broker's clock, epoch ms. Default `Date.now`. */
  now?: () => number;
}

/** A running broker that speaks just enough Kafka to authenticate a client with MSK IAM. */
export interface LocalMskBroker extends LoginEndpointView {
  /** `127.0.0.1:PORT`: the client's `brokers` entry. */
  readonly broker: string;
  /** The port chosen by the kernel. */
  readonly port: number;
  /** The region tokens must be signed for. */
  readonly region: string;
  /** Every SASL authentication, oldest first (no token recorded); `user` is the assumed-role ARN when accepted. */
  readonly logins: readonly LoginRecord[];
  /** Stops listening and closes every connection. Idempotent. */
  close(): Promise<void>;
}

function apiVersionsBody(version: number): Buffer {
  const supported: Array<[number, number, number]> = [
    [KAFKA_API.SaslHandshake, 0, 1],
    [KAFKA_API.ApiVersions, 0, 2],
    [KAFKA_API.SaslAuthenticate, 0, 1],
  ];
  const w = new KafkaWriter().int16(version > 2 ? UNSUPPORTED_VERSION : 0).int32(supported.length);
  for (const [key, min, max] of supported) w.int16(key).int16(min).int16(max);
  if (version >= 1 && version <= 2) w.int32(0); // throttle_time_ms
  return w.toBuffer();
}

/**
 * Starts a TCP server on 127.0.0.1 (random port) that speaks just enough of the Kafka protocol
 * (ApiVersions, SaslHandshake, SaslAuthenticate) for a client such as kafkajs to authenticate
 * with SASL OAUTHBEARER and an MSK IAM token (aws-msk-iam-sasl-signer-js), verified with
 * {@link verifyMskAuthToken}: a token that fails gets `SASL_AUTHENTICATION_FAILED` (58); one that
 * passes gets a session lifetime that ends when the token or its signing set does. No topics, no
 * metadata: `admin.connect()` / `producer.connect()` is the whole exchange.
 *
 * @example
 * ```ts
 * const msk = await startLocalMskBroker({ sts });
 * const kafka = new Kafka({ brokers: [msk.broker], sasl: { mechanism: "oauthbearer", oauthBearerProvider } });
 * await kafka.admin().connect();
 * ```
 */
export async function startLocalMskBroker(init: LocalMskBrokerInit): Promise<LocalMskBroker> {
  const now = init.now ?? (() => Date.now());
  const region = init.region ?? "us-east-1";
  const log = new LoginLog();
  const server = await LocalTcpServer.start((socket) => serve(socket));

  async function authenticate(body: Buffer, version: number): Promise<Buffer> {
    const message = readBytes(body, 0)?.toString("utf8") ?? "";
    const token = CLIENT_FIRST_MESSAGE.exec(message)?.[1];
    const verdict = token === undefined ? undefined : await verifyMskAuthToken(token, { sts: init.sts, region, now });
    const w = new KafkaWriter();
    if (verdict?.ok) {
      log.add({ time: now(), user: verdict.assumedRoleArn, accepted: true, accessKeyId: verdict.accessKeyId });
      w.int16(0).string(null).bytes(Buffer.alloc(0));
      if (version >= 1) w.int64(BigInt(Math.max(0, verdict.validUntil.getTime() - now())));
      return w.toBuffer();
    }
    const keyId = verdict?.accessKeyId !== undefined ? { accessKeyId: verdict.accessKeyId } : {};
    log.add({ time: now(), user: "", accepted: false, reason: verdict?.reason ?? "malformed", ...keyId });
    w.int16(SASL_AUTHENTICATION_FAILED).string("Access denied").bytes(Buffer.alloc(0));
    if (version >= 1) w.int64(0n);
    return w.toBuffer();
  }

  function serve(socket: Socket): void {
    const reader = new KafkaRequestReader();
    const handle = async (request: KafkaRequest): Promise<void> => {
      const answer = (body: Buffer) => socket.write(kafkaResponse(request.correlationId, body));
      if (request.apiKey === KAFKA_API.ApiVersions) return void answer(apiVersionsBody(request.apiVersion));
      if (request.apiKey === KAFKA_API.SaslHandshake) {
        const mechanism = readString(request.body, 0)?.value;
        const code = mechanism === MSK_SASL_MECHANISM ? 0 : UNSUPPORTED_SASL_MECHANISM;
        return void answer(new KafkaWriter().int16(code).int32(1).string(MSK_SASL_MECHANISM).toBuffer());
      }
      if (request.apiKey === KAFKA_API.SaslAuthenticate) {
        const body = await authenticate(request.body, request.apiVersion);
        answer(body);
        if (body.readInt16BE(0) !== 0) socket.end();
        return;
      }
      // Anything else is beyond this broker: close, as a broker does on a request it cannot serve.
      socket.destroy();
    };
    serveInOrder(socket, reader, handle);
  }

  return withLoginView(
    {
      broker: `${LOOPBACK_HOST}:${server.port}`,
      port: server.port,
      region,
      close: () => server.close(),
    },
    log,
    server,
  );
}
