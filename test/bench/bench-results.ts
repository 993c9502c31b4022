// The shape of one `pnpm bench` run, and the targets read from it.
import type { HeapKind, ImportTarget } from "./child-process-measures.js";
import type { HerdMoment, HerdResult } from "./herd-scenarios.js";
import type { CachedCallResult } from "./timing-scenarios.js";
import type { SubjectId } from "./subjects.js";
import type { SharingResult } from "./sharing-scenarios.js";
import type { WorkerSharingResult } from "./worker-sharing-scenario.js";

export interface BenchEnvironment {
  readonly command: string;
  readonly date: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly platform: string;
  /** 1-minute load average when the run started: a busy machine makes timings noisy. */
  readonly loadAverage: number;
  readonly packages: Record<string, string>;
}

export interface BenchSettings {
  readonly cachedRounds: number;
  readonly callsPerRound: number;
  readonly herdCallers: number;
  readonly herdStsLatencyMs: number;
  readonly sharingClients: number;
  readonly importRuns: number;
  readonly createRounds: number;
  readonly heapInstancesCreated: number;
  readonly heapInstancesHolding: number;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

export interface BenchResults {
  readonly environment: BenchEnvironment;
  readonly settings: BenchSettings;
  readonly cachedCall: Partial<Record<SubjectId, CachedCallResult>>;
  readonly herds: Partial<Record<HerdMoment, Partial<Record<SubjectId, HerdResult>>>>;
  readonly sharedProvider: Partial<Record<SubjectId, { clients: number; stsCalls: number }>>;
  readonly importCostMs: Partial<Record<ImportTarget, { medianMs: number; runsMs: number[] }>>;
  readonly createAndFirstMs: Partial<Record<SubjectId, number>>;
  /** One engine per configuration: creating a provider of a shared configuration, and a call through it. */
  readonly sharing?: SharingResult;
  /** Sharing across worker threads: a follower's first and cached calls. */
  readonly workerSharing?: WorkerSharingResult;
  readonly heapKbPerInstance: Partial<Record<HeapKind, number>>;
  readonly credentialServerLoad?: unknown;
  readonly targets: readonly TargetCheck[];
}

/** The targets, read from one run's figures. */
export function checkTargets(results: Omit<BenchResults, "targets">): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const cached = results.cachedCall;
  const anchor = cached["v3-client-fromTokenFile"]?.nsPerCall;
  const direct = cached["ours-direct"]?.nsPerCall;
  const viaClient = cached["ours-v3-client"]?.nsPerCall;
  if (anchor !== undefined && direct !== undefined) {
    const ratio = direct / anchor;
    checks.push({ target: "ours direct <= 0.5x the v3 client's memoized fromTokenFile, per cached call", measured: `${direct} ns vs ${anchor} ns = ${ratio.toFixed(2)}x`, met: ratio <= 0.5 });
  }
  if (anchor !== undefined && viaClient !== undefined) {
    const ratio = viaClient / anchor;
    checks.push({ target: "ours through a v3 client within 10% of the client's own memo", measured: `${viaClient} ns vs ${anchor} ns = ${ratio.toFixed(2)}x`, met: ratio <= 1.1 });
  }
  const sharing = results.sharing;
  if (sharing !== undefined) {
    const ratio = sharing.sharedCallNs / sharing.directCallNs;
    checks.push({
      target: "cached call through a shared provider within 10% of the direct call (same run)",
      measured: `${sharing.sharedCallNs} ns vs ${sharing.directCallNs} ns = ${ratio.toFixed(2)}x`,
      met: ratio <= 1.1,
    });
    if (sharing.minimumValidityCallNs !== undefined) {
      const horizonRatio = sharing.minimumValidityCallNs / sharing.directCallNs;
      checks.push({
        target: "cached call through withMinimumValidity within 10% of the direct call (same run)",
        measured: `${sharing.minimumValidityCallNs} ns vs ${sharing.directCallNs} ns = ${horizonRatio.toFixed(2)}x`,
        met: horizonRatio <= 1.1,
      });
    }
  }
  const workers = results.workerSharing;
  if (workers !== undefined) {
    const ratio = workers.followerCallNs / workers.directCallNs;
    checks.push({
      target: "cached call in a follower worker within 10% of the direct call (same thread, same run)",
      measured: `${workers.followerCallNs} ns vs ${workers.directCallNs} ns = ${ratio.toFixed(2)}x`,
      met: ratio <= 1.1,
    });
  }
  const fourMinutes = results.herds["four-minutes-before-expiry"] ?? {};
  const oursWaiting = (["ours-direct", "ours-v3-client", "ours-v2-adapter"] as const)
    .flatMap((id) => {
      const waited = fourMinutes[id]?.waited;
      return waited === undefined ? [] : [[id, waited] as const];
    });
  if (oursWaiting.length > 0) {
    checks.push({
      target: "0 callers wait at 4 minutes before expiry (ours, every path)",
      measured: oursWaiting.map(([id, waited]) => `${id}: ${waited}`).join(", "),
      met: oursWaiting.every(([, waited]) => waited === 0),
    });
  }
  const importMs = results.importCostMs["@irsa/web-identity"]?.medianMs;
  if (importMs !== undefined) checks.push({ target: "import @irsa/web-identity <= 30 ms", measured: `${importMs} ms`, met: importMs <= 30 });
  const heap = results.heapKbPerInstance["ours-created"];
  if (heap !== undefined) checks.push({ target: "heap per provider <= 20 KB (created)", measured: `${heap} KB`, met: heap <= 20 });
  const holding = results.heapKbPerInstance["ours-holding-credentials"];
  if (holding !== undefined) checks.push({ target: "heap per provider <= 20 KB (holding a set)", measured: `${holding} KB`, met: holding <= 20 });
  const herdCalls: string[] = [];
  let allOne = true;
  for (const [moment, bySubject] of Object.entries(results.herds)) {
    for (const id of ["ours-direct", "ours-v3-client", "ours-v2-adapter"] as const) {
      const calls = bySubject?.[id]?.stsCalls;
      if (calls === undefined) continue;
      herdCalls.push(`${moment}/${id}: ${calls}`);
      if (calls !== 1) allOne = false;
    }
  }
  for (const id of ["ours-direct", "ours-v3-client", "ours-v2-adapter"] as const) {
    const calls = results.sharedProvider[id]?.stsCalls;
    if (calls === undefined) continue;
    herdCalls.push(`shared/${id}: ${calls}`);
    if (calls !== 1) allOne = false;
  }
  if (herdCalls.length > 0) checks.push({ target: "1 STS call per herd (ours)", measured: herdCalls.join(", "), met: allOne });
  return checks;
}
