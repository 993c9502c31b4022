import { serviceAccountSubject, startIrsaWorld, startLocalContainerEndpoint, startLocalImds } from "@irsa/testing";
import type { CaseWorld } from "./run-case.js";

/** A second role the world's service account may assume (tells a profile's role from the variable's). */
export const OTHER_ROLE_ARN = "arn:aws:iam::111122223333:role/profile-role";

/** A role the second one's sessions may assume (the end of a `source_profile` chain). */
export const CHAINED_ROLE_ARN = "arn:aws:iam::111122223333:role/app-role";

/** The local world of the differential suite: the default role, a second one with the same trust, and a role chained from it. */
export async function startCaseWorld(): Promise<CaseWorld & { close(): Promise<void> }> {
  const world = await startIrsaWorld();
  world.sts.addRole({ roleArn: OTHER_ROLE_ARN, trust: { issuer: world.issuer, subjects: [serviceAccountSubject("default", "app")] } });
  world.sts.addRole({ roleArn: CHAINED_ROLE_ARN, assumableBy: [OTHER_ROLE_ARN] });
  // the chain's later links, on loopback, serving sets the same STS issued (so their role is known)
  const container = await startLocalContainerEndpoint({ sts: world.sts });
  const imds = await startLocalImds({ sts: world.sts });
  return {
    world,
    otherRoleArn: OTHER_ROLE_ARN,
    container: { fullUri: container.fullUri, authorizationToken: container.authorizationToken ?? "" },
    imdsEndpoint: imds.endpoint,
    askedOthers: () => ({ container: container.calls(), imds: imds.calls() }),
    resetOthers: () => {
      container.reset();
      imds.reset();
    },
    close: async () => {
      await Promise.all([container.close(), imds.close()]);
      await world.close();
    },
  };
}
