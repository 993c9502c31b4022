import { PostgresConnection } from "pg-gateway";
import type { Socket } from "node:net";
import { LOOPBACK_HOST } from "../local-http-server.js";
import { LocalTcpServer } from "./local-tcp-server.js";
import { feedWholeMessages } from "./pg-message-feed.js";
import { LoginLog, withLoginView } from "./login-log.js";
import { SharedPgliteEngine, type PostgresEngine } from "./shared-pglite-engine.js";
import { checkRdsLogin, type LocalRdsEndpoint, type LocalRdsEndpointInit } from "./local-rds-endpoint.js";

/** Host name the tokens must be signed for when none is given. */
export const DEFAULT_RDS_TOKEN_HOSTNAME = LOOPBACK_HOST;

const PASSWORD_MESSAGE = 0x70; // 'p'
const TERMINATE_MESSAGE = 0x58; // 'X'

/** Options of {@link startLocalRdsPostgres}. */
export interface LocalRdsPostgresInit extends LocalRdsEndpointInit {
  /**
   * A PGlite engine to serve (shared by a suite: starting one costs seconds); it is not closed by
   * `close()`. Default: a new in-memory engine, closed by `close()`.
   */
  engine?: PostgresEngine;
}

/** A running RDS-like Postgres endpoint. */
export interface LocalRdsPostgres extends LocalRdsEndpoint {
  /** The Postgres engine behind the endpoint. */
  readonly engine: PostgresEngine;
  /** Stops listening, closes every connection and (unless given) the engine. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a Postgres endpoint on 127.0.0.1 (random port) that logs users in the way RDS IAM
 * database authentication does: it asks for a cleartext password and accepts only an IAM auth
 * token (as from `@aws-sdk/rds-signer`) signed by a set the local STS issued, for `connect` as the
 * login user on `hostname:port`, within the token's 15 minutes and the signing set's life. Else
 * `FATAL 28P01 PAM authentication failed for user "..."`. Behind it, a real Postgres (PGlite)
 * speaking the wire protocol through `pg-gateway`, so real `pg` and `postgres` clients run queries.
 * Connections share one engine; a connection keeps it for a whole transaction.
 *
 * @example
 * ```ts
 * const db = await startLocalRdsPostgres({ sts });
 * const signer = new Signer({ hostname: db.hostname, port: db.port, username: "app", region: "us-east-1", credentials });
 * const client = new pg.Client({ host: db.host, port: db.port, user: "app", password: () => signer.getAuthToken() });
 * ```
 */
export async function startLocalRdsPostgres(init: LocalRdsPostgresInit): Promise<LocalRdsPostgres> {
  const now = init.now ?? (() => Date.now());
  const hostname = init.hostname ?? DEFAULT_RDS_TOKEN_HOSTNAME;
  // Loaded on first use: the kit's other servers never pay for the Postgres engine.
  const engine: PostgresEngine = init.engine ?? (await (await import("@electric-sql/pglite")).PGlite.create());
  const shared = new SharedPgliteEngine(engine);
  const log = new LoginLog();
  const server: LocalTcpServer = await LocalTcpServer.start((socket) => serve(socket));

  async function login(connection: PostgresConnection, password: string): Promise<void> {
    const user = connection.clientInfo?.parameters.user ?? "";
    const accepted = await checkRdsLogin(init, log, { now, hostname, port: server.port }, user, password);
    if (!accepted) {
      connection.sendError({ severity: "FATAL", code: "28P01", message: `PAM authentication failed for user "${user}"` });
      connection.socket.end();
      return;
    }
    await connection.completeAuthentication();
  }

  function serve(socket: Socket): void {
    const session = {}; // this connection's key to the shared engine
    socket.once("close", () => void shared.end(session));
    const connection: PostgresConnection = new PostgresConnection(socket, {
      authMode: "cleartextPassword",
      serverVersion: "16.4",
      async onMessage(data, state) {
        try {
          if (!state.hasStarted) return false;
          if (!state.isAuthenticated) {
            if (data[0] !== PASSWORD_MESSAGE) return false;
            const text = Buffer.from(data.subarray(5));
            await login(connection, text.subarray(0, Math.max(0, text.indexOf(0))).toString("utf8"));
            return true;
          }
          if (data[0] === TERMINATE_MESSAGE) {
            socket.end();
            return true;
          }
          connection.sendData(await shared.run(session, data));
        } catch {
          connection.sendError({ severity: "FATAL", code: "XX000", message: "the local RDS Postgres failed to run the message" });
          socket.end();
        }
        return true;
      },
    });
    feedWholeMessages(socket, connection);
  }

  let closing: Promise<void> | undefined;
  return withLoginView(
    {
      host: LOOPBACK_HOST,
      port: server.port,
      hostname,
      engine,
      close() {
        closing ??= (async () => {
          await server.close();
          if (init.engine === undefined) await engine.close();
        })();
        return closing;
      },
    },
    log,
    server,
  );
}
