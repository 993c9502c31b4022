/**
 * The migration guide's data: every option and variable of the AWS SDK's providers that users
 * arrive from, and what ours does with it. `differential.test.ts` runs each row that has a case
 * against the SDK's provider and ours in the local world and fails when the observed outcome is
 * not the row's status; `migration-guide.test.ts` keeps the README's table equal to this one.
 */
export type Status = "same" | "mapped" | "different";

export interface Row {
  /** The SDK entry point the row is about. */
  readonly from: "fromTokenFile" | "fromWebToken" | "fromNodeProviderChain" | "v2 TokenFileWebIdentityCredentials";
  /** The option, variable or shared-config key. */
  readonly setting: string;
  readonly status: Status;
  /** Ours, in a few words, and why when different. */
  readonly note: string;
  /** A differential case id in `differential.test.ts`, when the row is run there. */
  readonly caseId?: string;
}

export const ROWS: readonly Row[] = [
  { from: "fromTokenFile", setting: "AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE", status: "same", note: "same role, same token file", caseId: "env-irsa" },
  { from: "fromTokenFile", setting: "AWS_ROLE_SESSION_NAME / roleSessionName", status: "same", note: "sent as RoleSessionName", caseId: "session-name" },
  { from: "fromTokenFile", setting: "(no session name)", status: "different", note: "ours: `<host>-<8 hex>` stable per provider (CloudTrail shows the pod); SDK: aws-sdk-js-session-<ms>" },
  { from: "fromTokenFile", setting: "roleArn, webIdentityTokenFile", status: "same", note: "options win over the variables" },
  { from: "fromTokenFile", setting: "durationSeconds (also a numeric string)", status: "same", note: "900-43200 checked before calling STS", caseId: "duration-string" },
  { from: "fromTokenFile", setting: "policy, policyArns, providerId", status: "same", note: "sent as Policy, PolicyArns, ProviderId" },
  { from: "fromTokenFile", setting: "roleAssumerWithWebIdentity", status: "same", note: "called instead of STS, under our retries and cache", caseId: "role-assumer" },
  { from: "fromTokenFile", setting: "clientConfig.maxAttempts", status: "mapped", note: "= retry.maxAttempts (STS calls per refresh); a different retry.maxAttempts is refused", caseId: "max-attempts" },
  { from: "fromTokenFile", setting: "clientConfig.retryMode, retryStrategy", status: "different", note: "refused (ConfigurationError): our retry policy owns STS retries; use `retry`" },
  { from: "fromTokenFile", setting: "clientConfig (endpoint, requestHandler, ...)", status: "same", note: "given to the STS client we build" },
  { from: "fromTokenFile", setting: "clientPlugins", status: "same", note: "added to the STS client's middleware stack" },
  { from: "fromTokenFile", setting: "parentClientConfig", status: "same", note: "region, requestHandler, profile win over the calling client's" },
  { from: "fromTokenFile", setting: "callerClientConfig.region", status: "different", note: "ours: after AWS_REGION / AWS_DEFAULT_REGION / profile (the pod's region stays authoritative); SDK: before them. First caller decides." },
  { from: "fromTokenFile", setting: "callerClientConfig.requestHandler", status: "same", note: "carries the STS call when clientConfig has none; never closed by us" },
  { from: "fromTokenFile", setting: "unknown option", status: "different", note: "ConfigurationError naming it; SDK ignores it" },
  { from: "fromTokenFile", setting: "credential feature tags ($source)", status: "same", note: "k, T, h set with the SDK's setCredentialFeature", caseId: "feature-tags" },
  { from: "fromTokenFile", setting: "STS error (err.name, instanceof)", status: "different", note: "ours: StsRequestError with `code`, `$metadata`, and the SDK's exception as `cause`", caseId: "sts-error" },
  { from: "fromTokenFile", setting: "AWS_REGION unset, no profile, no caller", status: "same", note: "us-east-1 with one warning" },
  { from: "fromWebToken", setting: "webIdentityToken", status: "mapped", note: "fromWebIdentityToken({ webIdentityToken }), also an async function read per call", caseId: "web-token" },
  { from: "fromWebToken", setting: "roleArn (required)", status: "same", note: "ConfigurationError when missing (SDK: STS error)" },
  { from: "fromNodeProviderChain", setting: "AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY with IRSA", status: "same", note: 'the keys win (precedence "sdk", the default); "irsa-first" on request', caseId: "chain-env-keys" },
  { from: "fromNodeProviderChain", setting: "AWS_PROFILE with static keys / credential_process / SSO", status: "same", note: "the SDK's own fromIni" },
  { from: "fromNodeProviderChain", setting: "web-identity profile (role_arn, web_identity_token_file, role_session_name)", status: "same", note: "our web-identity source, after the IRSA variables" },
  { from: "fromNodeProviderChain", setting: "duration_seconds in a web-identity profile", status: "different", note: "ours honours it; the SDK's ini provider ignores it" },
  { from: "fromNodeProviderChain", setting: "AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, region in the profile", status: "same", note: "read with @smithy/core/config's loader" },
  { from: "fromNodeProviderChain", setting: "IRSA configured and failing", status: "different", note: "the error is final (never falls through to the node's IMDS role)" },
  { from: "v2 TokenFileWebIdentityCredentials", setting: "clientConfig.endpoint, region", status: "mapped", note: "new WebIdentityCredentials(init, clientConfig): clientConfig.endpoint, region", caseId: "v2-endpoint" },
  { from: "v2 TokenFileWebIdentityCredentials", setting: "httpOptions.timeout, connectTimeout, agent", status: "mapped", note: "retry.attemptTimeoutMs, requestHandler connectionTimeout / httpsAgent" },
  { from: "v2 TokenFileWebIdentityCredentials", setting: "httpOptions.proxy", status: "different", note: "refused: give a proxy agent as httpOptions.agent" },
  { from: "v2 TokenFileWebIdentityCredentials", setting: "maxRetries, retryDelayOptions.base", status: "mapped", note: "retry.maxAttempts = maxRetries + 1, retry.baseDelayMs" },
  { from: "v2 TokenFileWebIdentityCredentials", setting: "stsRegionalEndpoints", status: "different", note: '"regional" accepted; "legacy" refused (ours always regional)' },
  { from: "v2 TokenFileWebIdentityCredentials", setting: "params", status: "mapped", note: "RoleArn, RoleSessionName, DurationSeconds, Policy, PolicyArns, ProviderId; others refused" },
  { from: "v2 TokenFileWebIdentityCredentials", setting: "AWS_SDK_LOAD_CONFIG", status: "different", note: "not needed: the config file is always read, as in v3" },
  { from: "v2 TokenFileWebIdentityCredentials", setting: "InvalidIdentityToken retried", status: "same", note: "retried once with a fresh read of the file (after a short pause when the bytes are unchanged); the same bytes rejected twice are final", caseId: "v2-invalid-token-retry" },
];

/** The README table, one line per row. */
export function renderGuideTable(rows: readonly Row[] = ROWS): string {
  const lines = ["| From | Option or variable | Ours | Note |", "| --- | --- | --- | --- |"];
  for (const row of rows) lines.push(`| ${row.from} | ${row.setting} | ${row.status} | ${row.note.replaceAll("|", "\\|")} |`);
  return lines.join("\n");
}
