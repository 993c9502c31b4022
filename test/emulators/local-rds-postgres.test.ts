// The RDS-like Postgres endpoint of @irsa/testing with real pg and postgres.js clients logging in
// with tokens from the real @aws-sdk/rds-signer, signed by sets a real local STS issued.
import { inspect } from "node:util";
import { Signer } from "@aws-sdk/rds-signer";
import { startLocalRdsPostgres, startLocalSts, type IssuedCredentials, type LocalRdsPostgres, type LocalSts } from "@irsa/testing";
import pg from "pg";
import postgres from "postgres";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const ROLE = "arn:aws:iam::111122223333:role/db-client";
const REGION = "us-east-1";
let sts: LocalSts;
let db: LocalRdsPostgres;
let set: IssuedCredentials;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;

const token = (o: { user?: string; port?: number; hostname?: string; credentials?: IssuedCredentials } = {}) =>
  new Signer({ hostname: o.hostname ?? db.hostname, port: o.port ?? db.port, username: o.user ?? "app", region: REGION, credentials: o.credentials ?? set }).getAuthToken();

async function pgLogin(password: string | (() => Promise<string>), user = "app"): Promise<unknown> {
  const client = new pg.Client({ host: db.host, port: db.port, user, database: "postgres", password, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    return (await client.query("select 1 as one")).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function pgLoginQuery(sql: string): Promise<unknown> {
  const client = new pg.Client({ host: db.host, port: db.port, user: "app", database: "postgres", password: await token(), connectionTimeoutMillis: 5000, query_timeout: 5000 });
  try {
    await client.connect();
    return (await client.query(sql)).rows;
  } finally {
    await client.end().catch(() => undefined);
  }
}

beforeAll(async () => {
  sts = await startLocalSts();
  db = await startLocalRdsPostgres({ sts, now, region: REGION });
  set = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 600 });
}, 60_000);
afterAll(async () => {
  await db.close();
  await sts.close();
});
beforeEach(() => {
  offsetMs = 0;
  db.resetLogins();
});

describe("startLocalRdsPostgres", () => {
  it("logs pg.Client in with an RDS IAM token and runs a real query", async () => {
    expect(await pgLogin(() => token())).toEqual([{ one: 1 }]);
    expect(db.loginStats).toEqual({ accepted: 1, refused: 0, refusedBy: {} });
    expect(db.logins[0]).toMatchObject({ user: "app", accepted: true, accessKeyId: set.accessKeyId });
  });

  it("serves a pg.Pool of several connections, transactions kept apart", async () => {
    const pool = new pg.Pool({ host: db.host, port: db.port, user: "app", database: "postgres", password: () => token(), max: 2 });
    try {
      await pool.query("create table if not exists items (n int)");
      const inTx = (async () => {
        const c = await pool.connect();
        try {
          await c.query("begin");
          await c.query("insert into items values (1)");
          await c.query("rollback");
        } finally {
          c.release();
        }
      })();
      const counts = await Promise.all([0, 1, 2].map(() => pool.query<{ n: number }>("select count(*)::int as n from items")));
      await inTx;
      expect(counts.map((r) => r.rows[0]!.n)).toEqual([0, 0, 0]);
      expect((await pool.query("select $1::int + 1 as two", [1])).rows).toEqual([{ two: 2 }]);
      await expect(pool.query("select no_such_column")).rejects.toMatchObject({ code: "42703" });
      expect((await pool.query("select 3 as three")).rows).toEqual([{ three: 3 }]);
    } finally {
      await pool.end();
    }
    expect(db.loginStats).toMatchObject({ accepted: 2, refused: 0 });
  });

  it("rolls back and hands the engine on when a client vanishes inside a transaction", async () => {
    const quitter = new pg.Client({ host: db.host, port: db.port, user: "app", database: "postgres", password: () => token() });
    quitter.on("error", () => undefined);
    await quitter.connect();
    await quitter.query("create table if not exists orphans (n int)");
    await quitter.query("begin");
    await quitter.query("insert into orphans values (1)");
    // Gone without a word: the socket dies mid-transaction, holding the shared engine.
    (quitter as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    expect(await pgLoginQuery("select count(*)::int as n from orphans")).toEqual([{ n: 0 }]);
  });

  it("refuses a user not granted IAM login even with a valid token", async () => {
    const granted = await startLocalRdsPostgres({ sts, now, engine: db.engine, users: ["app"] });
    try {
      const login = async (user: string) => {
        const signer = new Signer({ hostname: granted.hostname, port: granted.port, username: user, region: REGION, credentials: set });
        const client = new pg.Client({ host: granted.host, port: granted.port, user, database: "postgres", password: await signer.getAuthToken() });
        await client.connect();
        await client.end();
      };
      await login("app");
      await expect(login("intruder")).rejects.toMatchObject({ code: "28P01", message: 'PAM authentication failed for user "intruder"' });
      expect(granted.loginStats).toEqual({ accepted: 1, refused: 1, refusedBy: { "wrong-user": 1 } });
    } finally {
      await granted.close();
    }
  });

  it("logs postgres.js in (extended protocol) with a token from a password function", async () => {
    const sql = postgres({ host: db.host, port: db.port, user: "app", database: "postgres", pass: () => token(), max: 1, connect_timeout: 5 });
    try {
      expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
      expect(await sql`select ${"x"}::text as v`).toEqual([{ v: "x" }]);
    } finally {
      await sql.end({ timeout: 1 });
    }
    expect(db.loginStats.accepted).toBe(1);
  });

  it.each<[string, () => Promise<string>, string, string]>([
    ["a token for another user", () => token({ user: "admin" }), "app", "wrong-user"],
    ["a token for another port", () => token({ port: 1 }), "app", "wrong-host"],
    ["a token for another host name", () => token({ hostname: "db.example.com" }), "app", "wrong-host"],
    ["a plain password", async () => "hunter2", "app", "malformed"],
    ["a token of a set the STS never issued", () => token({ credentials: { ...set, accessKeyId: "ASIAUNKNOWNUNKNOWN00" } as IssuedCredentials }), "app", "unknown-key"],
  ])("refuses %s with 28P01 like RDS", async (_name, make, user, reason) => {
    const password = await make();
    const error = (await pgLogin(password, user).catch((e: unknown) => e)) as { code?: string; message?: string };
    expect(error).toMatchObject({ code: "28P01", message: `PAM authentication failed for user "${user}"` });
    expect(db.loginStats).toEqual({ accepted: 0, refused: 1, refusedBy: { [reason]: 1 } });
    expect(JSON.stringify(db.logins) + inspect(db.logins)).not.toContain(password.slice(-64));
  });

  it("refuses a token once its signing set expired, and once its own 15 minutes passed", async () => {
    const shortSet = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 600 });
    const shortToken = await token({ credentials: shortSet });
    offsetMs = 599_000;
    expect(await pgLogin(shortToken)).toEqual([{ one: 1 }]);
    offsetMs = 600_000;
    await expect(pgLogin(shortToken)).rejects.toMatchObject({ code: "28P01" });
    const longSet = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 3600 });
    const longToken = await token({ credentials: longSet });
    offsetMs = 900_000;
    await expect(pgLogin(longToken)).rejects.toMatchObject({ code: "28P01" });
    expect(db.loginStats).toEqual({ accepted: 1, refused: 2, refusedBy: { "credentials-expired": 1, "token-expired": 1 } });
  });

  it("checks tokens for the host name it is told, and closes leaving nothing open", async () => {
    const named = await startLocalRdsPostgres({ sts, now, engine: db.engine, hostname: "mydb.cluster-abc.us-east-1.rds.amazonaws.com" });
    const signed = await new Signer({ hostname: named.hostname, port: named.port, username: "app", region: REGION, credentials: set }).getAuthToken();
    const client = new pg.Client({ host: named.host, port: named.port, user: "app", database: "postgres", password: signed });
    await client.connect();
    expect((await client.query("select 2 as two")).rows).toEqual([{ two: 2 }]);
    const ended = new Promise((resolve) => client.once("end", resolve));
    client.on("error", () => undefined);
    expect(named.openConnections).toBe(1);
    await named.close();
    await ended;
    expect(named.openConnections).toBe(0);
    await named.close();
  });
});
