// Shared set-up of the IAM connection tests: a local IRSA world whose projected token outlives
// the simulated days, fromWebIdentity on it (proactive engine), and an ElastiCache front whose
// token check is the ElastiCache token verifier of @irsa/testing (recording every verdict).
import {
  startIrsaWorld,
  startLocalElastiCache,
  verifyElastiCacheAuthToken,
  type IamAuthVerdict,
  type IrsaWorld,
  type LocalElastiCache,
} from "@irsa/testing";
import { fromWebIdentity, type WebIdentityCredentialProvider } from "@irsa/web-identity";

export const CACHE_NAME = "orders-cache";
export const USER = "app-user";
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** A world whose projected token lives 4 days (the tests travel up to 48 simulated hours). */
export function startLongWorld(): Promise<IrsaWorld> {
  return startIrsaWorld({ tokenTtlSeconds: 4 * 24 * 3600 });
}

/** fromWebIdentity on the world, without touching process.env; the proactive timer on. */
export function worldCredentials(world: IrsaWorld): WebIdentityCredentialProvider {
  return fromWebIdentity({
    roleArn: world.roleArn,
    webIdentityTokenFile: world.tokenFile.path,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
    retry: { sleep: async () => {} },
  });
}

/** Every AUTH the front checked: the verdict (no secret in it). */
export type Verdicts = IamAuthVerdict[];

/** The ElastiCache front checking tokens like the service, against what the world's STS issued. */
export async function startIamElastiCache(world: IrsaWorld, verdicts: Verdicts): Promise<LocalElastiCache> {
  return startLocalElastiCache({
    ageCheckIntervalMs: MINUTE,
    checkToken: async (user, password) => {
      const verdict = await verifyElastiCacheAuthToken(password, { sts: world.sts, cacheName: CACHE_NAME, user, region: world.region });
      verdicts.push(verdict);
      return verdict.ok ? { ok: true } : { ok: false, reason: `${verdict.reason}: ${verdict.detail}` };
    },
  });
}

/** Accepted tokens whose own expiry is after their signing set's (must be none). */
export function tokensOutlivingTheirSet(verdicts: Verdicts): number {
  return verdicts.filter((v) => v.ok && v.tokenExpiresAt.getTime() > v.credentialsExpireAt.getTime()).length;
}

export function assumeCalls(world: IrsaWorld): number {
  return world.sts.calls("AssumeRoleWithWebIdentity");
}
