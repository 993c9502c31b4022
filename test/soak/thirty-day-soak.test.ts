// 30 days of a pod's life in well under a minute: the real `fromWebIdentity` provider against the
// real local STS over real HTTP, with the wall clock faked (only `Date`: sockets and timers stay
// real). Every simulated minute the application asks for credentials; every hour a real v3 client
// signs a GetCallerIdentity with them. Kubelet rotates the token at 80% of its 1-hour life,
// 5% of STS calls fail at random (seeded), STS is down twice for 20 minutes, and the clock jumps
// 5 minutes once.
//
// Why real HTTP and not a simulated source: 30 days of 1-hour sets are ~1,000 STS calls, which the
// local STS answers in a few seconds, so the whole path (token file, STS client, retries, the
// engine) is exercised as it runs in production.
//
// Why `proactive: false`: with a fake `Date` and real timers, the proactive timer would fire at
// real-time instants unrelated to the simulated clock. Here traffic (a call every simulated minute)
// drives the refreshes; the timer has its own tests in the engine's suite.

import { setImmediate as nextTurn } from "node:timers/promises";
import { getHeapSnapshot, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { startIrsaWorld, type IrsaWorld, type IssuedCredentials } from "@irsa/testing";
import { fromWebIdentity, type CredentialCacheEvent, type WebIdentityCredentialProvider } from "@irsa/web-identity";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { OutputCapture, SecretIndex, type SecretHit } from "../e2e/redaction-capture.js";
import { seededRandom } from "@irsa/testing";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DAYS = 30;
const START = Date.UTC(2026, 0, 5, 0, 0, 0);
const STEP = MINUTE;
const CALLER_EVERY = HOUR;
const TOKEN_TTL_SECONDS = 3600;
/** Kubelet refreshes a projected token at 80% of its lifetime. */
const ROTATE_AT_FRACTION = 0.8;
const RANDOM_FAULT_RATE = 0.05;
const OUTAGE = 20 * MINUTE;
const CLOCK_JUMP = 5 * MINUTE;
const CLOCK_JUMP_AT = START + 14 * DAY + 6 * HOUR + 30 * MINUTE;
/** The engine's default failure backoff is 300-600 s. */
const MIN_BACKOFF = 5 * MINUTE;
const MAX_BACKOFF = 10 * MINUTE;
const MAX_ATTEMPTS = 3;
/** With the set expired, the engine's recovery backoff is at most 30 s: below one step here. */
const RECOVERY_CAP = 30_000;
const ACTION = "AssumeRoleWithWebIdentity" as const;

// --- the budget -----------------------------------------------------------------------------
// A 1-hour set is refreshed no earlier than its advisory window (the last 15 minutes), so two
// successful refreshes are at least 45 minutes apart: at most floor(1440 / 45) + 1 = 33 per day.
// A failed refresh with a valid set backs off at least 5 minutes (20 / 5 + 1 = 5 failed refreshes
// in a 20-minute outage); once the set expired, the recovery backoff (<= 30 s, below the 1-minute
// step) lets each caller's step try once: at most 20 more. Each refresh makes at most
// retry.maxAttempts = 3 STS calls. Budget per day: 3 x (33 + 25 per outage that day) = 99 STS
// calls (174 on an outage day), against ~34 expected (33 refreshes x 1.05 calls, 5% failing).
const MAX_SUCCESSES_PER_DAY = Math.floor(DAY / (45 * MINUTE)) + 1;
const MAX_FAILED_REFRESHES_PER_OUTAGE = OUTAGE / MIN_BACKOFF + 1 + OUTAGE / STEP;
const stsCallBudget = (outagesThatDay: number) => MAX_ATTEMPTS * (MAX_SUCCESSES_PER_DAY + MAX_FAILED_REFRESHES_PER_OUTAGE * outagesThatDay);


/**
 * Bytes of every object still reachable (a heap snapshot, which collects garbage first), V8's
 * compiled code excluded: the JIT keeps compiling and tiering up functions for days of a run, a
 * growth of code, not of data the program holds.
 */
async function retainedDataBytes(): Promise<number> {
  const chunks: Buffer[] = [];
  for await (const chunk of getHeapSnapshot()) chunks.push(Buffer.from(chunk as Uint8Array));
  const snapshot = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const typeNames = snapshot.snapshot.meta.node_types[0];
  const stride = fields.length;
  const typeAt = fields.indexOf("type");
  const sizeAt = fields.indexOf("self_size");
  let bytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += stride) {
    if (typeNames[snapshot.nodes[i + typeAt]!] !== "code") bytes += snapshot.nodes[i + sizeAt]!;
  }
  return bytes;
}

