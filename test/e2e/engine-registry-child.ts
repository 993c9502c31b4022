// A child process for engine-registry.test.ts, run with --expose-gc against the BUILT package
// (dist), as an application would load it. Prints one JSON report line.
import { createRequire } from "node:module";
import { setTimeout as sleep, setImmediate as nextTurn } from "node:timers/promises";

type Module = typeof import("@irsa/web-identity");
const REGISTRY = Symbol.for("irsa-credentials.engines.v1");
const gc = (globalThis as { gc?: () => void }).gc;

function liveEngines(): number {
  const registry = (globalThis as Record<symbol, { engines: Map<string, WeakRef<object>> } | undefined>)[REGISTRY];
  let live = 0;
  for (const ref of registry?.engines.values() ?? []) if (ref.deref() !== undefined) live++;
  return live;
}

async function collect(): Promise<void> {
  for (let i = 0; i < 10; i++) {
    gc!();
    await nextTurn();
  }
}

async function twoCopies(): Promise<object> {
  const esm = (await import("@irsa/web-identity")) as Module;
  const cjs = createRequire(import.meta.url)("@irsa/web-identity") as Module;
  const fromEsm = esm.fromWebIdentity({ proactive: false });
  const fromCjs = cjs.fromWebIdentity({ proactive: false });
  const [a, b] = await Promise.all([fromEsm(), fromCjs()]);
  const report = { distinctCopies: esm.fromWebIdentity !== cjs.fromWebIdentity, sameKey: a.accessKeyId === b.accessKeyId, accessKeyId: a.accessKeyId };
  fromEsm.close();
  fromCjs.close();
  return report;
}

async function dropped(): Promise<object> {
  const { withCredentialCache, fromWebIdentity } = (await import("@irsa/web-identity")) as Module;
  const COUNT = 2_000;
  let sourceCalls = 0;
  const collected = { providers: 0 };
  const finalization = new FinalizationRegistry(() => void collected.providers++);
  const held: unknown[] = [];
  const make = async (round: string): Promise<void> => {
    for (let i = 0; i < COUNT; i++) {
      // Distinct sources: 2,000 engines, each with a 4-second set (refresh due within about a second).
      const provider = withCredentialCache(async () => {
        sourceCalls++;
        return { accessKeyId: `ASIA${round}${i}`, secretAccessKey: "secret", expiration: new Date(Date.now() + 4_000) };
      });
      await provider();
      finalization.register(provider, undefined);
      held.push(provider);
    }
  };
  // A first round pays the one-time costs (compiled code, grown tables), which would otherwise
  // count as retained; the second round is the one measured.
  // Collection is not instant: a provider's engine goes once its finalizer has run.
  const awaitCollected = async (): Promise<void> => {
    for (let waited = 0; collected.providers < COUNT && waited < 10_000; waited += 100) {
      await collect();
      await sleep(100);
    }
    await collect();
  };
  await make("warm");
  held.length = 0;
  await awaitCollected();
  await sleep(5_000);
  sourceCalls = 0;
  collected.providers = 0;
  await collect();
  const before = process.memoryUsage().heapUsed;
  await make("");
  await collect();
  const live = process.memoryUsage().heapUsed;
  held.length = 0;
  const callsAtDrop = sourceCalls;
  // Until the finalizers have run, an engine whose refresh falls due may still refresh (counted
  // apart). From then on, not one call more.
  await awaitCollected();
  const after = process.memoryUsage().heapUsed;
  const callsBeforeCollected = sourceCalls - callsAtDrop;
  await sleep(5_000); // past every set's refresh instant and expiry
  const callsAfterCollected = sourceCalls - callsAtDrop - callsBeforeCollected;

  // fromWebIdentity providers (20 configurations) dropped without close(): their engines go too.
  // Held while counted (a collection may run at any allocation), then dropped together; in a
  // function of their own, so no variable of this one keeps the last of them.
  const liveBeforeGc = await (async () => {
    const providers: unknown[] = [];
    for (let i = 0; i < 20; i++) {
      const provider = fromWebIdentity({ proactive: false, roleSessionName: `dropped-${i}` });
      await provider();
      providers.push(provider);
    }
    return liveEngines();
  })();
  await collect();
  await sleep(100);
  await collect();
  return {
    count: COUNT,
    callsAtDrop,
    callsBeforeCollected,
    callsAfterCollected,
    collectedProviders: collected.providers,
    liveBytesPerProvider: (live - before) / COUNT,
    retainedBytesPerProvider: Math.max(0, after - before) / COUNT,
    liveBeforeGc,
    liveAfterGc: liveEngines(),
  };
}

/** `await fromWebIdentity()()`: the provider is dropped while its own fetch waits on a slow STS; collections run meanwhile. */
async function droppedMidFetch(): Promise<object> {
  const { fromWebIdentity } = (await import("@irsa/web-identity")) as Module;
  const errors: string[] = [];
  const keys: string[] = [];
  for (let i = 0; i < 5; i++) {
    const call = fromWebIdentity({ proactive: false, roleSessionName: `mid-fetch-${i}`, logger: { debug: () => {}, info: () => {}, warn: (m: string) => void errors.push(m), error: (m: string) => void errors.push(m) } })();
    const collecting = (async () => {
      for (let round = 0; round < 5; round++) {
        await sleep(20);
        gc!();
      }
    })();
    const [set] = await Promise.all([call, collecting]);
    keys.push(set.accessKeyId);
  }
  return { keys, errors };
}

const mode = process.env.ENGINE_CHILD_MODE;
const report = mode === "two-copies" ? await twoCopies() : mode === "dropped-mid-fetch" ? await droppedMidFetch() : await dropped();
process.stdout.write(`${JSON.stringify(report)}\n`);
