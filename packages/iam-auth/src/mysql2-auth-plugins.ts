// mysql2's `authPlugins`: RDS for MySQL/MariaDB asks IAM users for `mysql_clear_password`.
// mysql2 3.x awaits what a plugin's handler returns (auth_switch.js: Promise.resolve), so the
// token is signed (or reused) on demand, not kept ready in advance.
import { tokenProviderOf, type RdsTokenSource } from "./token-source.js";

/** A mysql2 auth plugin: built per connection, its handler answers the server's auth switch. */
export type Mysql2AuthPlugin = (context: { connection: unknown; command: unknown }) => (pluginData: Buffer) => Promise<Buffer>;

/** What to pass as mysql2's `authPlugins`. */
export interface Mysql2AuthPlugins {
  /** mysql2 looks plugins up by the name the server asks for. */
  [pluginName: string]: Mysql2AuthPlugin;
  /** Answers the server's cleartext password request with an RDS IAM auth token. */
  mysql_clear_password: Mysql2AuthPlugin;
}

/**
 * `authPlugins` for mysql2 (3.x): logs in to RDS/Aurora MySQL with an RDS IAM auth token that
 * outlives the login (see {@link createRdsAuthTokenProvider}), sent as the cleartext password the
 * server asks for. Use TLS (`ssl`), as RDS requires for IAM users.
 *
 * @example
 * ```ts
 * const pool = mysql.createPool({ host, port: 3306, user: "app", ssl: { rejectUnauthorized: true },
 *   authPlugins: createMysql2AuthPlugins({ hostname: host, port: 3306, username: "app", region: "eu-west-1" }) });
 * ```
 */
export function createMysql2AuthPlugins(source: RdsTokenSource): Mysql2AuthPlugins {
  const tokens = tokenProviderOf(source);
  return {
    mysql_clear_password: () => async () => Buffer.from(`${await tokens()}\0`),
  };
}
