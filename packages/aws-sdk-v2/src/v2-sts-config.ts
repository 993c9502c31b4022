import { ConfigurationError, type FromWebIdentityInit } from "@irsa/web-identity";

/** aws-sdk v2's STS client config, as `new AWS.STS(config)` and `TokenFileWebIdentityCredentials(config)` take it. */
export interface V2StsClientConfig {
  /** STS endpoint (a VPC endpoint, a proxy...): a URL string or an `AWS.Endpoint`. */
  endpoint?: string | { href: string };
  region?: string;
  httpOptions?: {
    /** Milliseconds a request may take before it is aborted. */
    timeout?: number;
    /** Milliseconds to establish the connection. */
    connectTimeout?: number;
    /** The `http.Agent` / `https.Agent` (a proxy agent, keep-alive settings...). */
    agent?: unknown;
    /** Refused: give a proxy agent as `agent` instead. */
    proxy?: string;
  };
  /** Retries after the first call (v2's meaning): `maxRetries: 0` makes one call. */
  maxRetries?: number;
  /** `"regional"` is what this package always does; `"legacy"` is refused. */
  stsRegionalEndpoints?: "regional" | "legacy";
  /** Parameters bound to every call: `DurationSeconds`, `Policy`, `PolicyArns`, `ProviderId` (`RoleArn`, `RoleSessionName` are refused: v2 ignores them). */
  params?: Record<string, unknown>;
  /** Accepted when it names STS's only version. */
  apiVersion?: string;
  /** `false` (plain HTTP) is refused: STS is HTTPS only. */
  sslEnabled?: boolean;
  /** `base` is the backoff base between retries, as in v2. */
  retryDelayOptions?: { base?: number };
}

/** Every setting of `V2StsClientConfig` (typed against it, so none can be left out). */
const V2_STS_CLIENT_CONFIG_SETTINGS = {
  endpoint: true,
  region: true,
  httpOptions: true,
  maxRetries: true,
  stsRegionalEndpoints: true,
  params: true,
  apiVersion: true,
  sslEnabled: true,
  retryDelayOptions: true,
} as const satisfies Record<keyof V2StsClientConfig, true>;

const isV2StsSetting = (name: string): boolean => Object.hasOwn(V2_STS_CLIENT_CONFIG_SETTINGS, name);

const PARAMS: Readonly<Record<string, keyof FromWebIdentityInit>> = {
  DurationSeconds: "durationSeconds",
  Policy: "policy",
  PolicyArns: "policyArns",
  ProviderId: "providerId",
};

const refuse = (setting: string, why: string) =>
  new ConfigurationError(`new WebIdentityCredentials(init, clientConfig): \`clientConfig.${setting}\` ${why}.`);

/**
 * v2 users give `TokenFileWebIdentityCredentials` its STS client config as the first argument; here
 * the first argument is `fromWebIdentity`'s init, so those settings (`endpoint`, `httpOptions`,
 * `maxRetries`...) would be refused as unknown options. Refused here instead, with the call that
 * works: the same settings as the second argument. `region` means the same in both places, so it
 * alone is left where it is; it moves along in the example when other settings move.
 */
export function refuseV2StsConfigInInit(init: unknown): void {
  if (typeof init !== "object" || init === null || Array.isArray(init)) return;
  const given = Object.keys(init).filter((name) => (init as Record<string, unknown>)[name] !== undefined);
  const moved = given.filter((name) => isV2StsSetting(name));
  const v2Only = moved.filter((name) => name !== "region"); // `init.region` is an option of ours too
  if (v2Only.length === 0) return;
  const kept = given.filter((name) => !isV2StsSetting(name));
  const list = v2Only.map((name) => `\`${name}\``).join(", ");
  throw new ConfigurationError(
    `new WebIdentityCredentials(init, clientConfig): ${list} ${v2Only.length === 1 ? "is" : "are"} aws-sdk v2 STS client config ` +
      "(what v2's TokenFileWebIdentityCredentials takes as its first argument); here the first argument is the web-identity " +
      "init (roleArn, webIdentityTokenFile, ...) and v2's STS client config goes in the SECOND argument: " +
      `new WebIdentityCredentials(${kept.length > 0 ? `{ ${kept.join(", ")} }` : "{}"}, { ${moved.join(", ")} }).`,
  );
}

/**
 * Maps v2's STS client config onto `fromWebIdentity`'s options, each to its v3 equivalent, or
 * refuses it with a `ConfigurationError` naming it. Nothing is accepted and ignored. A setting
 * also given in `init` must agree with it.
 */
