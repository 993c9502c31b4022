import { systemClock } from "../shared/clock.js";
import type { HttpRequest, HttpResponse, MiddlewareStack } from "@smithy/types";
import { capAnswerBody } from "./answer-size-cap.js";

/**
 * What the raw HTTP exchange of one STS call showed, beyond the parsed output: where it went,
 * the server's `Date` header and when the answer arrived on the local clock. Never a secret.
 */
export class AnswerFacts {
  /** `https://host[:port]/path` the request went to. */
  endpoint?: string;
  /** The answer's `Date` header, epoch ms (1-second resolution). */
  serverDateMs?: number;
  /** When the answer's headers arrived, on the local clock (`now`). */
  receivedAtMs?: number;
  constructor(readonly now: () => number = systemClock) {}
}

function header(response: HttpResponse, name: string): string | undefined {
  const value = response.headers?.[name] ?? response.headers?.[name.toLowerCase()];
  return typeof value === "string" ? value : undefined;
}

/**
 * Adds to one command (not the client, which may be the caller's or shared) a middleware
 * innermost in the deserialize step, so it sees the raw response before the SDK's XML parser:
 * it records {@link AnswerFacts} and caps the body's size while it is read.
 */
export function watchAnswer(command: { middlewareStack: MiddlewareStack<any, any> }, facts: AnswerFacts): void {
  command.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as HttpRequest | undefined;
      if (request?.hostname !== undefined) {
        facts.endpoint = `${request.protocol ?? "https:"}//${request.hostname}${request.port ? `:${request.port}` : ""}${request.path ?? "/"}`;
      }
      const result = await next(args);
      facts.receivedAtMs = facts.now();
      const response = result.response as HttpResponse | undefined;
      if (response !== undefined) {
        const date = Date.parse(header(response, "Date") ?? "");
        if (Number.isFinite(date)) facts.serverDateMs = date;
        response.body = capAnswerBody(response.body, header(response, "Content-Length"));
      }
      return result;
    },
    { step: "deserialize", priority: "low", name: "irsaWatchAnswer", override: true },
  );
}
