import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startIrsaWorld } from "@irsa/testing";
import { fromWebIdentity, withAutoInvalidation } from "@irsa/web-identity";
import { it } from "vitest";
import { worldInit } from "./web-identity-support.js";
it("dbg", async () => {
  const world = await startIrsaWorld();
  const provider = fromWebIdentity(worldInit(world, { logger: console }));
  const client = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials: provider, maxAttempts: 1 });
  client.middlewareStack.add((next, context) => async (args: any) => { console.log("FINALIZE-LOW", args.request.headers.authorization?.slice(0, 60), (context as any).__smithy_context?.selectedHttpAuthScheme?.identity?.accessKeyId); return next(args); }, { step: "finalizeRequest", priority: "low", name: "dbg" });
  withAutoInvalidation(client, provider, { logger: console });
  await client.send(new GetCallerIdentityCommand({}));
  world.sts.expireCredentials(provider.stats.accessKeyId!);
  try { await client.send(new GetCallerIdentityCommand({})); } catch (e) { console.log("ERR", (e as Error).name); }
  console.log(world.sts.requests.map((r) => [r.action, r.accessKeyId, r.errorCode]));
  console.log(client.middlewareStack.identify());
  provider.close(); client.destroy(); await world.close();
});
