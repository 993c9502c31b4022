// The documents rendered from the fault matrix must match it: change the table, then run
// `pnpm exec tsx test/e2e/render-failure-table.ts`.

import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { FAILURE_MATRIX } from "./fault-matrix-table.js";
import {
  FAILURE_DOC_PATH,
  README_PATH,
  README_SECTION_HEADING,
  ROOT_README_DOC_LINK,
  ROOT_README_PATH,
  TABLE_END,
  TABLE_START,
  renderFailureDoc,
  renderReadmeTable,
  updateReadme,
} from "./render-failure-table.js";

const RERENDER = "run `pnpm exec tsx test/e2e/render-failure-table.ts` and commit the result";

describe("docs rendered from the fault matrix", () => {
  it(`docs/failure-behaviour.md is the rendered table (${RERENDER})`, async () => {
    expect(await readFile(FAILURE_DOC_PATH, "utf8")).toBe(renderFailureDoc());
  });

  it(`the README's "Failure behaviour" section holds the rendered table (${RERENDER})`, async () => {
    const readme = await readFile(README_PATH, "utf8");
    expect(readme).toContain(`\n${README_SECTION_HEADING}\n`);
    const generated = readme.slice(readme.indexOf(TABLE_START), readme.indexOf(TABLE_END) + TABLE_END.length);
    expect(generated).toBe(renderReadmeTable());
    expect(readme.indexOf(TABLE_START)).toBeGreaterThan(readme.indexOf(README_SECTION_HEADING));
  });

  it(`the root README's "Failure behaviour" section holds the same overview (${RERENDER})`, async () => {
    const readme = await readFile(ROOT_README_PATH, "utf8");
    expect(readme).toContain(`\n${README_SECTION_HEADING}\n`);
    const generated = readme.slice(readme.indexOf(TABLE_START), readme.indexOf(TABLE_END) + TABLE_END.length);
    expect(generated).toBe(renderReadmeTable(ROOT_README_DOC_LINK));
  });

  it("every row of the matrix appears in the full document", () => {
    const doc = renderFailureDoc();
    for (const row of FAILURE_MATRIX) expect(doc).toContain(`| ${row.fault} | ${row.state} | ${row.persistent.caller} |`);
  });

  it("re-rendering the README replaces only the generated part", () => {
    const readme = `# x\n\n## Other\ntext\n\n${README_SECTION_HEADING}\n\nintro\n\n${TABLE_START}\nold table\n${TABLE_END}\n\n## After\nmore\n`;
    const updated = updateReadme(readme);
    expect(updated).toBe(readme.replace(`${TABLE_START}\nold table\n${TABLE_END}`, renderReadmeTable()));
    expect(updateReadme(updated)).toBe(updated);
  });
});
