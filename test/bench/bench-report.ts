// Renders one run as Markdown: every figure, and the ratios ours/anchor computed from the same run.
import type { BenchResults } from "./bench-results.js";
import type { HeapKind, ImportTarget } from "./child-process-measures.js";
import type { HerdMoment } from "./herd-scenarios.js";
import { ANCHOR_OF, SUBJECT_IDS, SUBJECT_LABELS, type SubjectId } from "./subjects.js";

const MOMENT_TITLES: Record<HerdMoment, string> = {
  cold: "cold provider (nothing cached)",
  "four-minutes-before-expiry": "4 minutes before expiry",
  "just-past-expiry": "1 second past expiry",
};

const IMPORT_ANCHOR: Partial<Record<ImportTarget, ImportTarget>> = {
  "@irsa/web-identity": "@aws-sdk/credential-providers",
  "@irsa/web-identity after @aws-sdk/client-sts": "@aws-sdk/credential-providers after @aws-sdk/client-sts",
  "@irsa/aws-sdk-v2": "aws-sdk",
};

const HEAP_ANCHOR: Partial<Record<HeapKind, HeapKind>> = {
  "ours-created": "fromTokenFile-created",
  "ours-v2-adapter-created": "v2-TokenFileWebIdentityCredentials-created",
  "ours-holding-credentials": "fromNodeProviderChain-holding-credentials",
};