/** `global.gc`, made available without a command-line flag. */
function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

interface Outage {
  start: number;
  end: number;
  stsCalls: number;
  failedRefreshes: number;
  servedExpired: number;
  /** Callers that got the last error (the set expired, STS down): never an expired set. */
  raisedWhileDown: number;
  firstSuccessAfterEnd?: number;
}

interface DayFigures {
  stsCalls: number;
  successes: number;
  failures: number;
  failuresOutsideOutages: number;
  outages: number;
}

interface SoakResult {
  days: DayFigures[];
  outages: Outage[];
  expiredWhileUp: Array<{ at: number; expiration: number }>;
  callerFailuresWhileUp: string[];
  callerChecks: number;
  callerErrors: string[];
  rotations: number;
  randomFaults: number;
  secretHits: SecretHit[];
  secretsChecked: number;
  /** After gc: V8's heapUsed, and the bytes of the objects still reachable, compiled code excluded. */
  heapDay1: { used: number; data: number };
  heapDay30: { used: number; data: number };
  setsServed: number;
  setsStillAlive: number;
  unhandled: unknown[];
  wallMs: number;
  /** CPU time of this process (all its threads): the work, whatever else shares the machine. */
  cpuMs: number;
}

let world: IrsaWorld;
let provider: WebIdentityCredentialProvider | undefined;
const clients: STSClient[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
let result: SoakResult;

beforeAll(async () => {
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.on("unhandledRejection", onUnhandled);
  process.on("uncaughtException", onUnhandled);
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(START);
  world = await startIrsaWorld({ tokenTtlSeconds: TOKEN_TTL_SECONDS });
  result = await soak();
}, 120_000);

afterAll(async () => {
  provider?.close();
  for (const client of clients) client.destroy();
  await world?.close();
  vi.useRealTimers();
  process.off("unhandledRejection", onUnhandled);
  process.off("uncaughtException", onUnhandled);
  delete process.env.AWS_EC2_METADATA_DISABLED;
});

async function soak(): Promise<SoakResult> {
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const gc = exposeGc();
  const faultRandom = seededRandom(20_260_105);
  const capture = new OutputCapture();
  const secretHits: SecretHit[] = [];
  let secretsChecked = 0;
  // Each day's output is scanned against the secrets of that day and the day before: the sets the
  // local STS still knows (it forgets those expired for a day, below) and the recent tokens. An
  // older secret could only be printed if something still held it, and the collected-sets check
  // below shows nothing does. A month-long index would also grow the heap this test measures.
  const recentTokens: Array<{ at: number; token: string }> = [{ at: START, token: world.tokenFile.currentToken }];
  const scan = () => {
    const secrets = new SecretIndex();
    secrets.addIssued(world.sts.issuedCredentials);
    for (const { token } of recentTokens) secrets.addToken("web identity token", token);
    secretsChecked += secrets.size;
    secretHits.push(...capture.scan(secrets));
  };

  // The schedule of the month.
  const outages: Outage[] = [];
  const outageB = { start: START + 19 * DAY + 12 * HOUR + 7 * MINUTE, end: 0 };
  outageB.end = outageB.start + OUTAGE;
  let outageA: Outage | undefined; // starts just before a refresh is due, on day 10
  let clockJumped = false;
  /** STS is "up" outside outages and outside the one backoff that may still run after each. */
  const stsUp = (at: number) => !outages.some((o) => at >= o.start && at < o.end + MAX_BACKOFF + STEP);

  // The provider's STS client: before each AssumeRoleWithWebIdentity, decide whether the local STS
  // fails it (an outage, or the 5% random faults). The fault is then real: an HTTP error or a reset.
  let randomFaults = 0;
  const stsClient = new STSClient({ region: world.region, endpoint: world.sts.endpoint, maxAttempts: 1 });
  clients.push(stsClient);
  stsClient.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "AssumeRoleWithWebIdentityCommand") {
        const faults = world.sts.faults;
        const outage = outages.find((o) => Date.now() >= o.start && Date.now() < o.end);
        if (outage !== undefined) {
          outage.stsCalls++;
          faults.failNext(1, { code: "ServiceUnavailable", status: 503, action: ACTION });
        } else if (faultRandom() < RANDOM_FAULT_RATE) {
          randomFaults++;
          const kind = Math.floor(faultRandom() * 5);
          if (kind === 4) faults.dropNext(1, { action: ACTION });
          else {
            const [code, status] = ([["InternalFailure", 500], ["ServiceUnavailable", 503], ["Throttling", 400], ["IDPCommunicationError", 400]] as const)[kind]!;
            faults.failNext(1, { code, status, action: ACTION });
          }
        }
      }
      return next(args);
    },
    { step: "build", name: "soakFaults" },
  );

  // Refreshes run to completion before the simulated clock moves on, so the run is deterministic.
  let refreshing: Promise<void> | undefined;
  let refreshDone: (() => void) | undefined;
  // Filled in below; the engine's events are booked as they come (nothing is kept).
  let book: (event: CredentialCacheEvent) => void = () => {};
  provider = fromWebIdentity({
    roleArn: world.roleArn,
    webIdentityTokenFile: world.tokenFile.path,
    region: world.region,
    stsClient,
    proactive: false,
    random: seededRandom(7),
    retry: { sleep: async () => {} },
    logger: capture.logger,
    onEvent: (event) => {
      capture.onEvent(event);
      book(event);
      if (event.type === "refresh-started") refreshing = new Promise((resolve) => (refreshDone = resolve));
      if (event.type === "refresh-succeeded" || event.type === "refresh-failed") {
        refreshDone?.();
        refreshing = undefined;
      }
    },
  });

  // A real v3 client, as the application would have; its SigV4 signatures are checked by the STS.
  // Node caches the HTTP Date header for a real second (hours of simulated time here), so the
  // client must not correct its clock from it.
  const caller = new STSClient({
    region: world.region,
    endpoint: world.sts.endpoint,
    credentials: provider,
    maxAttempts: 1,
    disableClockSkewCorrection: true,
  });
  clients.push(caller);

  const days: DayFigures[] = [];
  let day: DayFigures = { stsCalls: 0, successes: 0, failures: 0, failuresOutsideOutages: 0, outages: 0 };
  let dayIndex = 0;
  const expiredWhileUp: SoakResult["expiredWhileUp"] = [];
  const callerFailuresWhileUp: string[] = [];
  const callerErrors: string[] = [];
  let callerChecks = 0;
  let rotations = 0;
  // Every set handed out is watched: once replaced, it must be collected.
  let setsServed = 0;
  let setsAlive = 0;
  let lastKey: string | undefined;
  const collected = new FinalizationRegistry<undefined>(() => void setsAlive--);
  let heapDay1 = { used: 0, data: 0 };

  const settleGc = async () => {
    for (let i = 0; i < 3; i++) {
      await nextTurn();
      gc();
    }
    await nextTurn(); // finalization callbacks run
  };
  const measureHeap = async () => {
    await settleGc();
    return { used: process.memoryUsage().heapUsed, data: await retainedDataBytes() };
  };
  // The local STS keeps every set it issued (~1 KB each, a record of the test kit). STS is not in
  // a real pod's process, so once their secrets are registered for the scan, sets that expired
  // more than a day ago are dropped from that record: the heap then measures the provider.
  const forgetOldSets = (at: number) => {
    const issued = world.sts.issuedCredentials as Map<string, IssuedCredentials>;
    for (const [accessKeyId, credentials] of issued) {
      if (credentials.expiration.getTime() < at - DAY) issued.delete(accessKeyId);
    }
    while (recentTokens.length > 1 && recentTokens[0]!.at < at - 2 * DAY) recentTokens.shift();
  };
  const closeDay = async () => {
    day.stsCalls = world.sts.calls(ACTION);
    days.push(day);
    world.sts.reset(); // the request log, not the issued sets
    capture.object("provider", provider);
    capture.object("stats", provider!.stats);
    scan();
    forgetOldSets(now);
    if (days.length === 1) heapDay1 = await measureHeap();
    day = { stsCalls: 0, successes: 0, failures: 0, failuresOutsideOutages: 0, outages: 0 };
  };

  book = (event) => {
    if (event.type === "refresh-succeeded") {
      day.successes++;
      for (const outage of outages) if (event.at >= outage.end && outage.firstSuccessAfterEnd === undefined) outage.firstSuccessAfterEnd = event.at;
    } else if (event.type === "refresh-failed") {
      day.failures++;
      const outage = outages.find((o) => event.at >= o.start && event.at < o.end);
      if (outage) outage.failedRefreshes++;
      else day.failuresOutsideOutages++;
    }
  };

  const ask = async (at: number): Promise<void> => {
    let credentials: AwsCredentialIdentity;
    try {
      credentials = await provider!();
    } catch (error) {
      capture.error(error);
      const outage = outages.find((o) => at >= o.start && at < o.end);
      if (outage !== undefined) outage.raisedWhileDown++;
      else callerErrors.push(`${new Date(at).toISOString()} ${String(error)}`);
      return;
    }
    if (refreshing) await refreshing;
    if (credentials.accessKeyId !== lastKey) {
      lastKey = credentials.accessKeyId;
      setsServed++;
      setsAlive++;
      collected.register(credentials, undefined);
      capture.object("credentials", credentials);
    }
    const expiration = credentials.expiration!.getTime();
    if (expiration <= at) {
      if (stsUp(at)) expiredWhileUp.push({ at, expiration });
      for (const outage of outages) if (at >= outage.start && at < outage.end + MAX_BACKOFF + STEP) outage.servedExpired++;
    }
  };

  let now = START;
  while (now < START + DAYS * DAY) {
    now += STEP;
    if (!clockJumped && now >= CLOCK_JUMP_AT) {
      clockJumped = true;
      now += CLOCK_JUMP; // NTP steps the clock (or the VM was frozen): time moves 5 minutes at once
    }
    vi.setSystemTime(now);

    if (now >= world.tokenFile.expiresAt - (1 - ROTATE_AT_FRACTION) * TOKEN_TTL_SECONDS * 1000) {
      await world.tokenFile.rotate();
      rotations++;
      recentTokens.push({ at: now, token: world.tokenFile.currentToken });
    }
    if (outageA === undefined && now >= START + 9 * DAY) {
      // Make the first outage as hard as possible: it starts just before the set's refresh is due,
      // lasts longer than the advisory window, so the set expires while STS is down.
      const due = provider.stats.nextRefreshAt;
      if (due !== undefined && now >= due - STEP) {
        outageA = { start: now, end: now + OUTAGE, stsCalls: 0, failedRefreshes: 0, servedExpired: 0, raisedWhileDown: 0 };
        outages.push(outageA);
      }
    }
    if (outages.length === 1 && now >= outageB.start) {
      outages.push({ ...outageB, stsCalls: 0, failedRefreshes: 0, servedExpired: 0, raisedWhileDown: 0 });
    }

    await ask(now);
    if ((now - START) % CALLER_EVERY === 0) {
      callerChecks++;
      try {
        await caller.send(new GetCallerIdentityCommand({}));
      } catch (error) {
        if (stsUp(now)) callerFailuresWhileUp.push(`${new Date(now).toISOString()} ${(error as Error).name}`);
      }
      if (refreshing) await refreshing;
    }

    if (Math.floor((now - START) / DAY) > dayIndex) {
      dayIndex++;
      day.outages = outages.filter((o) => Math.floor((o.start - START) / DAY) === dayIndex - 1).length;
      await closeDay();
    }
  }
  scan();
  const heapDay30 = await measureHeap();
  const setsStillAlive = setsAlive;
  return {
    days,
    outages,
    expiredWhileUp,
    callerFailuresWhileUp,
    callerChecks,
    callerErrors,
    rotations,
    randomFaults,
    secretHits,
    secretsChecked,
    heapDay1,
    heapDay30,
    setsServed,
    setsStillAlive,
    unhandled: [...unhandled],
    wallMs: performance.now() - wallStart,
    cpuMs: cpuMs(process.cpuUsage(cpuStart)),
  };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(2);
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

