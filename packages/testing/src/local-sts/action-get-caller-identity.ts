import type { IncomingMessage } from "node:http";
import { authenticate } from "./authenticate.js";
import type { LocalStsRequest } from "./local-sts-types.js";
import type { LocalStsState } from "./sts-state.js";
import { successXml } from "./sts-xml.js";

/** `GetCallerIdentity` (SigV4): who signed, as STS answers it. */
export async function getCallerIdentity(state: LocalStsState, req: IncomingMessage, body: string, record: LocalStsRequest): Promise<string> {
  const caller = await authenticate(state, req, body, record);
  return successXml(
    "GetCallerIdentity",
    { UserId: caller.assumedRoleId, Account: caller.accountId, Arn: caller.assumedRoleArn },
    record.requestId,
  );
}