function ratio(value: number | undefined, anchor: number | undefined): string {
  if (value === undefined || anchor === undefined || anchor === 0) return "";
  return `${(value / anchor).toFixed(2)}x`;
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export function renderMarkdown(results: BenchResults): string {
  const { environment: env, settings } = results;
  const out: string[] = [];
  out.push("# Benchmarks: ours against the AWS SDK's own providers", "");
  out.push(
    `Run \`${env.command}\` on ${env.date}: Node ${env.node}, ${env.cpu} (${env.cores} cores), ${env.platform}, ` +
      `load average ${env.loadAverage.toFixed(2)} at start. Packages: ${Object.entries(env.packages)
        .map(([name, version]) => `${name} ${version}`)
        .join(", ")}.`,
    "",
    "Everything runs against the local IRSA world (`@irsa/testing`: OIDC issuer, token file, STS emulator on 127.0.0.1), " +
      "against the built packages (`dist`). Ratios are ours / anchor from this same run. Timings depend on the machine; " +
      "STS call counts and waiting callers do not.",
    "",
  );
  out.push("## Targets", "");
  out.push(table(["target", "measured", "met"], results.targets.map((check) => [check.target, check.measured, check.met ? "yes" : "**no**"])), "");

  out.push(`## Cached call (ns per awaited call, median of ${settings.cachedRounds} rounds of ${settings.callsPerRound.toLocaleString("en-US")})`, "");
  out.push(
    table(
      ["subject", "ns/call", "ours / anchor"],
      SUBJECT_IDS.filter((id) => results.cachedCall[id] !== undefined).map((id) => [
        SUBJECT_LABELS[id],
        String(results.cachedCall[id]!.nsPerCall),
        ratio(results.cachedCall[id]!.nsPerCall, anchorValue(id, (anchor) => results.cachedCall[anchor]?.nsPerCall)),
      ]),
    ),
    "",
  );

  for (const [moment, bySubject] of Object.entries(results.herds) as Array<[HerdMoment, BenchResults["herds"][HerdMoment]]>) {
    out.push(
      `## ${settings.herdCallers.toLocaleString("en-US")} concurrent callers, ${MOMENT_TITLES[moment]}, STS answering in ${settings.herdStsLatencyMs} ms`,
      "",
    );
    out.push(
      table(
        ["subject", "STS calls", "callers that waited for STS", "p50 wait (ms)", "max wait (ms)", "failed"],
        SUBJECT_IDS.filter((id) => bySubject?.[id] !== undefined).map((id) => {
          const herd = bySubject![id]!;
          return [SUBJECT_LABELS[id], String(herd.stsCalls), String(herd.waited), String(herd.waitP50Ms), String(herd.waitMaxMs), String(herd.failed)];
        }),
      ),
      "",
    );
  }

  out.push(`## ${settings.sharingClients} clients sharing one provider through one expiry (a request from each at 4 minutes before expiry)`, "");
  out.push(
    table(
      ["subject", "STS calls"],
      SUBJECT_IDS.filter((id) => results.sharedProvider[id] !== undefined).map((id) => [SUBJECT_LABELS[id], String(results.sharedProvider[id]!.stsCalls)]),
    ),
    "",
  );

  out.push(`## Import cost in a fresh process (ms, median of ${settings.importRuns})`, "");
  const importRatio = (name: string, value: number): string => {
    const anchorName = IMPORT_ANCHOR[name as ImportTarget];
    const anchor = anchorName === undefined ? undefined : results.importCostMs[anchorName]?.medianMs;
    return anchor === undefined ? "" : `${ratio(value, anchor)} of \`${anchorName}\``;
  };
  out.push(
    table(
      ["import", "median ms", "runs", "ours / anchor"],
      Object.entries(results.importCostMs).map(([name, cost]) => [
        `\`${name}\``,
        String(cost!.medianMs),
        cost!.runsMs.join(", "),
        importRatio(name, cost!.medianMs),
      ]),
    ),
    "",
  );

  out.push(`## Create + first credentials (ms, median of ${settings.createRounds}, modules already loaded)`, "");
  out.push(
    table(
      ["subject", "ms", "ours / anchor"],
      SUBJECT_IDS.filter((id) => results.createAndFirstMs[id] !== undefined).map((id) => [
        SUBJECT_LABELS[id],
        String(results.createAndFirstMs[id]),
        ratio(results.createAndFirstMs[id], anchorValue(id, (anchor) => results.createAndFirstMs[anchor])),
      ]),
    ),
    "",
  );

  if (results.sharing !== undefined) {
    const sharing = results.sharing;
    out.push("## One engine per configuration (same run)", "");
    out.push(
      table(
        ["measure", "value"],
        [
          ["creating a provider whose configuration is already shared (µs, median per creation, 1,000 per round)", String(sharing.createSharedUs)],
          ["cached call through a provider sharing the engine (ns per awaited call)", String(sharing.sharedCallNs)],
          ["cached call through the provider that created it (ns per awaited call)", String(sharing.directCallNs)],
          ...(sharing.minimumValidityCallNs === undefined ? [] : [["cached call through withMinimumValidity(provider, 15 min) (ns per awaited call)", String(sharing.minimumValidityCallNs)]]),
        ],
      ),
      "",
    );
  }

  if (results.workerSharing !== undefined) {
    const workers = results.workerSharing;
    out.push(`## Sharing across worker threads (${workers.workers} new worker threads joining a group that holds a set)`, "");
    out.push(
      table(
        ["measure", "value"],
        [
          ["first call of a new worker, the group holding a set (µs, creation included, median)", String(workers.followerFirstCallUs)],
          ["a second join in that worker, once it is warm (µs, creation included, median)", String(workers.followerWarmJoinUs)],
          ["first call of a new worker that does not share (µs, its own call to the local STS, median)", String(workers.aloneFirstCallUs)],
          ["cached call in a follower (ns per awaited call)", String(workers.followerCallNs)],
          ["cached call in an unshared provider, same thread (ns per awaited call)", String(workers.directCallNs)],
        ],
      ),
      "",
    );
  }

  out.push(
    `## Heap per instance (KB; ${settings.heapInstancesCreated} instances created, ${settings.heapInstancesHolding} holding credentials; \`node --expose-gc\`)`,
    "",
  );
  out.push(
    table(
      ["instance", "KB", "ours / anchor"],
      Object.entries(results.heapKbPerInstance).map(([kind, kb]) => {
        const anchor = HEAP_ANCHOR[kind as HeapKind];
        return [kind, String(kb), anchor === undefined ? "" : `${ratio(kb, results.heapKbPerInstance[anchor])} of ${anchor}`];
      }),
    ),
    "",
  );

  if (results.credentialServerLoad !== undefined) {
    out.push("## Credential server endpoint load (`test/bench/credential-server-load.ts`)", "", "```json", JSON.stringify(results.credentialServerLoad, null, 2), "```", "");
  }
  out.push(
    "## How each figure is taken",
    "",
    "- v3 client rows time `client.config.credentials()`: what the signing step of every request awaits. `@aws-sdk/core` " +
      "(`resolveAwsSdkSigV4Config`) wraps the given provider in `@smithy/core`'s `memoizeIdentityProvider` (refresh when " +
      "the set is within `EXPIRATION_MS = 300_000` of expiry, blocking), binds the caller config and attributes the " +
      "credential source. v2 rows time `credentials.getPromise()`. `fromNodeProviderChain` is called directly (it has its own memo).",
    "- Herds: a fresh subject gets one set (1-hour credentials from the local STS), then the process-wide clock " +
      "(`Date`, shared by every SDK, our engine and the local STS) moves to 4 minutes before that set's expiry or 1 s " +
      "past it, and the callers arrive together. A caller \"waited for STS\" when its call settled after STS had answered.",
    "- Ours uses its defaults (proactive timer on). Its timer runs on real time, so the clock jump finds it not yet fired: " +
      "the 4-minute herd shows the worst case for ours (refresh not done yet), where the engine serves the cached set and refreshes once in the background.",
    "- Import cost: `node --input-type=module -e 'await import(...)'` timed inside a fresh process, from `test/`.",
    "",
  );
  return out.join("\n");
}

function anchorValue(id: SubjectId, read: (anchor: SubjectId) => number | undefined): number | undefined {
  const anchor = ANCHOR_OF[id];
  return anchor === undefined ? undefined : read(anchor);
}
