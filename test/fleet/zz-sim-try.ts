import { simulateFleet, FULL_FLEET } from "./fleet-simulation.js";
const cfg = { ...FULL_FLEET, pods: Number(process.argv[2] ?? 500), durationMs: Number(process.argv[3] ?? 6) * 3_600_000 };
for (const design of [{ kind: "ours" as const }, { kind: "ours" as const, jitter: 0 }, { kind: "ours" as const, jitter: 1 }, { kind: "v3-model" as const }]) {
  const t = performance.now();
  const f = await simulateFleet(cfg, design);
  const { callsPerSecond, ...rest } = f;
  console.log(((performance.now() - t) / 1000).toFixed(1), "s", JSON.stringify(rest));
}
