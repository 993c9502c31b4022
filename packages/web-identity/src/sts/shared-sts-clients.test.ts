// Providers going to the same STS endpoint share one STS client (moved here from test/e2e, which
// uses the public entry points only: the client count is internal).
import { startIrsaWorld, type IrsaWorld } from "@irsa/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromWebIdentity } from "../providers/from-web-identity.js";
import type { FromWebIdentityInit } from "../providers/provider-inits.js";
import { sharedStsClientCount } from "./shared-sts-clients.js";

let world: IrsaWorld;
beforeAll(async () => {
  world = await startIrsaWorld();
});
afterAll(async () => {
  await world.close();
});

const init = (extra: FromWebIdentityInit): FromWebIdentityInit => ({
  roleArn: world.roleArn,
  webIdentityTokenFile: world.tokenFile.path,
  region: world.region,
  clientConfig: { endpoint: world.sts.endpoint },
  proactive: false,
  ...extra,
});
const assumeCalls = () => world.sts.calls("AssumeRoleWithWebIdentity");

describe("many providers, one STS client", () => {
  it("providers going to the same STS share one client; the last close() destroys it; custom settings get their own", async () => {
    const before = sharedStsClientCount();
    const first = fromWebIdentity(init({ roleSessionName: "first" }));
    const second = fromWebIdentity(init({ roleSessionName: "second" }));
    await Promise.all([first(), second()]);
    expect(assumeCalls()).toBe(2);
    expect(sharedStsClientCount()).toBe(before + 1);

    // A provider with its own client settings (here a request timeout) builds its own client.
    const custom = fromWebIdentity(init({ clientConfig: { endpoint: world.sts.endpoint, requestHandler: { requestTimeout: 5_000 } } }));
    await custom();
    expect(sharedStsClientCount()).toBe(before + 1);

    first.close();
    expect(sharedStsClientCount()).toBe(before + 1); // still used by the second provider
    await second.refresh(); // and it still works
    expect(assumeCalls()).toBe(4);
    second.close();
    custom.close();
    expect(sharedStsClientCount()).toBe(before);
  });
});
