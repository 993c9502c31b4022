// Real database clients through the RDS-like emulators of @irsa/testing, logging in with tokens
// from @irsa/iam-auth over a provider on the local IRSA world: a pg.Pool of 50 connections opened
// in the last minutes of a set, postgres.js running a query, mysql2 logging in with the cleartext
// plugin. The emulators check each token like RDS: signature against the sets the local STS
// issued, connect action, user, host:port, the token's expiry and the signing set's.
import { inspect } from "node:util";
import { createMysql2AuthPlugins, createPgPassword, createPostgresPassword, createRdsAuthTokenProvider } from "@irsa/iam-auth";
import { startIrsaWorld, startLocalRdsMysql, startLocalRdsPostgres, type IrsaWorld, type LocalRdsMysql, type LocalRdsPostgres } from "@irsa/testing";
import mysql from "mysql2/promise";
import pg from "pg";
import postgres from "postgres";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { stsCalls, trackedProvider } from "./iam-auth-support.js";

const MINUTE = 60_000;
const USER = "app";
let world: IrsaWorld;
let db: LocalRdsPostgres;
let mysqlDb: LocalRdsMysql;

beforeAll(async () => {
  world = await startIrsaWorld({ tokenTtlSeconds: 6 * 3600 });
  // The emulators read Date at each login, so they follow the fake clock too.
  db = await startLocalRdsPostgres({ sts: world.sts, region: world.region, now: () => Date.now() });
  mysqlDb = await startLocalRdsMysql({ sts: world.sts, now: () => Date.now() });
}, 60_000);
afterAll(async () => {
  await mysqlDb?.close();
  await db?.close();
  await world?.close();
});
afterEach(() => {
  vi.useRealTimers();
  db.resetLogins();
});

describe("pg.Pool through the RDS Postgres emulator", () => {
  it("50 connections opened in the last minutes of a set: 0 login failures, no STS call, nobody waits for STS", async () => {
    vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"], now: Date.now() });
    const { provider, settled } = trackedProvider(world);
    const tokens = createRdsAuthTokenProvider({ hostname: db.hostname, port: db.port, username: USER, region: world.region, credentials: provider });
    const pool = new pg.Pool({ host: db.host, port: db.port, user: USER, database: "postgres", password: createPgPassword(tokens), max: 50 });
    try {
      const first = await provider(); // the first fetch: the only wait for STS
      const firstExpiration = first.expiration!.getTime();
      // Fake time runs (a second a step, background refreshes ending in real time) to 4 minutes
      // before the first set expires: without the 16-minute horizon the engine would still be
      // serving that set, and every login would wait for STS.
      while (Date.now() < firstExpiration - 4 * MINUTE) {
        await vi.advanceTimersByTimeAsync(1_000);
        await settled();
      }
      // The logins run on real timers (pg and the engine behind the emulator), on the same Date.
      const at = Date.now();
      vi.useRealTimers();
      vi.useFakeTimers({ toFake: ["Date"], now: at });
      const callsBefore = stsCalls(world);
      const clients = await Promise.all(Array.from({ length: 50 }, () => pool.connect()));
      const rows = await Promise.all(clients.map((client) => client.query("select 1 as one")));
      for (const client of clients) client.release();
      expect(rows.every((result) => result.rows[0].one === 1)).toBe(true);
      expect(db.loginStats).toMatchObject({ accepted: 50, refused: 0 });
      expect(stsCalls(world) - callsBefore).toBeLessThanOrEqual(1);
      expect(provider.stats.blockedCalls).toBe(1); // the first fetch only
      expect(tokens.stats.tokensSigned).toBe(1); // one token for the 50 logins
      // The token was not signed by the set in its last minutes.
      expect(db.logins.every((login) => login.accessKeyId !== first.accessKeyId)).toBe(true);
    } finally {
      await pool.end();
      provider.close();
    }
  });
});

describe("postgres.js and mysql2", () => {
  it("postgres.js runs a real query through the emulator with createPostgresPassword", async () => {
    const { provider } = trackedProvider(world);
    const sql = postgres({ host: db.host, port: db.port, username: USER, database: "postgres", max: 2, password: createPostgresPassword({ hostname: db.hostname, port: db.port, username: USER, region: world.region, credentials: provider }) });
    try {
      const rows = await sql`select 40 + 2 as answer`;
      expect(rows[0]).toEqual({ answer: 42 });
      expect(db.loginStats).toMatchObject({ accepted: 1, refused: 0 });
    } finally {
      await sql.end({ timeout: 1 });
      provider.close();
    }
  });

  it("mysql2 logs in with createMysql2AuthPlugins (mysql_clear_password answered with the token) and runs SELECT 1", async () => {
    const { provider } = trackedProvider(world);
    const connection = await mysql.createConnection({
      host: mysqlDb.host,
      port: mysqlDb.port,
      user: USER,
      authPlugins: createMysql2AuthPlugins({ hostname: mysqlDb.hostname, port: mysqlDb.port, username: USER, region: world.region, credentials: provider }),
    });
    try {
      const [rows] = await connection.query("SELECT 1");
      expect(rows).toBeDefined();
      expect(mysqlDb.loginStats).toMatchObject({ accepted: 1, refused: 0 });
    } finally {
      await connection.end();
      provider.close();
    }
  });

  it("a token for another user is refused by the emulator (28P01), and nothing secret is printed by our objects or the error", async () => {
    const { provider } = trackedProvider(world);
    const tokens = createRdsAuthTokenProvider({ hostname: db.hostname, port: db.port, username: "someone-else", region: world.region, credentials: provider });
    const client = new pg.Client({ host: db.host, port: db.port, user: USER, database: "postgres", password: createPgPassword(tokens) });
    try {
      const error = await client.connect().catch((caught: unknown) => caught);
      expect(error).toMatchObject({ code: "28P01" });
      const token = await tokens();
      const set = await provider();
      const printed = [inspect(tokens, { showHidden: true, depth: 6 }), JSON.stringify(tokens), inspect(error, { depth: 6 }), String(error)].join("\n");
      for (const secret of [token, set.secretAccessKey, set.sessionToken!]) expect(printed).not.toContain(secret);
      expect(db.loginStats.refusedBy).toMatchObject({ "wrong-user": 1 });
    } finally {
      await client.end().catch(() => undefined);
      provider.close();
    }
  });
});
