export { ProviderCredentials, toV2Credentials } from "./provider-credentials.js";
export type { V2CredentialsCallback } from "./provider-credentials.js";
export { WebIdentityCredentials } from "./web-identity-credentials.js";
export type { WebIdentityCredentialsInit } from "./web-identity-credentials.js";
export type { V2StsClientConfig } from "./v2-sts-config.js";
