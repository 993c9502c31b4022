import { fromHttp as realFromHttp } from "@aws-sdk/credential-provider-http";
import { startLocalContainerEndpoint, type LocalContainerEndpoint } from "@irsa/testing";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createWebIdentityChainProvider, type WebIdentityChainProvider } from "./chain.js";
import type { FromWebIdentityChainInit } from "./provider-inits.js";
import { ConfigurationError, CredentialChainError } from "../shared/errors.js";

// The chain's rules with an injected environment: which source is asked, and what nothing-works says.

let container: LocalContainerEndpoint;
const providers: WebIdentityChainProvider[] = [];

beforeEach(async () => {
  container = await startLocalContainerEndpoint({ authorizationToken: null });
});
afterEach(async () => {
  for (const provider of providers.splice(0)) provider.close();
  await container.close();
});

function chain(init: FromWebIdentityChainInit, env: Record<string, string>) {
  const readFile = vi.fn();
  const fromHttp = vi.fn(realFromHttp);
  const provider = createWebIdentityChainProvider({ proactive: false, ...init }, { env: () => env, readFile, fromHttp });
  providers.push(provider);
  return { provider, readFile, fromHttp };
}

describe("fromWebIdentityChain: configured or not", () => {
  it("sources that are not configured are skipped without reading a file", async () => {
    const { provider, readFile, fromHttp } = chain({}, { AWS_EC2_METADATA_DISABLED: "true" });
    const error = (await provider().catch((e: unknown) => e)) as CredentialChainError;
    expect(error).toBeInstanceOf(CredentialChainError);
    expect(error.sources).toEqual([
      { source: "webIdentity", outcome: "skipped", reason: expect.stringContaining("AWS_ROLE_ARN") },
      { source: "container", outcome: "skipped", reason: expect.stringContaining("AWS_CONTAINER_CREDENTIALS_FULL_URI") },
      { source: "imds", outcome: "skipped", reason: expect.stringContaining("AWS_EC2_METADATA_DISABLED=true") },
    ]);
    expect(readFile).not.toHaveBeenCalled();
    expect(fromHttp).not.toHaveBeenCalled();
  });

  it("the error lists variable names, never values", async () => {
    const { provider } = chain({}, { AWS_EC2_METADATA_DISABLED: "true", AWS_ACCESS_KEY_ID: "AKIAVALUE", AWS_SESSION_TOKEN: "tok-value", HOME: "/root" });
    const error = (await provider().catch((e: unknown) => e)) as CredentialChainError;
    expect(error.variablesSeen).toEqual(["AWS_ACCESS_KEY_ID", "AWS_EC2_METADATA_DISABLED", "AWS_SESSION_TOKEN"]);
    expect(error.message).toContain("AWS_* variables set: AWS_ACCESS_KEY_ID, AWS_EC2_METADATA_DISABLED, AWS_SESSION_TOKEN.");
    expect(error.message).not.toMatch(/AKIAVALUE|tok-value/);
  });

  it("a web identity file without a role stops the chain, even with container credentials available", async () => {
    const { provider } = chain({}, { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token", AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri });
    await expect(provider()).rejects.toThrow(/AWS_ROLE_ARN/);
    expect(container.calls()).toBe(0);
  });

  it("fallbacks order the sources: container before a disabled IMDS, or web identity only", async () => {
    const { provider } = chain({ fallbacks: ["imds", "container"] }, { AWS_EC2_METADATA_DISABLED: "true", AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri });
    await expect(provider()).resolves.toMatchObject({ accessKeyId: container.currentCredentials().accessKeyId });
    expect(provider.stats.source).toBe("container");

    const only = chain({ fallbacks: [] }, { AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri }).provider;
    await expect(only()).rejects.toThrow(/container credentials: skipped: not in `fallbacks`/);
    expect(container.calls()).toBe(1);
  });

  it.each([[["container", "container"]], [["ec2"]], ["imds"]])("fallbacks %j: ConfigurationError at construction", (fallbacks) => {
    expect(() => createWebIdentityChainProvider({ fallbacks: fallbacks as never })).toThrow(ConfigurationError);
  });

  it("the remembered source no longer configured: the chain is walked again", async () => {
    const env: Record<string, string> = { AWS_EC2_METADATA_DISABLED: "true", AWS_CONTAINER_CREDENTIALS_FULL_URI: container.fullUri };
    const provider = createWebIdentityChainProvider({ proactive: false }, { env: () => env });
    providers.push(provider);
    await provider();
    delete env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    await expect(provider.refresh()).rejects.toBeInstanceOf(CredentialChainError);
    expect(provider.stats.source).toBeUndefined();
  });
});
