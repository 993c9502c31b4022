// The fault matrix, end to end: every STS fault against every state of the cache, through a real
// `fromWebIdentity` provider, real HTTP to the local STS and a real v3 STSClient as the caller.
// Each row pins what the caller gets, the exact number of STS calls, whether a backoff starts and
// what the next call gets; then a single failing call of the same kind. Everything the provider
// printed or handed out on the way is scanned for secrets at the end.

import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { StsRequestError } from "@irsa/web-identity";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FAILURE_MATRIX, STS_FAULTS } from "./fault-matrix-table.js";
import { observeOnce, observePersistent, type RunContext } from "./fault-matrix-runner.js";
import { OutputCapture, SecretIndex } from "./redaction-capture.js";

let world: IrsaWorld;
const capture = new OutputCapture();
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
const opened: RunContext["opened"] = [];
/** Every token the token file held (the matrix does not rotate it, but the check must not depend on that). */
const tokens = new Set<string>();

beforeAll(async () => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  // One world for the whole matrix: each row builds its own provider and the STS log tells rows apart.
  world = await startIrsaWorld();
  tokens.add(world.tokenFile.currentToken);
});
afterEach(() => {
  for (const resource of opened.splice(0)) {
    if ("close" in resource) resource.close();
    else resource.destroy();
  }
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  await world.close();
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

describe("fault matrix", () => {
  it("has one row per fault and cache state", () => {
    expect(FAILURE_MATRIX).toHaveLength(STS_FAULTS.length * 4);
    const keys = new Set(FAILURE_MATRIX.map((row) => `${row.fault} / ${row.state}`));
    expect(keys.size).toBe(FAILURE_MATRIX.length);
  });

  it.each(FAILURE_MATRIX.map((row) => [`${row.fault} / ${row.state}`, row] as const))("%s", async (_, row) => {
    const fault = STS_FAULTS.find((f) => f.name === row.fault)!;
    const context: RunContext = { world, capture, opened };

    const { callerError, ...persistent } = await observePersistent(context, fault, row.state);
    expect(persistent, "the fault lasting the whole refresh").toEqual(row.persistent);
    if (callerError !== undefined) {
      // The caller's v3 client surfaces our typed error, which never lets a chain fall through.
      expect(callerError).toBeInstanceOf(StsRequestError);
      expect(callerError).toMatchObject({ tryNextLink: false, roleArn: world.roleArn });
    }

    expect(await observeOnce(context, fault, row.state), "one failing STS call").toEqual(row.once);
  });

  it("no rejection or exception went unhandled (abandoned hung calls included)", async () => {
    for (let turn = 0; turn < 10; turn++) await new Promise((resolve) => setImmediate(resolve));
    expect(unhandled).toEqual([]);
  });

  it("nothing it printed, threw or handed out holds a token, a secret key or a session token", () => {
    const secrets = new SecretIndex();
    secrets.addIssued(world.sts.issuedCredentials);
    for (const token of tokens) secrets.addToken("web identity token", token);
    // The matrix issued sets and captured all four log levels, events, errors and objects.
    expect(world.sts.issuedCredentials.size).toBeGreaterThan(100);
    expect(capture.counts.debug).toBeGreaterThan(0);
    expect(capture.counts.info + capture.counts.warn + capture.counts.error).toBeGreaterThan(0);
    expect(capture.counts.events).toBeGreaterThan(0);
    expect(capture.counts.errors).toBeGreaterThan(0);
    expect(capture.scan(secrets)).toEqual([]);
  });
});
