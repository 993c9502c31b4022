import { simulateFleet, FULL_FLEET } from "./fleet-simulation.js";
const pods = Number(process.argv[2] ?? 2000), hours = Number(process.argv[3] ?? 6);
const cfg = { ...FULL_FLEET, pods, durationMs: hours * 3_600_000 };
for (const design of [{ kind: "ours" as const }, { kind: "v3-model" as const }, { kind: "ours" as const, jitter: 1 }]) {
  const c0 = process.cpuUsage(); const t = performance.now();
  const f = await simulateFleet(cfg, design);
  const cpu = process.cpuUsage(c0);
  console.log(JSON.stringify(design), "cpu", ((cpu.user + cpu.system) / 1e6).toFixed(2), "wall", ((performance.now() - t) / 1000).toFixed(2), "sts", f.stsCalls, "peak", f.perSecond.refreshPeak);
}
