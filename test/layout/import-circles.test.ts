// No module of a package imports itself back through others, type-only imports included: each
// layer imports only the ones below it (DESIGN.md, section 2). Reads the sources; runs nothing.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// `import ... from "./x.js"`, `import type ...`, `export ... from`: the relative specifier.
const RELATIVE_FROM = /(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+["'](\.{1,2}\/[^"']+)["']/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  return new Map(
    files.map((file) => {
      const targets = [...readFileSync(file, "utf8").matchAll(RELATIVE_FROM)].map((match) => resolve(dirname(file), match[1]!.replace(/\.js$/, ".ts")));
      return [file, targets.filter((target) => known.has(target))];
    }),
  );
}

/** Every circle, as the files along it (a depth-first search that reports each back edge). */
function circles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const at = path.indexOf(file);
    if (at >= 0) return void found.push([...path.slice(at), file].map((f) => relative(ROOT, f)));
    if (done.has(file)) return;
    path.push(file);
    for (const target of graph.get(file) ?? []) visit(target);
    path.pop();
    done.add(file);
  };
  for (const file of graph.keys()) visit(file);
  return found;
}

it.each(readdirSync(join(ROOT, "packages")))("packages/%s/src has no import circle", (pkg) => {
  expect(circles(importGraph(sourceFiles(join(ROOT, "packages", pkg, "src"))))).toEqual([]);
});

it("finds a circle when there is one (the check can fail)", () => {
  const a = join(ROOT, "a.ts");
  const b = join(ROOT, "b.ts");
  expect(circles(new Map([[a, [b]], [b, [a]]]))).toEqual([["a.ts", "b.ts", "a.ts"]]);
});
