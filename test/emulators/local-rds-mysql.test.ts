// The RDS-like MySQL endpoint of @irsa/testing with the real mysql2 client logging in through its
// mysql_clear_password plugin with tokens from the real @aws-sdk/rds-signer.
import { inspect } from "node:util";
import { Signer } from "@aws-sdk/rds-signer";
import { startLocalRdsMysql, startLocalSts, type IssuedCredentials, type LocalRdsMysql, type LocalSts } from "@irsa/testing";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const ROLE = "arn:aws:iam::111122223333:role/db-client";
let sts: LocalSts;
let db: LocalRdsMysql;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;

const token = (credentials: IssuedCredentials, user = "app") =>
  new Signer({ hostname: db.hostname, port: db.port, username: user, region: "us-east-1", credentials }).getAuthToken();

beforeAll(async () => {
  sts = await startLocalSts();
  db = await startLocalRdsMysql({ sts, now });
});
afterAll(async () => {
  await db.close();
  await sts.close();
});
beforeEach(() => {
  offsetMs = 0;
  db.resetLogins();
});

describe("startLocalRdsMysql", () => {
  it("logs mysql2 in with an IAM token over mysql_clear_password and answers SELECT 1", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const conn = await mysql.createConnection({ host: db.host, port: db.port, user: "app", password: await token(set), enableCleartextPlugin: true });
    try {
      const [rows] = await conn.query("SELECT 1");
      expect(rows).toEqual([{ 1: 1 }]);
      await conn.ping();
    } finally {
      await conn.end();
    }
    expect(db.loginStats).toEqual({ accepted: 1, refused: 0, refusedBy: {} });
  });

  it("takes the token from a custom mysql_clear_password plugin (how a password function plugs in)", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const conn = await mysql.createConnection({
      host: db.host,
      port: db.port,
      user: "app",
      authPlugins: { mysql_clear_password: () => async () => Buffer.from(`${await token(set)}\0`) },
    });
    await conn.end();
    expect(db.logins).toMatchObject([{ user: "app", accepted: true, accessKeyId: set.accessKeyId }]);
  });

  it("refuses a token for another user, and a token whose signing set expired, with 1045", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 600 });
    const login = async (password: string) => {
      const conn = await mysql.createConnection({ host: db.host, port: db.port, user: "app", password, enableCleartextPlugin: true });
      await conn.end();
    };
    const adminToken = await token(set, "admin");
    await expect(login(adminToken)).rejects.toMatchObject({ errno: 1045, code: "ER_ACCESS_DENIED_ERROR", sqlState: "28000" });
    const appToken = await token(set);
    offsetMs = 600_000;
    const error = await login(appToken).catch((e: unknown) => e);
    expect(error).toMatchObject({ errno: 1045, message: "Access denied for user 'app'@'127.0.0.1' (using password: YES)" });
    expect(db.loginStats).toEqual({ accepted: 0, refused: 2, refusedBy: { "wrong-user": 1, "credentials-expired": 1 } });
    expect(inspect(error) + JSON.stringify(db.logins)).not.toContain(appToken.slice(-64));
  });

  it("refuses a user not granted IAM login even with a valid token", async () => {
    const granted = await startLocalRdsMysql({ sts, now, users: ["app"] });
    const set = sts.issueCredentials({ roleArn: ROLE });
    const login = async (user: string) => {
      const password = await new Signer({ hostname: granted.hostname, port: granted.port, username: user, region: "us-east-1", credentials: set }).getAuthToken();
      await (await mysql.createConnection({ host: granted.host, port: granted.port, user, password, enableCleartextPlugin: true })).end();
    };
    try {
      await login("app");
      await expect(login("intruder")).rejects.toMatchObject({ errno: 1045 });
      expect(granted.loginStats).toEqual({ accepted: 1, refused: 1, refusedBy: { "wrong-user": 1 } });
    } finally {
      await granted.close();
    }
  });

  it("closes leaving no connection open", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    const other = await startLocalRdsMysql({ sts, now });
    const conn = await mysql.createConnection({ host: other.host, port: other.port, user: "app", password: await new Signer({ hostname: other.hostname, port: other.port, username: "app", region: "us-east-1", credentials: set }).getAuthToken(), enableCleartextPlugin: true });
    conn.on("error", () => undefined);
    expect(other.openConnections).toBe(1);
    await other.close();
    expect(other.openConnections).toBe(0);
    await expect(conn.query("SELECT 1")).rejects.toThrow();
    conn.destroy();
  });
});
