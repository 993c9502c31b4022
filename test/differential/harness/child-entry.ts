// One side of one differential case, in a process of its own (run by run-case.ts with the
// loopback guard preloaded). Prints one line: DIFF-RESULT <json>.
import type { CredentialsSummary, ErrorSummary, Outcome, SideContext } from "./case-types.js";
import { CASES } from "../cases/index.js";

let unhandledRejections = 0;
process.on("unhandledRejection", () => void unhandledRejections++);

function summarizeCredentials(set: Record<string, unknown>): CredentialsSummary {
  const expiration = set.expiration instanceof Date ? set.expiration : set.expireTime instanceof Date ? set.expireTime : undefined;
  return {
    accessKeyId: String(set.accessKeyId),
    ...(expiration !== undefined && { lifetimeMinutes: Math.round((expiration.getTime() - Date.now()) / 60_000) }),
    features: Object.keys((set.$source as object | undefined) ?? {}).sort(),
  };
}

function summarizeError(error: unknown): ErrorSummary {
  const e = (error ?? {}) as Record<string, unknown> & { cause?: { name?: unknown } };
  const metadata = e.$metadata as { httpStatusCode?: number } | undefined;
  return {
    name: String(e.name ?? typeof error),
    message: String(e.message ?? error).slice(0, 2_000),
    ...(typeof e.code === "string" && { code: e.code }),
    ...(typeof e.cause?.name === "string" && { causeName: e.cause.name }),
    ...(metadata?.httpStatusCode !== undefined && { httpStatusCode: metadata.httpStatusCode }),
    ...(typeof e.tryNextLink === "boolean" && { tryNextLink: e.tryNextLink }),
  };
}

async function main(): Promise<void> {
  const id = process.env.DIFF_CASE!;
  const side = process.env.DIFF_SIDE as "sdk" | "ours";
  const ctx = JSON.parse(process.env.DIFF_CONTEXT!) as SideContext;
  const found = CASES[id];
  let outcome: Outcome;
  if (found === undefined) outcome = { ok: false, error: { name: "UnknownCase", message: id } };
  else {
    try {
      const value = (await found[side](ctx)) as unknown;
      const isSet = typeof value === "object" && value !== null && "accessKeyId" in value;
      outcome = isSet ? { ok: true, credentials: summarizeCredentials(value as Record<string, unknown>) } : { ok: true, value };
    } catch (error) {
      outcome = { ok: false, error: summarizeError(error) };
    }
  }
  // a turn for late rejections to surface before the report
  await new Promise((resolve) => setTimeout(resolve, 20));
  process.stdout.write(`DIFF-RESULT ${JSON.stringify({ outcome, unhandledRejections })}\n`, () => process.exit(0));
}

void main();
