// `pnpm exec tsx test/fleet/run-outage-scenarios.ts`: the three outage scenarios, ours beside the
// v3 client model; prints the table that test/fleet/RESULTS.md shows.
import { OUTAGE_FLEET, OUTAGE_SCENARIOS, renderOutageTable, runOutage } from "./outage-scenarios.js";

const only = process.argv[2]; // a scenario letter, to run one
const rows = [];
for (const scenario of OUTAGE_SCENARIOS.filter((entry) => only === undefined || entry.name.startsWith(`(${only})`))) {
  const ours = await runOutage(scenario, { kind: "ours" });
  const v3 = await runOutage(scenario, { kind: "v3-model" });
  rows.push({ scenario, ours, v3 });
}
process.stdout.write(`${OUTAGE_FLEET.pods} pods, ${OUTAGE_FLEET.durationMs / 3_600_000} h, 1-hour sets, seed ${OUTAGE_FLEET.seed}\n\n${renderOutageTable(rows)}\n`);
