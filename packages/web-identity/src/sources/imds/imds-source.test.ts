import { startLocalImds, type LocalImds } from "@irsa/testing";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ConfigurationError, CredentialSourceError, NotConfiguredError } from "../../shared/errors.js";
import { createImdsSource, resolveImdsSettings } from "./imds-source.js";

describe("resolveImdsSettings", () => {
  it("defaults: 1 s per request, 1 attempt, a 2 s deadline", () => {
    expect(resolveImdsSettings({}, {})).toEqual({ timeoutMs: 1000, maxAttempts: 1, deadlineMs: 2000 });
  });

  it("honours AWS_METADATA_SERVICE_TIMEOUT (seconds) and AWS_METADATA_SERVICE_NUM_ATTEMPTS", () => {
    expect(resolveImdsSettings({}, { AWS_METADATA_SERVICE_TIMEOUT: "0.25", AWS_METADATA_SERVICE_NUM_ATTEMPTS: "3" })).toEqual({
      timeoutMs: 250,
      maxAttempts: 3,
      deadlineMs: 1000,
    });
  });

  it("options win over variables; an explicit deadline wins over the derived one", () => {
    expect(
      resolveImdsSettings({ timeoutMs: 50, maxAttempts: 2, deadlineMs: 120 }, { AWS_METADATA_SERVICE_TIMEOUT: "5", AWS_METADATA_SERVICE_NUM_ATTEMPTS: "4" }),
    ).toEqual({ timeoutMs: 50, maxAttempts: 2, deadlineMs: 120 });
  });

  it.each(["true", "TRUE", " true "])("AWS_EC2_METADATA_DISABLED=%j: NotConfiguredError (skipped)", (value) => {
    expect(() => resolveImdsSettings({}, { AWS_EC2_METADATA_DISABLED: value })).toThrow(NotConfiguredError);
  });

  it("AWS_EC2_METADATA_DISABLED=false leaves IMDS on", () => {
    expect(resolveImdsSettings({}, { AWS_EC2_METADATA_DISABLED: "false" }).timeoutMs).toBe(1000);
  });

  it.each([
    [{ AWS_METADATA_SERVICE_TIMEOUT: "soon" }, "AWS_METADATA_SERVICE_TIMEOUT"],
    [{ AWS_METADATA_SERVICE_TIMEOUT: "0" }, "AWS_METADATA_SERVICE_TIMEOUT"],
    [{ AWS_METADATA_SERVICE_NUM_ATTEMPTS: "1.5" }, "AWS_METADATA_SERVICE_NUM_ATTEMPTS"],
  ])("%j: ConfigurationError naming %s", (env, name) => {
    expect(() => resolveImdsSettings({}, env)).toThrow(expect.objectContaining({ name: "ConfigurationError", message: expect.stringContaining(name) }));
  });

  it("a bad option is named", () => {
    expect(() => resolveImdsSettings({ deadlineMs: -1 }, {})).toThrow(ConfigurationError);
    expect(() => resolveImdsSettings({ deadlineMs: -1 }, {})).toThrow(/imds.deadlineMs/);
  });
});

describe("IMDS source against the local IMDSv2 (SDK's fromInstanceMetadata)", () => {
  let imds: LocalImds;
  let savedEndpoint: string | undefined;

  beforeEach(async () => {
    imds = await startLocalImds();
    // fromInstanceMetadata has no endpoint option: it reads this variable itself.
    savedEndpoint = process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imds.endpoint;
  });
  afterEach(async () => {
    if (savedEndpoint === undefined) delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    else process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = savedEndpoint;
    await imds.close();
  });

  it("returns the instance role's credentials with their expiration", async () => {
    const credentials = await createImdsSource({}, { env: () => ({}) })();
    const served = imds.currentCredentials();
    expect(credentials.accessKeyId).toBe(served.accessKeyId);
    // IMDS writes whole seconds.
    expect(credentials.expiration?.getTime()).toBe(Math.floor(served.expiration.getTime() / 1000) * 1000);
    expect(imds.requests.map((r) => r.action)).toEqual(["token", "role-name", "credentials"]);
  });

  it("disabled: no request at all", async () => {
    await expect(createImdsSource({}, { env: () => ({ AWS_EC2_METADATA_DISABLED: "true" }) })()).rejects.toThrow(NotConfiguredError);
    expect(imds.calls()).toBe(0);
  });

  it("an IMDS error is a recoverable CredentialSourceError naming the endpoint", async () => {
    imds.faults.failNext(5, { status: 500 });
    const error = (await createImdsSource({ ec2MetadataV1Disabled: true }, { env: () => ({}) })().catch((e: unknown) => e)) as CredentialSourceError;
    expect(error).toBeInstanceOf(CredentialSourceError);
    expect(error).toMatchObject({ source: "imds", recoverable: true, tryNextLink: false });
    expect(error.message).toContain(imds.endpoint);
  });

  it("a black hole ends at the deadline", async () => {
    imds.faults.hangNext(5, { maxMs: 10_000 });
    const started = performance.now();
    await expect(createImdsSource({ deadlineMs: 150 }, { env: () => ({}) })()).rejects.toThrow(/no answer within the 150 ms deadline/);
    expect(performance.now() - started).toBeLessThan(150 + 600);
  });
});
