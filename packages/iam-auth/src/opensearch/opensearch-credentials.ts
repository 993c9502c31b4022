// OpenSearch's AwsSigv4Signer asks its `getCredentials` whenever it holds no set or one close to
// expiry, once per waiting request: the documented `() => defaultProvider()()` builds a chain (and
// calls STS or IMDS) per call. Here every call is one cached read of the shared engine.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { fromWebIdentity } from "@irsa/web-identity";
import { IamAuthOptionError } from "../connections/errors.js";
import { importPeer, peerModule, type PeerLoader } from "../connections/load-peer.js";
import { functionOption, refuseUnknownOptions, signingRegion } from "../connections/options.js";

/** The peer package whose signer this feeds. */
export const OPENSEARCH_CLIENT_PACKAGE = "@opensearch-project/opensearch";

/** Options of {@link createOpenSearchCredentials}. */
export interface OpenSearchCredentialsInit {
  /** The provider to read. Default `fromWebIdentity()` (the shared engine). */
  credentials?: AwsCredentialIdentityProvider;
}

/**
 * `getCredentials` for `AwsSigv4Signer` of `@opensearch-project/opensearch`, on the shared engine.
 *
 * @example
 * ```ts
 * const client = new Client({ node, ...AwsSigv4Signer({ region, service: "es", getCredentials: createOpenSearchCredentials() }) });
 * ```
 */
export function createOpenSearchCredentials(init: OpenSearchCredentialsInit = {}): () => Promise<AwsCredentialIdentity> {
  const helper = "createOpenSearchCredentials";
  if (typeof init !== "object" || init === null) throw new IamAuthOptionError("InvalidOption", helper, `${helper}(init): init must be an options object.`);
  refuseUnknownOptions(helper, init, ["credentials"]);
  const provider = functionOption<AwsCredentialIdentityProvider | undefined>(helper, "credentials", init.credentials, undefined) ?? fromWebIdentity();
  return () => provider();
}

/** Options of {@link createOpenSearchSigner}. */
export interface OpenSearchSignerInit extends OpenSearchCredentialsInit {
  /** The domain's region. Default `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
  region?: string;
  /** `es` (managed domains, default) or `aoss` (OpenSearch Serverless). */
  service?: "es" | "aoss";
  /** Loads the client's `aws` module (tests simulate a missing peer). Default dynamic `import()`. */
  loadPeer?: PeerLoader;
}

interface OpenSearchAwsModule {
  AwsSigv4Signer(options: { region: string; service: string; getCredentials: () => Promise<AwsCredentialIdentity> }): object;
}

/**
 * `AwsSigv4Signer({ region, service, getCredentials })` of the installed OpenSearch client, over
 * the shared engine: spread it into `new Client({ node, ...signer })`.
 */
export async function createOpenSearchSigner(init: OpenSearchSignerInit = {}): Promise<object> {
  const helper = "createOpenSearchSigner";
  if (typeof init !== "object" || init === null) throw new IamAuthOptionError("InvalidOption", helper, `${helper}(init): init must be an options object.`);
  refuseUnknownOptions(helper, init, ["credentials", "region", "service", "loadPeer"]);
  const region = signingRegion(helper, init.region);
  const service = init.service ?? "es";
  if (service !== "es" && service !== "aoss") {
    throw new IamAuthOptionError("InvalidOption", `${helper}.service`, `${helper}: 'service' is 'es' or 'aoss' (got ${JSON.stringify(String(service))}).`);
  }
  const loader = functionOption<PeerLoader>(helper, "loadPeer", init.loadPeer, importPeer);
  const load = peerModule<OpenSearchAwsModule>(OPENSEARCH_CLIENT_PACKAGE, `${OPENSEARCH_CLIENT_PACKAGE}/aws`, "createOpenSearchSigner", loader);
  const getCredentials = createOpenSearchCredentials(init.credentials !== undefined ? { credentials: init.credentials } : {});
  const { AwsSigv4Signer } = await load();
  return AwsSigv4Signer({ region, service, getCredentials });
}
