// The cost of sharing one engine per configuration: creating a provider whose configuration is
// already shared (a registry lookup instead of a new engine), and a cached call through such a
// provider, beside the direct call measured in the same run. Reported; the 10% target is read
// by checkTargets.
import type { IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, withMinimumValidity, type FromWebIdentityInit } from "@irsa/web-identity";
import { median } from "./timing-scenarios.js";

export interface SharingResult {
  /** Median µs to create one more provider of an already shared configuration. */
  readonly createSharedUs: number;
  /** Median ns per awaited cached call through a provider sharing the engine. */
  readonly sharedCallNs: number;
  /** Median ns per awaited cached call through the provider that created the engine, same run. */
  readonly directCallNs: number;
  /** Median ns per awaited cached call through `withMinimumValidity(provider, 15 min)`, same run. */
  readonly minimumValidityCallNs: number;
}

export async function sharingScenario(world: IrsaWorld, rounds: number, callsPerRound: number, creations: number): Promise<SharingResult> {
  const init: FromWebIdentityInit = {
    roleArn: world.roleArn,
    webIdentityTokenFile: world.tokenFile.path,
    region: world.region,
    clientConfig: { endpoint: world.sts.endpoint },
  };
  const primary = fromWebIdentity(init);
  const opened = [primary];
  try {
    await primary();
    const createTimes: number[] = [];
    for (let round = 0; round <= rounds; round++) {
      const started = process.hrtime.bigint();
      for (let index = 0; index < creations; index++) opened.push(fromWebIdentity({ ...init, clientConfig: { endpoint: world.sts.endpoint } }));
      const perCreation = Number(process.hrtime.bigint() - started) / creations / 1_000;
      if (round > 0) createTimes.push(perCreation); // the first round warms the JIT
    }
    const shared = opened.at(-1)!;
    const callCost = async (get: () => Promise<unknown>) => {
      const results: number[] = [];
      for (let round = 0; round <= rounds; round++) {
        const started = process.hrtime.bigint();
        for (let call = 0; call < callsPerRound; call++) await get();
        if (round > 0) results.push(Number(process.hrtime.bigint() - started) / callsPerRound);
      }
      return Math.round(median(results));
    };
    // Interleaved, so both see the same machine state.
    const direct: number[] = [];
    const sharedCalls: number[] = [];
    const horizonCalls: number[] = [];
    const forTokens = withMinimumValidity(primary, 15 * 60_000); // an RDS token's 15 minutes
    for (let pass = 0; pass < 3; pass++) {
      direct.push(await callCost(() => primary()));
      sharedCalls.push(await callCost(() => shared()));
      horizonCalls.push(await callCost(() => forTokens()));
    }
    forTokens.close();
    return {
      createSharedUs: Math.round(median(createTimes) * 100) / 100,
      sharedCallNs: Math.round(median(sharedCalls)),
      directCallNs: Math.round(median(direct)),
      minimumValidityCallNs: Math.round(median(horizonCalls)),
    };
  } finally {
    for (const provider of opened) provider.close();
  }
}