export function fromV2StsConfig(config: V2StsClientConfig | undefined, init: FromWebIdentityInit): FromWebIdentityInit {
  if (config === undefined) return init;
  if (typeof config !== "object" || config === null) throw refuse("", "must be an object (v2's STS client config)");
  for (const [name, value] of Object.entries(config)) {
    if (value !== undefined && !isV2StsSetting(name)) throw refuse(name, "is not supported by this adapter (see the migration guide)");
  }
  const mapped: FromWebIdentityInit = {};
  const clientConfig: Record<string, unknown> = {};
  const handler: Record<string, unknown> = {};
  const retry: NonNullable<FromWebIdentityInit["retry"]> = {};

  if (config.endpoint !== undefined) {
    const endpoint = typeof config.endpoint === "string" ? config.endpoint : config.endpoint?.href;
    if (typeof endpoint !== "string" || !/^https?:\/\//.test(endpoint)) throw refuse("endpoint", "must be an http(s) URL or an AWS.Endpoint");
    clientConfig.endpoint = endpoint;
  }
  if (config.region !== undefined) mapped.region = config.region;
  if (config.apiVersion !== undefined && !["2011-06-15", "latest"].includes(config.apiVersion)) {
    throw refuse("apiVersion", `names ${config.apiVersion}; STS has one version, 2011-06-15`);
  }
  if (config.sslEnabled === false) throw refuse("sslEnabled", "false is not supported: STS answers over HTTPS only (give an http:// `endpoint` for a local emulator)");
  if (config.stsRegionalEndpoints !== undefined && config.stsRegionalEndpoints !== "regional") {
    throw refuse("stsRegionalEndpoints", `"${String(config.stsRegionalEndpoints)}" is not supported: this package always calls the regional STS endpoint; give \`endpoint: "https://sts.amazonaws.com"\` for the global one`);
  }
  const http = config.httpOptions;
  if (http !== undefined) {
    for (const name of Object.keys(http)) {
      if (!["timeout", "connectTimeout", "agent", "proxy"].includes(name)) throw refuse(`httpOptions.${name}`, "is not supported by this adapter");
    }
    if (http.proxy !== undefined) throw refuse("httpOptions.proxy", "is not supported: give a proxy agent as `httpOptions.agent` (e.g. new HttpsProxyAgent(url))");
    if (http.timeout !== undefined) retry.attemptTimeoutMs = http.timeout;
    if (http.connectTimeout !== undefined) handler.connectionTimeout = http.connectTimeout;
    if (http.agent !== undefined) {
      const plain = String(clientConfig.endpoint ?? "").startsWith("http:");
      handler[plain ? "httpAgent" : "httpsAgent"] = http.agent;
    }
  }
  if (config.maxRetries !== undefined) {
    if (!(Number.isInteger(config.maxRetries) && config.maxRetries >= 0)) throw refuse("maxRetries", "must be a whole number >= 0");
    retry.maxAttempts = config.maxRetries + 1;
  }
  if (config.retryDelayOptions !== undefined) {
    for (const name of Object.keys(config.retryDelayOptions)) {
      if (name !== "base") throw refuse(`retryDelayOptions.${name}`, "is not supported: this package's backoff is jittered exponential from `base`");
    }
    if (config.retryDelayOptions.base !== undefined) retry.baseDelayMs = config.retryDelayOptions.base;
  }
  for (const [name, value] of Object.entries(config.params ?? {})) {
    if (name === "RoleArn" || name === "RoleSessionName") {
      // v2 sends its own RoleArn / RoleSessionName (the variables, the profile, or "token-file-web-identity"), which win over bound params: mapping them would change the identity or the session
      const option = name === "RoleArn" ? "roleArn" : "roleSessionName";
      throw refuse(`params.${name}`, `is ignored by v2's TokenFileWebIdentityCredentials (the request's own ${name} wins); give \`init.${option}\` if you mean it`);
    }
    const option = PARAMS[name];
    if (option === undefined) throw refuse(`params.${name}`, "is not supported (DurationSeconds, Policy, PolicyArns, ProviderId are)");
    (mapped as Record<string, unknown>)[option] = value;
  }
  if (Object.keys(handler).length > 0) clientConfig.requestHandler = handler;
  if (Object.keys(clientConfig).length > 0) mapped.clientConfig = clientConfig;
  if (Object.keys(retry).length > 0) mapped.retry = retry;
  return merge(init, mapped);
}

/** `init` plus the mapped settings; the same setting given both ways must agree. */
function merge(init: FromWebIdentityInit, mapped: FromWebIdentityInit): FromWebIdentityInit {
  const out: Record<string, unknown> = { ...init };
  for (const [name, value] of Object.entries(mapped)) {
    const given = (init as Record<string, unknown>)[name];
    if (given !== undefined && (typeof value === "object" && value !== null && typeof given === "object" && given !== null)) {
      for (const [key, inner] of Object.entries(value)) {
        const mine = (given as Record<string, unknown>)[key];
        if (mine !== undefined && mine !== inner) throw refuse(key, `disagrees with \`init.${name}.${key}\`; give it once`);
      }
      out[name] = { ...given, ...value };
    } else if (given !== undefined && given !== value) {
      throw refuse(name, `disagrees with \`init.${name}\`; give it once`);
    } else out[name] = value;
  }
  return out as FromWebIdentityInit;
}