describe("30 days with rotations, random STS faults, two outages and a clock jump", () => {
  it("ran 30 simulated days within 60 s", () => {
    expect(result.days).toHaveLength(DAYS);
    // Measured as this process's CPU time, so a busy CI machine does not make it flaky; on an idle
    // 2-core machine the wall time is about the same (~15-20 s).
    expect(result.cpuMs).toBeLessThan(60_000);
    // Kubelet rotated every 48 minutes; the random faults did happen.
    expect(result.rotations).toBeGreaterThanOrEqual(Math.floor((DAYS * DAY) / (0.8 * HOUR)) - 1);
    expect(result.randomFaults).toBeGreaterThan(20);
    console.info(
      `[soak] ${DAYS} days in ${(result.wallMs / 1000).toFixed(1)} s (CPU ${(result.cpuMs / 1000).toFixed(1)} s): ` +
        `${result.days.reduce((n, d) => n + d.stsCalls, 0)} STS calls, ${result.days.reduce((n, d) => n + d.successes, 0)} refreshes, ` +
        `${result.randomFaults} random faults, ${result.rotations} token rotations, ${result.callerChecks} signed calls; ` +
        `max STS calls/day ${Math.max(...result.days.map((d) => d.stsCalls))}; heap used ${mb(result.heapDay1.used)} -> ${mb(result.heapDay30.used)} MB, data ${mb(result.heapDay1.data)} -> ${mb(result.heapDay30.data)} MB; ` +
        `outages: ${result.outages.map((o) => `${o.stsCalls} calls, ${o.servedExpired} expired serves, ${o.raisedWhileDown} errors raised, recovered ${o.firstSuccessAfterEnd === undefined ? "-" : `${(o.firstSuccessAfterEnd - o.end) / 1000} s`} after`).join("; ")}`,
    );
  });

  it("never handed out expired credentials while STS was up, and every signed call then succeeded", () => {
    expect(result.expiredWhileUp).toEqual([]);
    expect(result.callerFailuresWhileUp).toEqual([]);
    expect(result.callerErrors).toEqual([]);
    // Every hour of the clock (less a mark the 5-minute jump would step over).
    const skipped = (CLOCK_JUMP_AT - START) % CALLER_EVERY === 0 ? 1 : 0;
    expect(result.callerChecks).toBe((DAYS * DAY) / CALLER_EVERY - skipped);
  });

  it("served the cached set through each outage while it was valid, never an expired one, and recovered within the recovery cap once it had expired", () => {
    expect(result.outages).toHaveLength(2);
    const hard = result.outages[0];
    // The first outage covered the whole refresh window: the set expired while STS was down.
    // Callers then got the last error, never the expired set, and the recovery is a real one.
    expect(hard!.raisedWhileDown).toBeGreaterThan(0);
    expect(hard!.firstSuccessAfterEnd! - hard!.end).toBeLessThanOrEqual(RECOVERY_CAP + STEP);
    for (const outage of result.outages) {
      expect(outage.servedExpired).toBe(0);
      expect(outage.firstSuccessAfterEnd).toBeDefined();
      expect(outage.firstSuccessAfterEnd! - outage.end).toBeLessThanOrEqual(MAX_BACKOFF + STEP);
      // While down, the backoffs kept STS calls bounded.
      expect(outage.failedRefreshes).toBeLessThanOrEqual(MAX_FAILED_REFRESHES_PER_OUTAGE);
      expect(outage.stsCalls).toBeLessThanOrEqual(MAX_FAILED_REFRESHES_PER_OUTAGE * MAX_ATTEMPTS);
    }
  });

  it(`kept STS calls per day within the budget: ${stsCallBudget(0)} (${stsCallBudget(1)} on an outage day)`, () => {
    for (const [index, day] of result.days.entries()) {
      expect(day.successes, `refreshes on day ${index + 1}`).toBeLessThanOrEqual(MAX_SUCCESSES_PER_DAY);
      expect(day.stsCalls, `STS calls on day ${index + 1}`).toBeLessThanOrEqual(stsCallBudget(day.outages));
      expect(day.failuresOutsideOutages, `failed refreshes outside outages on day ${index + 1}`).toBeLessThanOrEqual(1);
    }
    // With 5% of calls failing, a refresh needs ~1.05 calls on average.
    const quiet = result.days.filter((d) => d.outages === 0);
    const calls = quiet.reduce((n, d) => n + d.stsCalls, 0);
    const refreshes = quiet.reduce((n, d) => n + d.successes, 0);
    expect(calls / refreshes).toBeLessThan(1.2);
    expect(refreshes / quiet.length).toBeGreaterThan(27); // a 1-hour set lasts at most 52 minutes
  });

  it("had no unhandled rejection and no uncaught exception", () => {
    expect(result.unhandled).toEqual([]);
  });

  it("kept memory flat: heap at day 30 within 10% of day 1, and old credential sets collected", () => {
    // The objects still reachable after a full gc (compiled code excluded: the JIT's, not ours).
    expect(result.heapDay30.data).toBeLessThan(result.heapDay1.data * 1.1);
    // ~900 sets were handed out; only the current one (held by the engine and the v3 client's
    // memo), and at most the one before it, may still be reachable.
    expect(result.setsServed).toBeGreaterThan(800);
    expect(result.setsStillAlive).toBeLessThanOrEqual(2);
  });

  it("no token, secret key or session token in any log line, event, error, credentials, provider or stats", () => {
    expect(result.secretsChecked).toBeGreaterThan(3_000);
    expect(result.secretHits).toEqual([]);
  });
});
