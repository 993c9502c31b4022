// The one place that imports @smithy/property-provider. That package is now a re-export of
// @smithy/core/config; keeping the import here makes a later switch a one-line change.
export { CredentialsProviderError, ProviderError } from "@smithy/property-provider";
