import type { Socket } from "node:net";
import { LOOPBACK_HOST } from "../local-http-server.js";
import { LocalTcpServer } from "./local-tcp-server.js";
import { serveInOrder } from "./serve-in-order.js";
import { LoginLog, withLoginView } from "./login-log.js";
import {
  authSwitchToClearPassword,
  clearPassword,
  errPacket,
  handshakeResponseUser,
  initialHandshake,
  MysqlPacketReader,
  okPacket,
  packet,
  singleIntegerResultSet,
  type MysqlPacket,
} from "./mysql-packets.js";
import { checkRdsLogin, type LocalRdsEndpoint, type LocalRdsEndpointInit } from "./local-rds-endpoint.js";

/** Server version the local MySQL announces. */
export const LOCAL_MYSQL_SERVER_VERSION = "8.0.36-local-rds";

const COM_QUIT = 0x01;
const COM_INIT_DB = 0x02;
const COM_QUERY = 0x03;
const COM_PING = 0x0e;
const SELECT_ONE = /^\s*select\s+1\s*;?\s*$/i;

/** Options of {@link startLocalRdsMysql}. */
export type LocalRdsMysqlInit = LocalRdsEndpointInit;

/** A running RDS-like MySQL endpoint (login and `SELECT 1` only). */
export type LocalRdsMysql = LocalRdsEndpoint;

/**
 * Starts a MySQL endpoint on 127.0.0.1 (random port) that logs users in like RDS IAM database
 * authentication: after the handshake it switches the client to `mysql_clear_password` and accepts
 * only an IAM auth token (as from `@aws-sdk/rds-signer`) that verifies against the local STS
 * (`connect`, `DBUser` = the user, `hostname:port`, token and signing-set expiry); else
 * `ER_ACCESS_DENIED_ERROR` (1045, 28000). A logged-in client may run `SELECT 1` and ping; no engine.
 *
 * @example
 * ```ts
 * const db = await startLocalRdsMysql({ sts });
 * const conn = await mysql.createConnection({ host: db.host, port: db.port, user: "app", password: token, enableCleartextPlugin: true });
 * ```
 */
export async function startLocalRdsMysql(init: LocalRdsMysqlInit): Promise<LocalRdsMysql> {
  const now = init.now ?? (() => Date.now());
  const hostname = init.hostname ?? LOOPBACK_HOST;
  const log = new LoginLog();
  let connectionIds = 0;
  const server: LocalTcpServer = await LocalTcpServer.start((socket) => serve(socket));

  const login = (user: string, token: string): Promise<boolean> => checkRdsLogin(init, log, { now, hostname, port: server.port }, user, token);

  function serve(socket: Socket): void {
    const reader = new MysqlPacketReader();
    let phase: "handshake" | "auth-switch" | "command" = "handshake";
    let user = "";
    const send = (sequence: number, payload: Buffer) => socket.write(packet(sequence, payload));

    const handle = async ({ sequence, payload }: MysqlPacket): Promise<void> => {
      if (phase === "handshake") {
        const name = handshakeResponseUser(payload);
        if (name === undefined) return void socket.end(packet(sequence + 1, errPacket(1043, "08S01", "Bad handshake")));
        user = name;
        phase = "auth-switch";
        return void send(sequence + 1, authSwitchToClearPassword());
      }
      if (phase === "auth-switch") {
        if (!(await login(user, clearPassword(payload)))) {
          return void socket.end(packet(sequence + 1, errPacket(1045, "28000", `Access denied for user '${user}'@'${LOOPBACK_HOST}' (using password: YES)`)));
        }
        phase = "command";
        return void send(sequence + 1, okPacket());
      }
      const command = payload[0];
      if (command === COM_QUIT) return void socket.end();
      if (command === COM_PING || command === COM_INIT_DB) return void send(1, okPacket());
      if (command === COM_QUERY && SELECT_ONE.test(payload.subarray(1).toString("utf8"))) {
        singleIntegerResultSet("1", 1).forEach((part, index) => send(index + 1, part));
        return;
      }
      send(1, errPacket(1235, "42000", "The local RDS MySQL answers only SELECT 1 and ping"));
    };

    socket.write(packet(0, initialHandshake((connectionIds += 1), LOCAL_MYSQL_SERVER_VERSION)));
    serveInOrder(socket, reader, handle);
  }

  return withLoginView(
    {
      host: LOOPBACK_HOST,
      port: server.port,
      hostname,
      close: () => server.close(),
    },
    log,
    server,
  );
}
