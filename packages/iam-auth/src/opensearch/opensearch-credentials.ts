// OpenSearch's AwsSigv4Signer asks its `getCredentials` whenever it holds no set or one close to
// expiry, once per waiting request: the documented `() => defaultProvider()()` builds a chain (and
// calls STS or IMDS) per call. Here every call is one cached read of the shared engine.
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";
import { fromWebIdentity } from "@irsa/web-identity";
import { IamAuthConfigurationError } from "../errors.js";
import { peerModule, type PeerLoader } from "../peer-loader.js";
import { signingRegion } from "../connections/options.js";
import { checkKnownOptions, optionalFunction } from "../init-checks.js";

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
  checkKnownOptions(helper, init, ["credentials"]);
  const provider = optionalFunction<AwsCredentialIdentityProvider>(helper, "credentials", init.credentials, "a credential provider") ?? fromWebIdentity();
  return () => provider();
}

/** Options of {@link createOpenSearchSigner}. */
export interface OpenSearchSignerInit extends OpenSearchCredentialsInit {
  /** The domain's region. Default `AWS_REGION`, then `AWS_DEFAULT_REGION`. */
  region?: string;
  /** `es` (managed domains, default) or `aoss` (OpenSearch Serverless). */
  service?: "es" | "aoss";
  /** Loads `@opensearch-project/opensearch/aws` (a {@link PeerLoader}; tests simulate a missing peer). Default a dynamic `import()`. */
  loadPeer?: PeerLoader;
}

interface OpenSearchAwsModule {
  AwsSigv4Signer(options: { region: string; service: string; getCredentials: () => Promise<AwsCredentialIdentity> }): object;
}

/**
 * `AwsSigv4Signer({ region, service, getCredentials })` of the installed OpenSearch client, over
 * the shared engine: spread it into `new Client({ node, ...signer })`. The client is loaded on
 * first use; when it is not installed, a `PeerDependencyError` names it.
 *
 * @example
 * ```ts
 * const client = new Client({ node, ...(await createOpenSearchSigner({ region: "us-east-1", service: "aoss" })) });
 * ```
 */
export async function createOpenSearchSigner(init: OpenSearchSignerInit = {}): Promise<object> {
  const helper = "createOpenSearchSigner";
  checkKnownOptions(helper, init, ["credentials", "region", "service", "loadPeer"]);
  const region = signingRegion(helper, init.region);
  const service = init.service ?? "es";
  if (service !== "es" && service !== "aoss") {
    throw new IamAuthConfigurationError(`${helper}: service is 'es' (managed domains) or 'aoss' (OpenSearch Serverless).`, { code: "InvalidOption", option: "service" });
  }
  const loader = optionalFunction<PeerLoader>(helper, "loadPeer", init.loadPeer, "a module loader");
  const load = peerModule<OpenSearchAwsModule>({ packageName: OPENSEARCH_CLIENT_PACKAGE, specifier: `${OPENSEARCH_CLIENT_PACKAGE}/aws`, neededBy: helper, loader });
  const getCredentials = createOpenSearchCredentials(init.credentials !== undefined ? { credentials: init.credentials } : {});
  const { AwsSigv4Signer } = await load();
  return AwsSigv4Signer({ region, service, getCredentials });
}
