import { fromWebIdentityChain, type CachedCredentialProvider, type FromWebIdentityChainInit } from "@irsa/web-identity";

/**
 * The provider behind both commands: the web-identity chain (IRSA, then container credentials
 * such as EKS Pod Identity, then IMDS) under one refresh engine. The sidecar's own container must
 * not carry `AWS_CONTAINER_CREDENTIALS_*` pointing at the sidecar itself.
 */
export function buildProvider(init: FromWebIdentityChainInit): CachedCredentialProvider {
  return fromWebIdentityChain(init);
}
