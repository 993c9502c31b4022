// The AWS SDK's providers (v3 and v2, from the lockfile) and ours, side by side: every case of
// every row of `differences.ts`, each side in a fresh process with a clean environment, against
// one local world behind a recording proxy. Anything but loopback is refused and written down,
// so a case sees where each side would have gone. A silent difference fails its row.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CASES } from "./cases/index.js";
import { defaultObservation, type DiffCase, type SideRun } from "./harness/case-types.js";
import { startCaseWorld } from "./harness/case-world.js";
import { runSide, type CaseWorld } from "./harness/run-case.js";
import { ROWS, type Row } from "./differences.js";

let world: CaseWorld & { close(): Promise<void> };
beforeAll(async () => {
  world = await startCaseWorld();
});
afterAll(async () => {
  await world.close();
});

async function check(row: Row, id: string, diffCase: DiffCase): Promise<void> {
  const sdk = await runSide(id, diffCase, "sdk", world);
  const ours = await runSide(id, diffCase, "ours", world);
  const context = `case ${id}\nSDK:  ${JSON.stringify(sdk)}\nours: ${JSON.stringify(ours)}`;
  // whatever the row: ours never leaves a rejection unhandled, never prints the token
  expect(ours.unhandledRejections, context).toBe(0);
  expect(ours.printedToken, context).toBe(false);
  if (diffCase.differs !== undefined) {
    expect(row.status, `${id} asserts a difference: its row must be mapped or different`).not.toBe("same");
    diffCase.differs({ sdk, ours }, expect);
    return;
  }
  expect(row.status, `${id} is ${row.status}: say what it must show (differs)`).not.toBe("different");
  const observe = diffCase.observe ?? defaultObservation;
  expect(observe(ours), context).toEqual(observe(sdk));
  // a "same" that sees nothing proves nothing: something was observed on the SDK's side
  expect(sdkSawSomething(sdk), context).toBe(true);
}

const sdkSawSomething = (run: SideRun) => run.sts.length > 0 || run.refused.length > 0 || run.outcome.ok || run.asked.container + run.asked.imds > 0;

describe("differential: the AWS SDK's providers and ours, each in a fresh process, one local world", () => {
  for (const from of [...new Set(ROWS.map((row) => row.from))]) {
    describe(from, () => {
      it.each(ROWS.filter((row) => row.from === from).map((row) => [`${row.setting} (${row.status})`, row] as const))("%s", async (_, row) => {
        for (const id of row.cases) {
          const diffCase = CASES[id];
          expect(diffCase, `row "${row.setting}" names case ${id}, which does not exist`).toBeDefined();
          await check(row, id, diffCase!);
        }
      }, 120_000);
    });
  }

  it("every row has a case, and every case belongs to exactly one row", () => {
    for (const row of ROWS) expect(row.cases.length, `row "${row.from} ${row.setting}" has no case`).toBeGreaterThan(0);
    const named = ROWS.flatMap((row) => row.cases);
    expect(named.length, "a case named by two rows").toBe(new Set(named).size);
    expect([...named].sort()).toEqual(Object.keys(CASES).sort());
  });
});
