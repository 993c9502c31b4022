// Amazon MSK with IAM access control: kafkajs authenticates with SASL OAUTHBEARER through the local
// MSK broker, which verifies the token against the sets the local STS issued.
import { createMskOAuthBearerProvider } from "@irsa/iam-auth";
import { startLocalMskBroker, type IrsaWorld } from "@irsa/testing";
import type { WebIdentityCredentialProvider } from "@irsa/web-identity";
import { Kafka, logLevel } from "kafkajs";

export async function mskExample(world: IrsaWorld, credentials: WebIdentityCredentialProvider, say: (line: string) => void): Promise<void> {
  const broker = await startLocalMskBroker({ sts: world.sts, region: world.region });
  const oauthBearerProvider = createMskOAuthBearerProvider({ region: world.region, credentials });
  const kafka = new Kafka({ brokers: [broker.broker], sasl: { mechanism: "oauthbearer", oauthBearerProvider }, retry: { retries: 0 }, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const login = broker.logins.at(-1);
    say(`MSK: kafkajs authenticated (${login?.accepted === true ? "accepted" : "refused"}) as ${login?.user ?? "?"}`);
    if (login?.accepted !== true) throw new Error("the local MSK broker refused the token");
  } finally {
    await admin.disconnect();
    oauthBearerProvider.close();
    await broker.close();
  }
}
