import { serviceAccountSubject, startIrsaWorld } from "@irsa/testing";
import type { CaseWorld } from "./run-case.js";

/** A second role the world's service account may assume (tells a profile's role from the variable's). */
export const OTHER_ROLE_ARN = "arn:aws:iam::111122223333:role/profile-role";

/** The local world of the differential suite: the default role, and a second one with the same trust. */
export async function startCaseWorld(): Promise<CaseWorld & { close(): Promise<void> }> {
  const world = await startIrsaWorld();
  world.sts.addRole({ roleArn: OTHER_ROLE_ARN, trust: { issuer: world.issuer, subjects: [serviceAccountSubject("default", "app")] } });
  return { world, otherRoleArn: OTHER_ROLE_ARN, close: () => world.close() };
}
