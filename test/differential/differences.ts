/**
 * The migration guide's data: every option, variable and shared-config setting of the AWS SDK
 * providers users arrive from, what ours does with it, and the differential cases that show it.
 * `differential.test.ts` runs every case of every row (the SDK's provider and ours, each in a
 * fresh process against the local world) and fails when what it sees is not the row's status;
 * `migration-guide.test.ts` keeps the README's table equal to this one.
 *
 * - same: the same identity (or error), the same STS calls, the same places reached.
 * - mapped: the same effect, given under another name.
 * - different: a deliberate difference, loud (an error naming the setting, or a warning) or
 *   documented here with why; each case asserts exactly what differs.
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
  /** The cases of `cases/` that show it (at least one). */
  readonly cases: readonly string[];
}

const T = "fromTokenFile" as const;
const W = "fromWebToken" as const;
const C = "fromNodeProviderChain" as const;
const V2 = "v2 TokenFileWebIdentityCredentials" as const;

export const ROWS: readonly Row[] = [
  { from: T, setting: "AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ENDPOINT_URL_STS", status: "same", note: "same role, same token file, same endpoint", cases: ["env-irsa"] },
  { from: T, setting: "AWS_ROLE_SESSION_NAME / roleSessionName", status: "same", note: "sent as RoleSessionName; the option wins", cases: ["session-name-env", "session-name-option"] },
  { from: T, setting: "(no session name)", status: "different", note: "ours: `<host>-<8 hex>`, stable per provider, so CloudTrail shows the pod; SDK: aws-sdk-js-session-<ms>", cases: ["no-session-name"] },
  { from: T, setting: "roleArn, webIdentityTokenFile", status: "same", note: "the options win over the variables", cases: ["options-over-variables"] },
  { from: T, setting: "durationSeconds (a number or a numeric string)", status: "same", note: "sent as DurationSeconds; 900-43200 checked before calling STS", cases: ["duration-string", "duration-number"] },
  { from: T, setting: "durationSeconds out of 900-43200", status: "different", note: "ConfigurationError naming the option and the range, before any call; the SDK sends it and STS answers ValidationError", cases: ["duration-out-of-range"] },
  { from: T, setting: "an invalid session name (AWS_ROLE_SESSION_NAME with a space)", status: "different", note: "ConfigurationError naming the variable, before any call; the SDK sends it and STS answers ValidationError", cases: ["session-name-invalid"] },
  { from: T, setting: "a token file that does not exist", status: "different", note: "both fail before STS; ours is a TokenFileError naming the variable and the volume mount (after a short wait for kubelet), the SDK's a bare ENOENT", cases: ["token-file-missing"] },
  { from: T, setting: "policy, policyArns, providerId", status: "same", note: "sent as Policy, PolicyArns, ProviderId", cases: ["policy-arns-provider-id"] },
  { from: T, setting: "roleAssumerWithWebIdentity", status: "same", note: "called instead of STS, under our retries and cache; the same feature tags", cases: ["role-assumer"] },
  { from: T, setting: "clientConfig.maxAttempts", status: "mapped", note: "= retry.maxAttempts (STS calls per refresh); a different retry.maxAttempts is refused", cases: ["max-attempts"] },
  { from: T, setting: "clientConfig.retryMode, retryStrategy", status: "different", note: "refused (ConfigurationError): our retry policy owns STS retries; use `retry`", cases: ["retry-mode"] },
  { from: T, setting: "clientConfig.endpoint, clientConfig.region", status: "same", note: "given to the STS client we build", cases: ["client-config-endpoint"] },
  { from: T, setting: "clientConfig.requestHandler (agents)", status: "same", note: "carries the STS call; a handler or agent you give stays yours (close() never destroys it)", cases: ["client-config-request-handler"] },
  { from: T, setting: "clientPlugins", status: "same", note: "added to the STS client's middleware stack", cases: ["client-plugins"] },
  { from: T, setting: "parentClientConfig (region, requestHandler, profile, userAgentAppId, logger)", status: "same", note: "each used where our clientConfig names none, as the SDK's role assumer: STS in that region", cases: ["parent-client-config-region"] },
  { from: T, setting: "userAgentAppId of parentClientConfig or of the calling client", status: "same", note: "the STS call's user agent carries the same app/ id", cases: ["parent-client-config-app-id", "caller-app-id"] },
  { from: T, setting: "logger", status: "same", note: "gets the provider's own debug lines (ours: prefixed [irsa-credentials], also info and warn), never the token", cases: ["init-logger"] },
  { from: T, setting: "logger of the calling client", status: "same", note: "becomes the STS client's logger, as in the SDK (the SDK's filters keep the token out)", cases: ["caller-logger"] },
  { from: T, setting: "calling client's region, with AWS_REGION set", status: "different", note: "ours: AWS_REGION (the pod's region stays authoritative), said once to the logger at info; SDK: the calling client's. First caller decides.", cases: ["caller-region-with-aws-region"] },
  { from: T, setting: "calling client's region, no AWS_REGION", status: "same", note: "STS in the calling client's region", cases: ["caller-region-alone"] },
  { from: T, setting: "calling client's requestHandler", status: "same", note: "carries the STS call when clientConfig has none; never closed by us", cases: ["caller-request-handler"] },
  { from: T, setting: "unknown option", status: "different", note: "ConfigurationError naming it (a typo never passes); the SDK ignores it", cases: ["unknown-option"] },
  { from: T, setting: "credential feature tags ($source, user agent m/)", status: "same", note: "k, T, h set with the SDK's setCredentialFeature: the calling client sends the same letters", cases: ["feature-tags"] },
  { from: T, setting: "STS error (err.name, instanceof)", status: "different", note: "ours: StsRequestError (message says what to fix) with the wire `code`, `$metadata`, and the SDK's exception as `cause`", cases: ["sts-error"] },
  { from: T, setting: "no region anywhere", status: "same", note: "us-east-1 with one warning", cases: ["no-region"] },
  { from: T, setting: "AWS_ENDPOINT_URL", status: "same", note: "the endpoint for every service, STS included", cases: ["aws-endpoint-url"] },
  { from: T, setting: "AWS_STS_REGIONAL_ENDPOINTS=legacy", status: "same", note: "the region's STS endpoint all the same, as v3's", cases: ["sts-regional-endpoints-legacy"] },
  { from: T, setting: "AWS_DEFAULT_REGION alone", status: "different", note: "ours calls STS in that region and warns once (IRSA_REGION_FROM_AWS_DEFAULT_REGION); the SDK ignores it (us-east-1)", cases: ["aws-default-region"] },
  { from: W, setting: "webIdentityToken", status: "mapped", note: "fromWebIdentityToken({ roleArn, webIdentityToken }): the same call with the same token (also an async function, read per call)", cases: ["web-token"] },
  { from: W, setting: "roleArn missing", status: "different", note: "ConfigurationError before any call; the SDK sends the call and STS answers ValidationError", cases: ["web-token-without-role"] },
  { from: C, setting: "AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (alone or with IRSA)", status: "same", note: 'the keys win (precedence "sdk", the default); "irsa-first" on request', cases: ["chain-env-keys-with-irsa", "chain-env-keys-alone"] },
  { from: C, setting: "IRSA variables", status: "same", note: "our web-identity source", cases: ["chain-irsa-alone"] },
  { from: C, setting: "AWS_PROFILE with static keys / credential_process / SSO", status: "same", note: "the SDK's own fromIni, before IRSA", cases: ["chain-profile-static-keys", "chain-profile-credential-process", "chain-profile-sso"] },
  { from: C, setting: "web-identity profile (role_arn, web_identity_token_file, role_session_name), alone or with the IRSA variables", status: "same", note: "the profile wins over the variables, as fromIni runs before fromTokenFile", cases: ["chain-web-identity-profile", "chain-web-identity-profile-and-irsa", "chain-web-identity-default-profile-and-irsa"] },
  { from: C, setting: "AWS_PROFILE: a role whose source_profile is a web-identity profile", status: "same", note: "the SDK's own fromIni: web identity, then AssumeRole", cases: ["chain-source-profile-web-identity"] },
  { from: C, setting: "duration_seconds in a web-identity profile", status: "different", note: "ours honours it; the SDK's ini provider ignores it", cases: ["chain-profile-duration-seconds"] },
  { from: C, setting: "region in the profile", status: "same", note: "STS in that region", cases: ["chain-profile-region"] },
  { from: C, setting: "AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE", status: "same", note: "read with @smithy/core/config's loader", cases: ["chain-config-file-variables"] },
  { from: C, setting: "AWS_CONTAINER_CREDENTIALS_FULL_URI with AWS_CONTAINER_AUTHORIZATION_TOKEN or _TOKEN_FILE", status: "same", note: "container credentials (EKS Pod Identity, ECS) through the SDK's fromHttp", cases: ["chain-container-credentials", "chain-container-token-file"] },
  { from: C, setting: "container credentials and IRSA both configured", status: "same", note: "IRSA wins, as in the SDK", cases: ["chain-container-and-irsa"] },
  { from: C, setting: "IMDS (AWS_EC2_METADATA_SERVICE_ENDPOINT)", status: "same", note: "the node's instance role through the SDK's IMDS provider", cases: ["chain-imds"] },
  { from: C, setting: "AWS_EC2_METADATA_DISABLED=true", status: "different", note: "neither asks IMDS; ours' CredentialChainError names the variable that turned it off", cases: ["chain-imds-disabled"] },
  { from: C, setting: "IRSA configured and failing", status: "same", note: "the error is final, never a fall-through to the node's IMDS role", cases: ["chain-irsa-failing"] },
  { from: C, setting: "only one of AWS_ROLE_ARN / AWS_WEB_IDENTITY_TOKEN_FILE", status: "different", note: "ConfigurationError naming the missing variable; the SDK skips IRSA and goes on to IMDS", cases: ["chain-half-irsa"] },
  { from: C, setting: "nothing configured", status: "different", note: "both try IMDS and fail; ours is a CredentialChainError listing every source and why it was skipped", cases: ["chain-nothing-configured"] },
  { from: V2, setting: "clientConfig.endpoint, region", status: "mapped", note: "v2's STS client config (v2's first argument) is our SECOND argument: new WebIdentityCredentials({ roleArn }, { endpoint, region, httpOptions, maxRetries }); each setting mapped as below", cases: ["v2-endpoint-region"] },
  { from: V2, setting: "clientConfig given as the first argument (where v2 takes it)", status: "different", note: "refused (ConfigurationError) before any call, naming the settings and showing the call with them as the second argument; our first argument is fromWebIdentity's init", cases: ["v2-client-config-first-argument"] },
  { from: V2, setting: "region without endpoint; stsRegionalEndpoints", status: "different", note: 'ours: the region\'s STS endpoint (as v3), said once to the logger at info; v2: the global one by default. "regional" accepted, "legacy" refused', cases: ["v2-region-alone", "v2-regional-endpoints-legacy"] },
  { from: V2, setting: "AWS_ENDPOINT_URL_STS", status: "different", note: "ours follows it, as v3 clients of the same pod do; v2 does not read it", cases: ["v2-endpoint-url-variable"] },
  { from: V2, setting: "httpOptions.timeout", status: "mapped", note: "retry.attemptTimeoutMs: the same one call and failure", cases: ["v2-http-timeout"] },
  { from: V2, setting: "httpOptions.agent, connectTimeout", status: "mapped", note: "request handler httpsAgent / httpAgent, connectionTimeout; the agent stays yours", cases: ["v2-http-agent"] },
  { from: V2, setting: "httpOptions.proxy", status: "different", note: "refused: give a proxy agent as httpOptions.agent", cases: ["v2-http-proxy"] },
  { from: V2, setting: "apiVersion 2011-06-15 / latest, sslEnabled true", status: "same", note: "accepted (STS's one version, HTTPS)", cases: ["v2-api-version-ssl"] },
  { from: V2, setting: "sslEnabled false", status: "different", note: "refused: STS answers over HTTPS only (give an http:// endpoint for an emulator)", cases: ["v2-ssl-disabled"] },
  { from: V2, setting: "retryDelayOptions.customBackoff", status: "different", note: "refused: our backoff is jittered exponential from `base`", cases: ["v2-custom-backoff"] },
  { from: V2, setting: "maxRetries, retryDelayOptions.base", status: "mapped", note: "retry.maxAttempts = maxRetries + 1, retry.baseDelayMs", cases: ["v2-max-retries"] },
  { from: V2, setting: "params DurationSeconds, Policy, PolicyArns, ProviderId", status: "mapped", note: "durationSeconds, policy, policyArns, providerId", cases: ["v2-params"] },
  { from: V2, setting: "params RoleArn, RoleSessionName", status: "different", note: "refused: v2 sends its own (the variables, the profile, token-file-web-identity), so bound ones never took effect there", cases: ["v2-params-role-and-session"] },
  { from: V2, setting: "(no session name)", status: "different", note: "ours: `<host>-<8 hex>`; v2: token-file-web-identity for every pod", cases: ["v2-default-session-name"] },
  { from: V2, setting: "AWS_SDK_LOAD_CONFIG=1 with a web-identity profile", status: "same", note: "the profile's role", cases: ["v2-load-config"] },
  { from: V2, setting: "AWS_PROFILE: a role whose source_profile chain ends in a web-identity profile", status: "same", note: "web identity, then each role of the chain with AssumeRole (role_session_name, external_id of each profile)", cases: ["v2-source-profile-chain"] },
  { from: V2, setting: "a web-identity profile without AWS_SDK_LOAD_CONFIG", status: "different", note: "ours reads the config file always, as v3; v2 fails", cases: ["v2-without-load-config"] },
  { from: V2, setting: "STS error (err.code)", status: "different", note: "the same err.code (AccessDenied...); ours is a StsRequestError whose message says what to fix, with `$metadata` and the SDK's exception as `cause`", cases: ["v2-sts-error"] },
  { from: V2, setting: "InvalidIdentityToken", status: "same", note: "retried once with a fresh read of the file; the same bytes rejected twice are final", cases: ["v2-invalid-token-retry"] },
  { from: V2, setting: "IDPCommunicationError", status: "different", note: "ours retries it (the IdP was unreachable); v2 means to but tests for a code STS never sends", cases: ["v2-idp-communication-error"] },
];

/** The README table, one line per row. */
export function renderGuideTable(rows: readonly Row[] = ROWS): string {
  const lines = ["| From | Option or variable | Ours | Note |", "| --- | --- | --- | --- |"];
  for (const row of rows) lines.push(`| ${row.from} | ${row.setting} | ${row.status} | ${row.note.replaceAll("|", "\\|")} |`);
  return lines.join("\n");
}
