// Bad input to @irsa/iam-auth through its public entry, against the local IRSA world: each a
// typed error with a stable code naming what to fix; a missing peer (injected loader) names the
// package; no token, secret, session token or password in any log, error or printed object.
import { inspect } from "node:util";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import {
  IamAuthConfigurationError,
  PeerDependencyError,
  createMysql2AuthPlugins,
  createPgPassword,
  createPostgresPassword,
  createRdsAuthTokenProvider,
  getSignedUrl,
  presignRequest,
} from "@irsa/iam-auth";
import { recordingLogger, startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trackedProvider } from "./iam-auth-support.js";
import { notInstalled, thrownBy } from "../../packages/iam-auth/src/test-support/failures.js";

let world: IrsaWorld;
beforeAll(async () => {
  world = await startIrsaWorld();
});
afterAll(async () => {
  await world.close();
});

const DB = { hostname: "db.local", port: 5432, username: "app", region: "us-east-1" };

describe("bad input to @irsa/iam-auth", () => {
  it.each([
    ["createRdsAuthTokenProvider", () => createRdsAuthTokenProvider({ ...DB, host: "db.local" } as never), "UnknownOption", "host"],
    ["createPgPassword", () => createPgPassword({ ...DB, hostname: "" }), "MissingOption", "hostname"],
    ["createPostgresPassword", () => createPostgresPassword({ ...DB, port: 0 }), "InvalidOption", "port"],
    ["createMysql2AuthPlugins", () => createMysql2AuthPlugins({ ...DB, username: undefined } as never), "MissingOption", "username"],
    ["createRdsAuthTokenProvider", () => createRdsAuthTokenProvider({ ...DB, minimumTokenLifeMs: 1 }), "InvalidOption", "minimumTokenLifeMs"],
  ])("%s: %s naming %s", (_fn, build, code, option) => {
    const error = thrownBy(build);
    expect(error).toBeInstanceOf(IamAuthConfigurationError);
    expect(error).toMatchObject({ code, option, recoverable: false });
    expect((error as Error).message).toContain(option);
  });

  it("getSignedUrl and presignRequest: unknown option, expiresIn out of range, a horizon no set can back", async () => {
    const { provider } = trackedProvider(world);
    const s3 = new S3Client({ region: world.region, endpoint: "http://127.0.0.1:9", forcePathStyle: true, credentials: provider });
    const command = new GetObjectCommand({ Bucket: "b", Key: "k" });
    // An HttpRequest-shaped object (@smithy/protocol-http is not a dependency of the tests).
    const request = { method: "GET", protocol: "https:", hostname: "api.local", path: "/", query: {}, headers: { host: "api.local" } } as never;
    try {
      await expect(getSignedUrl(s3, command, { expires: 60 } as never)).rejects.toMatchObject({ code: "UnknownOption", option: "expires" });
      await expect(getSignedUrl(s3, command, { expiresIn: 604_801 })).rejects.toMatchObject({ code: "InvalidOption", option: "expiresIn" });
      await expect(getSignedUrl(s3, command, { expiresIn: 43_200, credentials: provider })).rejects.toMatchObject({ code: "HorizonUnmeetable", option: "expiresIn" });
      await expect(presignRequest(request, { credentials: provider, region: "us-east-1", service: "execute-api", expiresIn: 4 * 3600 })).rejects.toMatchObject({
        code: "HorizonUnmeetable",
        message: expect.stringContaining("durationSeconds"),
      });
      await expect(presignRequest(request, { credentials: provider, service: "execute-api" } as never)).rejects.toMatchObject({ code: "MissingOption", option: "region" });
      expect(provider.stats.sourceCalls).toBe(0); // refused before any STS call
    } finally {
      provider.close();
    }
  });

  it("a peer client not installed: PeerDependencyError naming the package to install", async () => {
    const { provider } = trackedProvider(world);
    const s3 = new S3Client({ region: world.region, endpoint: "http://127.0.0.1:9", forcePathStyle: true, credentials: provider });
    try {
      const rds = await createRdsAuthTokenProvider({ ...DB, credentials: provider, loadPeer: notInstalled })().catch((error: unknown) => error);
      expect(rds).toBeInstanceOf(PeerDependencyError);
      expect(rds).toMatchObject({ code: "PeerDependencyMissing", packageName: "@aws-sdk/rds-signer" });
      const url = await getSignedUrl(s3, new GetObjectCommand({ Bucket: "b", Key: "k" }), { credentials: provider, loadPeer: notInstalled }).catch((error: unknown) => error);
      expect(url).toMatchObject({ name: "PeerDependencyError", packageName: "@aws-sdk/s3-request-presigner" });
      expect((url as Error).message).toContain("npm install @aws-sdk/s3-request-presigner");
    } finally {
      provider.close();
    }
  });

  it("no token, secret key, session token or password in logs, errors or printed objects", async () => {
    const { lines, logger } = recordingLogger();
    const { provider } = trackedProvider(world, { logger });
    try {
      const tokens = createRdsAuthTokenProvider({ ...DB, credentials: provider });
      const password = createPgPassword(tokens);
      const plugins = createMysql2AuthPlugins(tokens);
      const token = await password();
      const set = await provider();
      const wrongUse = await getSignedUrl({ config: {}, middlewareStack: {} }, {}, { expiresIn: 10 }).catch((error: unknown) => error);
      const printed = [
        ...lines.map((line) => line.text),
        inspect(tokens, { showHidden: true, depth: 8 }),
        inspect(password, { showHidden: true, depth: 8 }),
        inspect(plugins, { showHidden: true, depth: 8 }),
        JSON.stringify(tokens),
        JSON.stringify(plugins),
        inspect(wrongUse, { showHidden: true, depth: 8 }),
        JSON.stringify(wrongUse),
      ].join("\n");
      const signature = token.split("X-Amz-Signature=")[1]!;
      for (const secret of [token, signature, set.secretAccessKey, set.sessionToken!]) expect(printed).not.toContain(secret);
    } finally {
      provider.close();
    }
  });
});
