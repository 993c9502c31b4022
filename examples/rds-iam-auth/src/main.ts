// RDS/Aurora IAM database authentication on one machine, with no network beyond 127.0.0.1: the
// local IRSA world (OIDC issuer, token file, STS), an RDS-like Postgres endpoint that accepts only
// IAM tokens signed by sets that STS issued (checked like RDS: signature, connect action, user,
// host:port, the token's 15 minutes and the signing set's life), and a real pg.Pool whose password
// is a token from @aws-sdk/rds-signer over fromWebIdentity(), through @irsa/iam-auth.
import { createPgPassword, createRdsAuthTokenProvider } from "@irsa/iam-auth";
import { startIrsaWorld, startLocalRdsPostgres } from "@irsa/testing";
import { fromWebIdentity } from "@irsa/web-identity";
import pg from "pg";

const POOL_SIZE = 10;
const DB_USER = "app";

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  console.log("irsa-credentials: RDS IAM database authentication with a pg.Pool\n");
  const world = await startIrsaWorld();
  const db = await startLocalRdsPostgres({ sts: world.sts, region: world.region });
  console.log(`local STS         ${world.sts.endpoint}`);
  console.log(`RDS-like Postgres ${db.host}:${db.port} (tokens signed for ${db.hostname}:${db.port})`);

  // In a pod: fromWebIdentity() with no options reads AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE.
  const credentials = fromWebIdentity({
    roleArn: world.roleArn,
    webIdentityTokenFile: world.tokenFile.path,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
  });
  // One token provider for the pool: a token is reused while it has 10 minutes left, and it is
  // signed with a set that lives at least 16 more minutes, so no login ever meets a dead token.
  const tokens = createRdsAuthTokenProvider({ hostname: db.hostname, port: db.port, username: DB_USER, region: world.region, credentials });
  const pool = new pg.Pool({ host: db.host, port: db.port, user: DB_USER, database: "postgres", password: createPgPassword(tokens), max: POOL_SIZE });

  try {
    const clients = await Promise.all(Array.from({ length: POOL_SIZE }, () => pool.connect()));
    for (const client of clients) client.release();
    const result = await pool.query("select current_user as who, 6 * 7 as answer");
    console.log(`\nquery result     ${JSON.stringify(result.rows)}`);
    console.log(`logins           ${db.loginStats.accepted} accepted, ${db.loginStats.refused} refused (${POOL_SIZE} pooled connections)`);
    console.log(`tokens signed    ${tokens.stats.tokensSigned} (reused ${tokens.stats.tokensReused} times)`);
    console.log(`STS calls        ${world.sts.calls("AssumeRoleWithWebIdentity")} (AssumeRoleWithWebIdentity)`);
    if (db.loginStats.refused !== 0 || result.rows[0]?.answer !== 42) throw new Error("a login or the query failed");
  } finally {
    await pool.end();
    credentials.close();
    await db.close();
    await world.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
