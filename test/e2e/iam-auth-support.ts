// Support of the @irsa/iam-auth end-to-end tests: a provider on the local IRSA world whose
// background refreshes a test can wait for (real HTTP to the local STS under fake timers), and
// a judge of what a signed token or URL claims against the set that signed it.
import { setImmediate as realImmediate } from "node:timers/promises";
import type { IamAuthVerdict, IrsaWorld } from "@irsa/testing";
import { fromWebIdentity, type FromWebIdentityInit, type WebIdentityCredentialProvider } from "@irsa/web-identity";
import { worldInit } from "./web-identity-support.js";

/** How long `settled()` waits for the background refreshes, real milliseconds. */
const SETTLE_TIMEOUT_MS = 15_000;

/** A provider on `world` (its own engine, proactive timer on) and a way to wait for its refreshes. */
export function trackedProvider(world: IrsaWorld, extra: FromWebIdentityInit = {}) {
  let started = 0;
  let ended = 0;
  const provider: WebIdentityCredentialProvider = fromWebIdentity(
    worldInit(world, {
      shared: false,
      proactive: true,
      onEvent: (event) => {
        if (event.type === "refresh-started") started++;
        if (event.type === "refresh-succeeded" || event.type === "refresh-failed") ended++;
      },
      ...extra,
    }),
  );
  /**
   * Waits until every refresh started so far has ended: real HTTP to the local STS, so the bound is
   * real time (15 s, read from the monotonic clock that fake timers leave alone), not a number of
   * event-loop turns, which a busy machine runs through before the answer arrives.
   */
  async function settled(): Promise<void> {
    const deadline = performance.now() + SETTLE_TIMEOUT_MS;
    while (started !== ended && performance.now() < deadline) await realImmediate();
    if (started !== ended) throw new Error(`a background refresh did not end within ${SETTLE_TIMEOUT_MS} ms`);
  }
  return { provider, settled };
}

/** Tally of signed tokens or URLs: how many, how many die before the expiry they claim, the shortest life. */
export class ClaimTally {
  signed = 0;
  short = 0;
  refused = 0;
  shortestLifeMs = Infinity;
  readonly reasons: string[] = [];

  /** Counts one verdict of the emulator/verifier, taken at signing time. */
  add(verdict: IamAuthVerdict): void {
    this.signed++;
    if (!verdict.ok) {
      this.refused++;
      this.reasons.push(verdict.reason);
      return;
    }
    if (verdict.credentialsExpireAt.getTime() < verdict.tokenExpiresAt.getTime()) this.short++;
    this.shortestLifeMs = Math.min(this.shortestLifeMs, verdict.validUntil.getTime() - verdict.signedAt.getTime());
  }
}

/** AssumeRoleWithWebIdentity calls the local STS answered so far. */
export const stsCalls = (world: IrsaWorld) => world.sts.calls("AssumeRoleWithWebIdentity");
