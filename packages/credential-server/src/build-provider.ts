import { fromWebIdentityChain, type CachedCredentialProvider, type FromWebIdentityChainInit } from "@irsa/web-identity";

/**
 * The provider behind both commands: the web-identity chain (IRSA, then container credentials
 * such as EKS Pod Identity, then IMDS) under one refresh engine. The sidecar's own container must
 * not carry `AWS_CONTAINER_CREDENTIALS_*` pointing at the sidecar itself.
 *
 * IRSA comes first here, not the SDK's order: this tool exists to hand out the pod's role, and a
 * shared-config profile whose `credential_process` is this very command would otherwise call
 * itself (every AWS CLI command would spawn us, and we it, until the refresh deadline).
 */
export function buildProvider(init: FromWebIdentityChainInit): CachedCredentialProvider {
  return fromWebIdentityChain({ precedence: "irsa-first", ...init });
}
