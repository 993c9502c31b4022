// MSK and OpenSearch on the shared engine, with the real clients' own code: kafkajs authenticating
// through the local MSK broker with tokens of aws-msk-iam-sasl-signer-js over our provider, and
// @opensearch-project/opensearch's AwsSigv4Signer against the SigV4-verifying local OpenSearch.
import { startLocalMskBroker, startLocalOpenSearch, verifyMskAuthToken, type IrsaWorld } from "@irsa/testing";
import { createMskOAuthBearerProvider, createOpenSearchCredentials, createOpenSearchSigner } from "@irsa/iam-auth";
import type { WebIdentityCredentialProvider } from "@irsa/web-identity";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import { Kafka, logLevel } from "kafkajs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { assumeCalls, HOUR, MINUTE, startLongWorld, worldCredentials } from "./iam-connections-support.js";

let world: IrsaWorld;
let credentials: WebIdentityCredentialProvider;
const cleanups: (() => unknown)[] = [];

beforeEach(async () => {
  world = await startLongWorld();
  credentials = worldCredentials(world);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  credentials.close();
  vi.useRealTimers();
  await world.close();
});

describe("MSK: createMskOAuthBearerProvider", () => {
  it("over 48 simulated hours every token has its full 15 minutes and the principal never changes", async () => {
    // The broker reads the (fake) clock at call time.
    const broker = await startLocalMskBroker({ sts: world.sts, now: () => Date.now() });
    cleanups.push(() => broker.close());
    // Only the clock is fake: kafkajs' sockets and timers stay real.
    vi.useFakeTimers({ toFake: ["Date"] });
    const oauthBearerProvider = createMskOAuthBearerProvider({ region: world.region, credentials });
    cleanups.push(() => oauthBearerProvider.close());
    const connectKafkajs = async () => {
      const kafka = new Kafka({ brokers: [broker.broker], sasl: { mechanism: "oauthbearer", oauthBearerProvider }, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      try {
        await admin.connect();
      } finally {
        await admin.disconnect();
      }
    };
    await connectKafkajs();
    const lifetimes = new Set<number>();
    const principals = new Set<string>();
    let tokensChecked = 0;
    for (let elapsed = 0; elapsed <= 48 * HOUR; elapsed += 5 * MINUTE) {
      if (elapsed > 0) vi.setSystemTime(Date.now() + 5 * MINUTE);
      const { value } = await oauthBearerProvider();
      const verdict = await verifyMskAuthToken(value, { sts: world.sts, region: world.region });
      expect(verdict.ok).toBe(true);
      if (!verdict.ok) continue;
      tokensChecked += 1;
      lifetimes.add(verdict.validUntil.getTime() - verdict.signedAt.getTime());
      principals.add(verdict.assumedRoleArn);
    }
    await connectKafkajs();
    expect(tokensChecked).toBe(48 * 12 + 1);
    expect([...lifetimes]).toEqual([15 * MINUTE]);
    expect(principals.size).toBe(1);
    expect(broker.logins.map((l) => l.accepted)).toEqual([true, true]);
    expect(new Set(broker.logins.map((l) => l.user))).toEqual(principals);
    if (process.env.IRSA_PRINT_FIGURES) console.log("MSK 48 h:", { tokens: tokensChecked, sts: assumeCalls(world), principal: [...principals][0] });
    // About one set per 40 usable minutes of a 1-hour set; never a call per token.
    expect(assumeCalls(world)).toBeLessThanOrEqual(48 * 2 + 1);
  });
});

describe("OpenSearch: createOpenSearchCredentials", () => {
  it("1,000 parallel requests on a fresh set: 0 STS calls", async () => {
    const search = await startLocalOpenSearch({ sts: world.sts, region: world.region });
    cleanups.push(() => search.close());
    await credentials(); // the fresh set
    const before = world.sts.calls();
    const client = new Client({ node: search.endpoint, maxRetries: 0, ...AwsSigv4Signer({ region: world.region, service: "es", getCredentials: createOpenSearchCredentials({ credentials }) }) });
    cleanups.push(() => client.close());
    const answers = await Promise.all(Array.from({ length: 1_000 }, () => client.info()));
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(world.sts.calls() - before).toBe(0);
    expect(search.stats).toEqual({ accepted: 1_000, refused: 0 });
  });

  it("createOpenSearchSigner loads the installed client's signer: 1,000 parallel requests, 1 STS call in all from cold", async () => {
    const search = await startLocalOpenSearch({ sts: world.sts, region: world.region });
    cleanups.push(() => search.close());
    const client = new Client({ node: search.endpoint, maxRetries: 0, ...(await createOpenSearchSigner({ region: world.region, credentials })) });
    cleanups.push(() => client.close());
    await Promise.all(Array.from({ length: 1_000 }, (_, i) => client.index({ index: "books", id: String(i), body: { n: i } })));
    expect(world.sts.calls()).toBe(1);
    expect(search.stats).toEqual({ accepted: 1_000, refused: 0 });
  });
});
