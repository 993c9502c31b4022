import type { IncomingMessage, ServerResponse } from "node:http";
import type { InjectedFault } from "../fault-injector.js";
import type { LocalHttpServer } from "../local-http-server.js";
import type { LocalStsRequest } from "./local-sts-types.js";
import { send, sendError } from "./respond.js";
import { STS_ERROR_MESSAGE, STS_ERROR_STATUS, StsError } from "./sts-error.js";
import { malformedXml } from "./sts-xml.js";

/** Plays one queued fault (`sts.faults`) instead of answering the request. */
export async function applyFault(
  fault: InjectedFault,
  req: IncomingMessage,
  res: ServerResponse,
  record: LocalStsRequest,
  server: LocalHttpServer,
  serverNowMs: number,
): Promise<void> {
  record.fault = fault.kind;
  switch (fault.kind) {
    case "fail": {
      const code = fault.code ?? (fault.status !== undefined && fault.status < 500 ? "Throttling" : "InternalFailure");
      const status = fault.status ?? STS_ERROR_STATUS[code] ?? 400;
      const message = fault.message ?? STS_ERROR_MESSAGE[code] ?? `Injected ${code}`;
      sendError(res, new StsError(code, status, message), record, serverNowMs);
      return;
    }
    case "drop":
      req.socket.destroy();
      return;
    case "hang":
      if (await server.delay(fault.maxMs)) req.socket.destroy();
      return;
    case "malformed":
      record.status = 200;
      send(res, 200, malformedXml(record.action ?? "Unknown"), record.requestId, serverNowMs);
      return;
    case "empty":
      record.status = 200;
      send(res, 200, "", record.requestId, serverNowMs);
      return;
  }
}
