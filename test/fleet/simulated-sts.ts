// The STS of the simulation: AssumeRoleWithWebIdentity answered after a random latency, with a
// request-rate limit per simulated second (a fixed window: beyond `rateLimitPerSecond` requests in
// one second, the answer is Throttling). Counts every call per second, by kind.
import type { AwsCredentialIdentity } from "@smithy/types";
import type { SimulatedTime } from "./simulated-time.js";

export interface SimulatedStsInit {
  readonly time: SimulatedTime;
  readonly random: () => number;
  /** Latency drawn uniformly in [min, max] ms. */
  readonly latencyMs: readonly [number, number];
  readonly rateLimitPerSecond: number;
  readonly credentialLifetimeMs: number;
  /** Seconds to count (the simulated day). */
  readonly seconds: number;
  /** An outage: every call answered in [startMs, endMs) fails with `error()`. */
  readonly fault?: StsFault;
}

/** An STS outage of the simulation: recoverable (STS or the identity provider down) or not (a broken trust policy). */
export interface StsFault {
  readonly startMs: number;
  readonly endMs: number;
  readonly error: () => Error;
}

/** Why a pod calls STS: its first credentials, or a refresh. */
export type CallKind = "first" | "refresh";

/** STS's answer to too many requests; retryable, so recoverable for the engine. */
export class ThrottlingError extends Error {
  override name = "Throttling";
  readonly code = "Throttling";
  constructor() {
    super("Rate exceeded");
  }
}

export class SimulatedSts {
  /** Calls per simulated second, every kind. */
  readonly calls: Uint32Array;
  readonly firstCalls: Uint32Array;
  readonly refreshCalls: Uint32Array;
  readonly throttled: Uint32Array;
  #issued = 0;

  constructor(private readonly init: SimulatedStsInit) {
    this.calls = new Uint32Array(init.seconds);
    this.firstCalls = new Uint32Array(init.seconds);
    this.refreshCalls = new Uint32Array(init.seconds);
    this.throttled = new Uint32Array(init.seconds);
  }

  /** One AssumeRoleWithWebIdentity: a set valid for the credential lifetime from the answer. */
  assumeRole(kind: CallKind): Promise<AwsCredentialIdentity> {
    const { time, random, latencyMs } = this.init;
    const second = Math.floor(time.now() / 1000);
    const counted = second >= 0 && second < this.calls.length;
    const rejected = counted ? ++this.calls[second]! > this.init.rateLimitPerSecond : false;
    if (counted) {
      (kind === "first" ? this.firstCalls : this.refreshCalls)[second]!++;
      if (rejected) this.throttled[second]!++;
    }
    const latency = latencyMs[0] + random() * (latencyMs[1] - latencyMs[0]);
    return new Promise((resolve, reject) => {
      time.at(time.now() + latency, () => {
        if (rejected) {
          reject(new ThrottlingError());
          return;
        }
        const fault = this.init.fault;
        if (fault !== undefined && time.now() >= fault.startMs && time.now() < fault.endMs) {
          reject(fault.error());
          return;
        }
        this.#issued++;
        const answeredAt = time.now();
        resolve({
          accessKeyId: `ASIASIMULATED${this.#issued}`,
          secretAccessKey: "simulated-secret",
          sessionToken: "simulated-session",
          expiration: new Date(answeredAt + this.init.credentialLifetimeMs),
        });
      });
    });
  }
}
