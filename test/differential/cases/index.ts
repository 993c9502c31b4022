import type { DiffCase } from "../harness/case-types.js";
import { FROM_TOKEN_FILE_CASES } from "./from-token-file.js";
import { FROM_WEB_TOKEN_CASES } from "./from-web-token.js";
import { NODE_PROVIDER_CHAIN_CASES } from "./node-provider-chain.js";
import { V2_CASES } from "./v2-token-file.js";

/** Every differential case by id; each row of `differences.ts` names the ones that show it. */
export const CASES: Readonly<Record<string, DiffCase>> = {
  ...FROM_TOKEN_FILE_CASES,
  ...FROM_WEB_TOKEN_CASES,
  ...NODE_PROVIDER_CHAIN_CASES,
  ...V2_CASES,
};
