import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { renderGuideTable } from "./differences.js";

const START = "<!-- migration-table:start (generated from test/differential/differences.ts) -->";
const END = "<!-- migration-table:end -->";

it("the README's migration table is the differential suite's table", () => {
  const readme = readFileSync(new URL("../../packages/web-identity/README.md", import.meta.url), "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  expect(start, "the migration guide's table markers").toBeGreaterThan(-1);
  expect(readme.slice(start + START.length, end).trim()).toBe(renderGuideTable());
});
