import { createCredentialChain } from "@aws-sdk/credential-providers";
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { ConfigurationError, NotConfiguredError, StsRequestError } from "@irsa/web-identity";
import { chain } from "@smithy/property-provider";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { Closer, assumeCalls, callerArn, rejectionOf, worldInit } from "./web-identity-support.js";

const IRSA_VARIABLES = ["AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_SESSION_NAME"] as const;
const NODE_ROLE: AwsCredentialIdentity = { accessKeyId: "AKIANODEROLE", secretAccessKey: "node-secret" };

let world: IrsaWorld;
const closer = new Closer();
const saved: Record<string, string | undefined> = {};

beforeAll(() => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
});
beforeEach(async () => {
  // "Not configured" means: no option and no variable. Make sure the runner's environment has none.
  for (const name of IRSA_VARIABLES) {
    saved[name] = process.env[name];
    delete process.env[name];
  }
  world = await startIrsaWorld();
});
afterEach(async () => {
  closer.closeAll();
  await world.close();
  for (const name of IRSA_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterAll(() => {
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

describe("configuration errors carry the right tryNextLink", () => {
  it("nothing set: NotConfiguredError, tryNextLink true, no STS call", async () => {
    const error = await rejectionOf(closer.provider({ proactive: false })());
    expect(error).toBeInstanceOf(NotConfiguredError);
    expect(error.tryNextLink).toBe(true);
    expect(world.sts.calls()).toBe(0);
  });

  it.each([
    [{ roleArn: "arn:aws:iam::111122223333:role/irsa-demo" }, "AWS_WEB_IDENTITY_TOKEN_FILE"],
    [{ webIdentityTokenFile: "/var/run/token" }, "AWS_ROLE_ARN"],
    [{ roleArn: "arn:aws:iam::1:role/x", webIdentityTokenFile: "/t" }, "roleArn"],
    [{ roleArn: "arn:aws:iam::111122223333:role/x", webIdentityTokenFile: "/t", roleSessionName: "a b" }, "roleSessionName"],
    [{ roleArn: "arn:aws:iam::111122223333:role/x", webIdentityTokenFile: "/t", durationSeconds: 60 }, "durationSeconds"],
  ])("%j: ConfigurationError naming %s, tryNextLink false", async (init, named) => {
    const error = await rejectionOf(closer.provider({ ...init, proactive: false })());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.tryNextLink).toBe(false);
    expect(error.message).toContain(named);
  });
});

describe("interop with the AWS SDK's chains", () => {
  it("chain(): an unconfigured fromWebIdentity lets the chain move on", async () => {
    const provider = closer.provider({ proactive: false });
    await expect(chain(provider, async () => NODE_ROLE)()).resolves.toEqual(NODE_ROLE);
  });

  it("chain(): a configured fromWebIdentity wins and the next link is never called", async () => {
    const next = vi.fn(async () => NODE_ROLE);
    const credentials = await chain(closer.provider(worldInit(world)), next)();
    expect(world.sts.isIssued(credentials.accessKeyId)).toBe(true);
    expect(next).not.toHaveBeenCalled();
  });

  it("chain(): a configured source that fails never falls through to the node's role", async () => {
    world.sts.faults.failNext(1, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" });
    const next = vi.fn(async () => NODE_ROLE);
    const error = await rejectionOf(chain(closer.provider(worldInit(world)), next)());
    expect(error).toBeInstanceOf(StsRequestError);
    expect(next).not.toHaveBeenCalled();
  });

  it("chain(): a half configuration stops the chain too", async () => {
    const next = vi.fn(async () => NODE_ROLE);
    const error = await rejectionOf(chain(closer.provider({ roleArn: world.roleArn, proactive: false }), next)());
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(next).not.toHaveBeenCalled();
  });

  it("createCredentialChain(): used as credentials of a real client, unconfigured -> next, configured -> ours", async () => {
    const fallback = vi.fn(async () => NODE_ROLE);
    const unconfigured = createCredentialChain(closer.provider({ proactive: false }), fallback);
    await expect(unconfigured()).resolves.toMatchObject({ accessKeyId: "AKIANODEROLE" });

    const configured = createCredentialChain(closer.provider(worldInit(world)), fallback);
    const client = closer.client(world, configured);
    expect(await callerArn(client)).toContain(":assumed-role/irsa-demo/");
    expect(fallback).toHaveBeenCalledTimes(1); // only the unconfigured chain used it
    expect(assumeCalls(world)).toBe(1);
  });

  it("createCredentialChain(): a configured failure is not hidden by the next source", async () => {
    world.sts.faults.failNext(1, { code: "AccessDenied", action: "AssumeRoleWithWebIdentity" });
    const fallback = vi.fn(async () => NODE_ROLE);
    const error = await rejectionOf(createCredentialChain(closer.provider(worldInit(world)), fallback)());
    expect(error).toMatchObject({ name: "StsRequestError", code: "AccessDenied" });
    expect(fallback).not.toHaveBeenCalled();
  });
});
