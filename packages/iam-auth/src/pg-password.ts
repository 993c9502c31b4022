// The `password` of node-postgres: pg.Client and pg.Pool accept an async function, called for
// each new connection.
import { tokenProviderOf, type RdsTokenSource } from "./token-source.js";

/**
 * A `password` function for `pg.Client` and `pg.Pool` (node-postgres 8): each new connection logs
 * in with an RDS IAM auth token that outlives the login (see {@link createRdsAuthTokenProvider}).
 * Give it the provider's options, or a provider to share with other clients.
 *
 * @example
 * ```ts
 * const pool = new pg.Pool({ host, port: 5432, user: "app", ssl: true,
 *   password: createPgPassword({ hostname: host, port: 5432, username: "app", region: "eu-west-1" }) });
 * ```
 */
export function createPgPassword(source: RdsTokenSource): () => Promise<string> {
  const tokens = tokenProviderOf(source);
  return () => tokens();
}
