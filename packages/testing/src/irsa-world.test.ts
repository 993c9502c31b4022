import { lstat, readFile } from "node:fs/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startIrsaWorld, type IrsaWorld } from "./irsa-world.js";
import { postForm, xmlText } from "./test-support/raw-http.js";

describe("startIrsaWorld", () => {
  let world: IrsaWorld | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await world?.close();
    world = undefined;
  });

  it("wires issuer, token file and STS with the demo role, and gives the pod's environment", async () => {
    world = await startIrsaWorld();
    expect(world.roleArn).toBe("arn:aws:iam::111122223333:role/irsa-demo");
    expect(world.env).toEqual({
      AWS_ROLE_ARN: "arn:aws:iam::111122223333:role/irsa-demo",
      AWS_WEB_IDENTITY_TOKEN_FILE: world.tokenFile.path,
      AWS_ENDPOINT_URL_STS: world.sts.endpoint,
      AWS_REGION: "us-east-1",
    });
    const token = await readFile(world.env.AWS_WEB_IDENTITY_TOKEN_FILE, "utf8");
    const res = await postForm(world.env.AWS_ENDPOINT_URL_STS, {
      Action: "AssumeRoleWithWebIdentity",
      RoleArn: world.env.AWS_ROLE_ARN,
      RoleSessionName: "world",
      WebIdentityToken: token,
    });
    expect(res.status).toBe(200);
    expect(xmlText(res.body, "SubjectFromWebIdentityToken")).toBe("system:serviceaccount:default:app");
  });

  it("applies the test-only credential lifetime and custom service account", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const now = Date.now();
    world = await startIrsaWorld({ credentialLifetimeSeconds: 20, namespace: "shop", serviceAccount: "cart" });
    const res = await postForm(world.sts.endpoint, {
      Action: "AssumeRoleWithWebIdentity",
      RoleArn: world.roleArn,
      RoleSessionName: "short",
      WebIdentityToken: world.tokenFile.currentToken,
    });
    expect(xmlText(res.body, "Expiration")).toBe(new Date(now + 20_000).toISOString());
    expect(xmlText(res.body, "SubjectFromWebIdentityToken")).toBe("system:serviceaccount:shop:cart");
  });

  it("close() stops everything and removes the token directory; twice is fine", async () => {
    world = await startIrsaWorld();
    const { dir } = world.tokenFile;
    const endpoint = world.sts.endpoint;
    await world.close();
    await world.close();
    await expect(lstat(dir)).rejects.toMatchObject({ code: "ENOENT" });
    await expect(postForm(endpoint, { Action: "GetCallerIdentity" })).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });
});
