/**
 * True when an `engines.node` range admits a Node release whose `require()` cannot load ES
 * modules (before 20.19 on the 20 line, before 22.12 on the 22 line). Only `>=X.Y.Z` lower bounds
 * are read; any other range is taken to admit them, so the check runs rather than being skipped.
 */
export function admitsNodeWithoutRequireEsm(range: string): boolean {
  const match = /^\s*>=\s*v?(\d+)(?:\.(\d+))?(?:\.\d+)?\s*$/.exec(range);
  if (!match) return true;
  const major = Number(match[1]);
  const minor = Number(match[2] ?? 0);
  if (major < 20 || major === 21) return true;
  if (major === 20) return minor < 19;
  if (major === 22) return minor < 12;
  return false;
}

/**
 * Node flags that make this Node behave like one without require(esm). The flag exists from
 * Node 20.17 and 22.0; a Node without it has no require(esm) to turn off.
 */
export const REQUIRE_ESM_OFF_FLAGS: readonly string[] = process.allowedNodeEnvironmentFlags.has("--experimental-require-module")
  ? ["--no-experimental-require-module"]
  : [];
