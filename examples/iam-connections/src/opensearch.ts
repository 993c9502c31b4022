// Amazon OpenSearch Service: the OpenSearch client's own AwsSigv4Signer, its getCredentials on the
// shared engine, against the local OpenSearch that verifies each SigV4 signature.
import { createOpenSearchCredentials } from "@irsa/iam-auth";
import { startLocalOpenSearch, type IrsaWorld } from "@irsa/testing";
import { Client } from "@opensearch-project/opensearch";
import { AwsSigv4Signer } from "@opensearch-project/opensearch/aws";
import type { WebIdentityCredentialProvider } from "@irsa/web-identity";

const REQUESTS = 200;

export async function openSearchExample(world: IrsaWorld, credentials: WebIdentityCredentialProvider, say: (line: string) => void): Promise<void> {
  const search = await startLocalOpenSearch({ sts: world.sts, region: world.region });
  const getCredentials = createOpenSearchCredentials({ credentials });
  const client = new Client({ node: search.endpoint, ...AwsSigv4Signer({ region: world.region, service: "es", getCredentials }) });
  try {
    const stsBefore = world.sts.calls();
    await Promise.all(Array.from({ length: REQUESTS }, (_, i) => client.index({ index: "books", id: String(i), body: { title: `Book ${i}` } })));
    say(`OpenSearch: ${REQUESTS} parallel signed requests accepted ${search.stats.accepted}, refused ${search.stats.refused}; STS calls: ${world.sts.calls() - stsBefore}`);
    if (search.stats.refused !== 0) throw new Error("the local OpenSearch refused a signature");
  } finally {
    await client.close();
    await search.close();
  }
}
