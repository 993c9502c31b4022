import { describe, expect, it } from "vitest";
import {
  FALLBACK_REGION,
  resolveWebIdentityConfig,
  type WebIdentityConfigInit,
} from "./config.js";
import { ConfigurationError, NotConfiguredError } from "../../shared/errors.js";

const ROLE = "arn:aws:iam::123456789012:role/app";
const FILE = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token";
const configured = { AWS_ROLE_ARN: ROLE, AWS_WEB_IDENTITY_TOKEN_FILE: FILE };

function resolve(init: WebIdentityConfigInit, env: Record<string, string | undefined>) {
  return resolveWebIdentityConfig(init, env);
}

function errorOf(fn: () => unknown): Error & { tryNextLink?: boolean; recoverable?: boolean } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("resolveWebIdentityConfig: configured or not", () => {
  it("reads AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE", () => {
    const config = resolve({}, { ...configured, AWS_REGION: "eu-west-1" });
    expect(config).toMatchObject({ roleArn: ROLE, webIdentityTokenFile: FILE, region: "eu-west-1", regionSource: "env:AWS_REGION" });
  });

  it("prefers options to the environment", () => {
    const config = resolve(
      { roleArn: "arn:aws:iam::210987654321:role/other", webIdentityTokenFile: "/tmp/t", roleSessionName: "mine", region: "ap-south-1" },
      { ...configured, AWS_ROLE_SESSION_NAME: "env-name", AWS_REGION: "eu-west-1" },
    );
    expect(config).toMatchObject({
      roleArn: "arn:aws:iam::210987654321:role/other",
      webIdentityTokenFile: "/tmp/t",
      roleSessionName: "mine",
      region: "ap-south-1",
      regionSource: "option:region",
    });
  });

  it("neither set: NotConfiguredError with tryNextLink true", () => {
    const error = errorOf(() => resolve({}, {}));
    expect(error).toBeInstanceOf(NotConfiguredError);
    expect(error.tryNextLink).toBe(true);
    expect(error.message).toMatch(/AWS_ROLE_ARN.*AWS_WEB_IDENTITY_TOKEN_FILE/);
  });

  it("treats empty and blank variables and options as unset", () => {
    const error = errorOf(() => resolve({ roleArn: "" }, { AWS_ROLE_ARN: "", AWS_WEB_IDENTITY_TOKEN_FILE: "  " }));
    expect(error).toBeInstanceOf(NotConfiguredError);
    expect(resolve({ roleSessionName: "" }, { ...configured, AWS_ROLE_SESSION_NAME: "", AWS_REGION: "" }).roleSessionName).toBeUndefined();
  });

  it("an empty option falls back to the environment", () => {
    expect(resolve({ roleArn: "" }, configured).roleArn).toBe(ROLE);
  });

  it("only the role set: ConfigurationError naming the missing variable and option, tryNextLink false", () => {
    const error = errorOf(() => resolve({}, { AWS_ROLE_ARN: ROLE }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.tryNextLink).toBe(false);
    expect(error.recoverable).toBe(false);
    expect(error.message).toContain("AWS_WEB_IDENTITY_TOKEN_FILE");
    expect(error.message).toContain("webIdentityTokenFile");
    expect(error.message).toContain("environment variable AWS_ROLE_ARN");
  });

  it("only the file set (by option): ConfigurationError naming AWS_ROLE_ARN and roleArn", () => {
    const error = errorOf(() => resolve({ webIdentityTokenFile: FILE }, {}));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.tryNextLink).toBe(false);
    expect(error.message).toContain("AWS_ROLE_ARN");
    expect(error.message).toContain("option `webIdentityTokenFile`");
  });
});

