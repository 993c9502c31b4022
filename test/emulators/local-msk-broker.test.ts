// The SASL-only MSK broker of @irsa/testing with real kafkajs authenticating with OAUTHBEARER and
// tokens from the real aws-msk-iam-sasl-signer-js, signed by sets a real local STS issued.
import { startLocalMskBroker, startLocalSts, type IssuedCredentials, type LocalMskBroker, type LocalSts } from "@irsa/testing";
import { generateAuthTokenFromCredentialsProvider } from "aws-msk-iam-sasl-signer-js";
import { Kafka, logLevel, type Admin } from "kafkajs";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

const ROLE = "arn:aws:iam::111122223333:role/stream-client";
let sts: LocalSts;
let msk: LocalMskBroker;
let offsetMs = 0;
const now = () => Date.now() + offsetMs;
let admins: Admin[] = [];

function admin(set: IssuedCredentials, region = "us-east-1"): Admin {
  const oauthBearerProvider = async () => {
    const { token } = await generateAuthTokenFromCredentialsProvider({ region, awsCredentialsProvider: async () => set });
    return { value: token };
  };
  const kafka = new Kafka({
    clientId: "emulator-test",
    brokers: [msk.broker],
    sasl: { mechanism: "oauthbearer", oauthBearerProvider },
    retry: { retries: 0 },
    connectionTimeout: 2000,
    logLevel: logLevel.NOTHING,
  });
  const a = kafka.admin();
  admins.push(a);
  return a;
}

beforeAll(async () => {
  sts = await startLocalSts();
  msk = await startLocalMskBroker({ sts, now });
});
afterAll(async () => {
  await msk.close();
  await sts.close();
});
beforeEach(() => {
  offsetMs = 0;
  msk.resetLogins();
});
afterEach(async () => {
  await Promise.all(admins.map((a) => a.disconnect()));
  admins = [];
});

describe("startLocalMskBroker", () => {
  it("authenticates kafkajs with an MSK IAM token (SASL OAUTHBEARER)", async () => {
    const set = sts.issueCredentials({ roleArn: ROLE });
    await admin(set).connect();
    expect(msk.loginStats).toEqual({ accepted: 1, refused: 0, refusedBy: {} });
    expect(msk.logins[0]).toMatchObject({ accepted: true, accessKeyId: set.accessKeyId, user: set.assumedRoleArn });
  });

  it.each<[string, () => Admin, string]>([
    ["a token for another region", () => admin(sts.issueCredentials({ roleArn: ROLE }), "eu-west-1"), "wrong-region"],
    ["a token of a set the STS never issued", () => admin({ ...sts.issueCredentials({ roleArn: ROLE }), accessKeyId: "ASIAUNKNOWNUNKNOWN00" } as IssuedCredentials), "unknown-key"],
    ["a token whose signing set has expired", () => {
      const set = sts.issueCredentials({ roleArn: ROLE, lifetimeSeconds: 900 });
      sts.expireCredentials(set.accessKeyId);
      offsetMs = 1_000;
      return admin({ ...set, expiration: new Date(Date.now() + 900_000) } as IssuedCredentials);
    }, "credentials-expired"],
  ])("refuses %s with SASL_AUTHENTICATION_FAILED", async (_name, make, reason) => {
    await expect(make().connect()).rejects.toMatchObject({ name: "KafkaJSSASLAuthenticationError" });
    expect(msk.logins).toMatchObject([{ accepted: false, reason }]);
  });

  it("refuses another SASL mechanism, and closes leaving nothing open", async () => {
    const other = await startLocalMskBroker({ sts, now });
    const kafka = new Kafka({ brokers: [other.broker], sasl: { mechanism: "plain", username: "u", password: "p" }, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
    const a = kafka.admin();
    await expect(a.connect()).rejects.toThrow(/does not support the requested SASL mechanism/);
    await a.disconnect();
    await other.close();
    expect(other.openConnections).toBe(0);
    expect(other.loginStats).toEqual({ accepted: 0, refused: 0, refusedBy: {} });
  });
});
