// The `password` of postgres.js: a function (it may return a promise), called for each connection.
import { tokenProviderOf, type RdsTokenSource } from "./token-source.js";

/**
 * A `password` function for postgres.js (`postgres(options)`, 3.x): each connection logs in with
 * an RDS IAM auth token that outlives the login (see {@link createRdsAuthTokenProvider}).
 *
 * @example
 * ```ts
 * const sql = postgres({ host, port: 5432, username: "app", ssl: "require",
 *   password: createPostgresPassword({ hostname: host, port: 5432, username: "app", region: "eu-west-1" }) });
 * ```
 */
export function createPostgresPassword(source: RdsTokenSource): () => Promise<string> {
  const tokens = tokenProviderOf(source);
  return () => tokens();
}