describe("resolveWebIdentityConfig: validation", () => {
  it.each([
    "arn:aws:iam::123456789012:user/app",
    "arn:aws:iam::12345:role/app",
    "arn:aws:sts::123456789012:assumed-role/app/x",
    "app",
    "arn:aws:iam::123456789012:role/has space",
  ])("rejects the malformed role ARN %s, naming where it came from", (arn) => {
    const error = errorOf(() => resolve({}, { ...configured, AWS_ROLE_ARN: arn }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain("AWS_ROLE_ARN");
    expect(error.message).toContain("arn:aws:iam::123456789012:role/NAME");
  });

  it.each([
    "arn:aws:iam::123456789012:role/app",
    "arn:aws-cn:iam::123456789012:role/app",
    "arn:aws-us-gov:iam::123456789012:role/path/to/app+=,.@-_",
    "arn:aws-iso-b:iam::123456789012:role/app",
  ])("accepts the role ARN %s", (arn) => {
    expect(resolve({ roleArn: arn }, configured).roleArn).toBe(arn);
  });

  it.each(["a", "has space", "x".repeat(65), "slash/name", "colon:name"])(
    "rejects the session name %j from AWS_ROLE_SESSION_NAME",
    (name) => {
      const error = errorOf(() => resolve({}, { ...configured, AWS_ROLE_SESSION_NAME: name }));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error.message).toContain("AWS_ROLE_SESSION_NAME");
      expect(error.message).toMatch(/2 to 64/);
    },
  );

  it("accepts a session name with every allowed character", () => {
    expect(resolve({ roleSessionName: "a_b+c=d,e.f@g-h" }, configured).roleSessionName).toBe("a_b+c=d,e.f@g-h");
  });

  it.each([899, 43_201, 3600.5, Number.NaN, 0, -1])("rejects durationSeconds %s", (durationSeconds) => {
    const error = errorOf(() => resolve({ durationSeconds }, configured));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain("durationSeconds");
    expect(error.message).toContain("900");
  });

  it.each([900, 3600, 43_200])("accepts durationSeconds %s", (durationSeconds) => {
    expect(resolve({ durationSeconds }, configured).durationSeconds).toBe(durationSeconds);
  });

  it("rejects a malformed region naming its variable", () => {
    const error = errorOf(() => resolve({}, { ...configured, AWS_REGION: "US WEST" }));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.message).toContain("AWS_REGION");
  });
});

describe("resolveWebIdentityConfig: region", () => {
  it("order: option, clientConfig.region, AWS_REGION, AWS_DEFAULT_REGION, fallback", () => {
    const env = { ...configured, AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-2" };
    expect(resolve({ region: "ap-south-1", clientConfig: { region: "us-west-2" } }, env).regionSource).toBe("option:region");
    expect(resolve({ clientConfig: { region: "us-west-2" } }, env)).toMatchObject({ region: "us-west-2", regionSource: "option:clientConfig.region" });
    expect(resolve({}, env)).toMatchObject({ region: "eu-west-1", regionSource: "env:AWS_REGION" });
    expect(resolve({}, { ...env, AWS_REGION: "" })).toMatchObject({ region: "eu-west-2", regionSource: "env:AWS_DEFAULT_REGION" });
    expect(resolve({}, configured)).toMatchObject({ region: FALLBACK_REGION, regionSource: "fallback" });
  });

  it("a clientConfig.region provider or a supplied STS client decides for itself", () => {
    expect(resolve({ clientConfig: { region: async () => "us-west-2" } }, configured)).toMatchObject({
      region: undefined,
      regionSource: "option:clientConfig.region",
    });
    expect(resolve({ hasStsClient: true }, configured)).toMatchObject({ region: undefined, regionSource: "stsClient" });
  });
});

describe("resolveWebIdentityConfig: endpoint", () => {
  it("AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL", () => {
    const env = { ...configured, AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566", AWS_ENDPOINT_URL: "http://127.0.0.1:1" };
    expect(resolve({}, env).endpointFromEnv).toBe("http://127.0.0.1:4566");
    expect(resolve({}, { ...env, AWS_ENDPOINT_URL_STS: "" }).endpointFromEnv).toBe("http://127.0.0.1:1");
  });

  it("clientConfig.endpoint and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS win over the environment", () => {
    const env = { ...configured, AWS_ENDPOINT_URL_STS: "http://127.0.0.1:4566" };
    expect(resolve({ clientConfig: { endpoint: "http://127.0.0.1:9" } }, env).endpointFromEnv).toBeUndefined();
    expect(resolve({}, { ...env, AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true" }).endpointFromEnv).toBeUndefined();
  });

  it("rejects an endpoint variable that is not an http(s) URL", () => {
    expect(errorOf(() => resolve({}, { ...configured, AWS_ENDPOINT_URL_STS: "not a url" })).message).toContain("AWS_ENDPOINT_URL_STS");
    expect(errorOf(() => resolve({}, { ...configured, AWS_ENDPOINT_URL_STS: "ftp://x" }))).toBeInstanceOf(ConfigurationError);
  });
});
