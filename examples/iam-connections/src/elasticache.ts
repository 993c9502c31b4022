// ElastiCache with IAM authentication: node-redis 5 and ioredis 5 against the local ElastiCache
// front, whose AUTH check verifies each token against the sets the local STS issued (like the
// service: the cache name, the user, the token's expiry and its signing set's life). Then a
// failover: every connection dropped at once, and the reconnects cost no STS call.
import { createIoredisIamAuth, createRedisCredentialsProvider } from "@irsa/iam-auth";
import { startLocalElastiCache, verifyElastiCacheAuthToken, type IrsaWorld } from "@irsa/testing";
import type { WebIdentityCredentialProvider } from "@irsa/web-identity";
import { Redis } from "ioredis";
import { createClient } from "redis";

const CACHE_NAME = "orders-cache";
const USER_ID = "app-user";
const CONNECTIONS = 50;

export async function elastiCacheExample(world: IrsaWorld, credentials: WebIdentityCredentialProvider, say: (line: string) => void): Promise<void> {
  const cache = await startLocalElastiCache({
    checkToken: async (user, token) => {
      const verdict = await verifyElastiCacheAuthToken(token, { sts: world.sts, cacheName: CACHE_NAME, user, region: world.region });
      return verdict.ok ? { ok: true } : { ok: false, reason: verdict.reason };
    },
  });
  const init = { cacheName: CACHE_NAME, userId: USER_ID, region: world.region, credentials };
  const credentialsProvider = createRedisCredentialsProvider(init);
  const ioredisAuth = createIoredisIamAuth(init);
  const clients = Array.from({ length: CONNECTIONS }, () => createClient({ url: cache.url, credentialsProvider }));
  const ioredisClient = new Redis({ host: cache.host, port: cache.port, ...(await ioredisAuth.redisOptions()) });
  // A failover closes sockets under the clients: they report it as an "error" event and reconnect.
  const failoverErrors: Error[] = [];
  for (const client of clients) client.on("error", (error: Error) => failoverErrors.push(error));
  ioredisClient.on("error", (error: Error) => failoverErrors.push(error));
  try {
    ioredisAuth.attach(ioredisClient);
    await Promise.all(clients.map((client) => client.connect()));
    await clients[0]!.set("greeting", "hello from node-redis");
    say(`ElastiCache: ${CONNECTIONS} node-redis connections and 1 ioredis connection authenticated as ${USER_ID}`);
    say(`ElastiCache: ioredis reads "${await ioredisClient.get("greeting")}"`);

    const stsBefore = world.sts.calls();
    const ready = Promise.all([...clients.map((c) => new Promise((r) => c.once("ready", r))), new Promise((r) => ioredisClient.once("ready", r))]);
    say(`ElastiCache: failover, ${cache.dropAllConnections()} connections dropped at once`);
    await ready;
    const pongs = await Promise.all(clients.map((client) => client.ping()));
    say(`ElastiCache: all back (${pongs.length} PONG + ioredis ${await ioredisClient.ping()}), STS calls for the reconnects: ${world.sts.calls() - stsBefore}`);
    say(`ElastiCache: ${cache.stats.authsAccepted} AUTHs accepted, ${cache.stats.authsRefused} refused; tokens signed: ${credentialsProvider.tokens.tokensSigned} + ${ioredisAuth.tokens.tokensSigned}`);
    if (cache.stats.authsRefused !== 0) throw new Error("the local ElastiCache refused a token");
  } finally {
    for (const client of clients) if (client.isOpen) client.destroy();
    ioredisClient.disconnect();
    credentialsProvider.close();
    ioredisAuth.close();
    await cache.close();
  }
}
