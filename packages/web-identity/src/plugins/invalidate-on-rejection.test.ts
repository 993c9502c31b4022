import { Readable } from "node:stream";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_REJECTED_CREDENTIALS_CODES,
  autoInvalidationPlugin,
  withAutoInvalidation,
  type InvalidatableCredentialProvider,
} from "./invalidate-on-rejection.js";
import { withCredentialCache } from "../engine/cached-provider.js";

// A v3 STSClient whose request handler is a stub (no network): it answers each request with the
// next scripted reply and records the access key that signed it.

const NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
const OK_XML =
  `<GetCallerIdentityResponse xmlns="${NAMESPACE}"><GetCallerIdentityResult><Arn>arn:aws:sts::111122223333:assumed-role/r/s</Arn>` +
  "<UserId>AROAEXAMPLE:s</UserId><Account>111122223333</Account></GetCallerIdentityResult>" +
  "<ResponseMetadata><RequestId>ok</RequestId></ResponseMetadata></GetCallerIdentityResponse>";
const errorXml = (code: string) =>
  `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code><Message>rejected</Message></Error>` +
  "<RequestId>err</RequestId></ErrorResponse>";

type Reply = "ok" | { code: string; status?: number };

function stubbedClient(provider: InvalidatableCredentialProvider, replies: Reply[]) {
  const signedBy: Array<string | undefined> = [];
  const client = new STSClient({
    region: "us-east-1",
    endpoint: "http://127.0.0.1:1",
    credentials: provider,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers: Record<string, string> }) => {
        signedBy.push(/Credential=([^/]+)\//.exec(request.headers.authorization ?? "")?.[1]);
        const reply = replies.shift() ?? "ok";
        const body = reply === "ok" ? OK_XML : errorXml(reply.code);
        return {
          response: {
            statusCode: reply === "ok" ? 200 : (reply.status ?? 403),
            headers: { "content-type": "text/xml" },
            body: new TextEncoder().encode(body),
          },
        };
      },
    } as never,
  });
  clients.push(client);
  return { client, signedBy };
}

const clients: STSClient[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.destroy();
});

/** A real refresh engine over a source that hands out ASIA1, ASIA2, ... */
function counterProvider(options: { fail?: () => boolean; prefix?: string } = {}) {
  const prefix = options.prefix ?? "ASIA";
  let issued = 0;
  const source = vi.fn(async (): Promise<AwsCredentialIdentity> => {
    if (options.fail?.()) throw new Error("source down");
    issued++;
    return { accessKeyId: `${prefix}${issued}`, secretAccessKey: `secret-${issued}`, sessionToken: `token-${issued}`, expiration: new Date(Date.now() + 3600_000) };
  });
  const engine = withCredentialCache(source, { proactive: false });
  const invalidate = vi.fn((accessKeyId: string) => engine.invalidate(accessKeyId));
  const provider: InvalidatableCredentialProvider = Object.assign((properties?: Record<string, unknown>) => engine(properties), {
    invalidate,
    peek: () => engine.peek(),
  });
  return { provider, source, invalidate };
}

const send = (client: STSClient) => client.send(new GetCallerIdentityCommand({}));

describe("autoInvalidationPlugin / withAutoInvalidation", () => {
  it.each(DEFAULT_REJECTED_CREDENTIALS_CODES)("%s: invalidates the key that signed, refreshes once, sends once more", async (code) => {
    const { provider, source, invalidate } = counterProvider();
    const { client, signedBy } = stubbedClient(provider, ["ok", { code }, "ok"]);
    withAutoInvalidation(client, provider);
    await send(client);
    await expect(send(client)).resolves.toMatchObject({ Account: "111122223333" });
    expect(signedBy).toEqual(["ASIA1", "ASIA1", "ASIA2"]);
    expect(invalidate).toHaveBeenCalledWith("ASIA1");
    expect(source).toHaveBeenCalledTimes(2);
  });

  it("works as a plain plugin too (the client's credentials found through the signing properties)", async () => {
    const { provider, source } = counterProvider();
    const { client, signedBy } = stubbedClient(provider, ["ok", { code: "ExpiredToken", status: 400 }, "ok", "ok"]);
    client.middlewareStack.use(autoInvalidationPlugin(provider));
    await send(client);
    await send(client);
    await send(client);
    expect(signedBy).toEqual(["ASIA1", "ASIA1", "ASIA2", "ASIA2"]);
    expect(source).toHaveBeenCalledTimes(2);
  });

  it("a second rejection is returned, not retried", async () => {
    const { provider, source } = counterProvider();
    const { client, signedBy } = stubbedClient(provider, ["ok", { code: "ExpiredToken" }, { code: "ExpiredToken" }, "ok"]);
    withAutoInvalidation(client, provider);
    await send(client);
    await expect(send(client)).rejects.toMatchObject({ name: "ExpiredToken" });
    expect(signedBy).toEqual(["ASIA1", "ASIA1", "ASIA2"]);
    expect(source).toHaveBeenCalledTimes(2);
  });

  it("other errors pass through untouched", async () => {
    const { provider, invalidate } = counterProvider();
    const { client, signedBy } = stubbedClient(provider, ["ok", { code: "AccessDenied" }]);
    withAutoInvalidation(client, provider);
    await send(client);
    await expect(send(client)).rejects.toMatchObject({ name: "AccessDenied" });
    expect(signedBy).toHaveLength(2);
    expect(invalidate).not.toHaveBeenCalled();
  });

  it("errorCodes replaces the codes handled", async () => {
    const { provider, invalidate } = counterProvider();
    const { client, signedBy } = stubbedClient(provider, ["ok", { code: "ExpiredToken" }, { code: "MyRejection" }, "ok"]);
    withAutoInvalidation(client, provider, { errorCodes: ["MyRejection"] });
    await send(client);
    await expect(send(client)).rejects.toMatchObject({ name: "ExpiredToken" });
    await expect(send(client)).resolves.toBeDefined();
    expect(signedBy).toEqual(["ASIA1", "ASIA1", "ASIA1", "ASIA2"]);
    expect(invalidate).toHaveBeenCalledTimes(1);
  });

  it("a request signed with a key the provider never held is not ours: returned as is", async () => {
    const { provider, invalidate } = counterProvider();
    const other = counterProvider({ prefix: "ASIAOTHER" });
    const { client } = stubbedClient(other.provider, [{ code: "ExpiredToken" }]);
    withAutoInvalidation(client, provider);
    await provider(); // the plugin's provider holds ASIA1 of its own source, not the client's
    await expect(send(client)).rejects.toMatchObject({ name: "ExpiredToken" });
    expect(invalidate).not.toHaveBeenCalled();
  });

  it("a streamed body is not sent again, but the key is invalidated and the next request uses the new set", async () => {
    const { provider, invalidate, source } = counterProvider();
    const { client, signedBy } = stubbedClient(provider, ["ok", { code: "ExpiredToken" }, "ok"]);
    withAutoInvalidation(client, provider);
    // A body the SDK cannot replay, as an S3 PutObject with a stream would have.
    client.middlewareStack.add(
      (next) => async (args) => {
        (args.request as { body?: unknown }).body = Readable.from(["payload"]);
        return next(args);
      },
      { step: "build", priority: "high", name: "streamedBody" },
    );
    await send(client);
    await expect(send(client)).rejects.toMatchObject({ name: "ExpiredToken" });
    expect(invalidate).toHaveBeenCalledWith("ASIA1");
    expect(signedBy).toHaveLength(2);
    await send(client);
    expect(signedBy.at(-1)).toBe("ASIA2");
    expect(source).toHaveBeenCalledTimes(2);
  });

  it("a failed refresh returns the original rejection", async () => {
    let down = false;
    const { provider } = counterProvider({ fail: () => down });
    const { client, signedBy } = stubbedClient(provider, ["ok", { code: "InvalidClientTokenId" }]);
    withAutoInvalidation(client, provider);
    await send(client);
    down = true;
    await expect(send(client)).rejects.toMatchObject({ name: "InvalidClientTokenId" });
    expect(signedBy).toHaveLength(2);
  });

  it("pauses after a repeated rejection, then resumes after cooldownMs", async () => {
    let clock = 0;
    const { provider, source } = counterProvider();
    const { client, signedBy } = stubbedClient(provider, [
      "ok",
      { code: "ExpiredToken" },
      { code: "ExpiredToken" }, // the new set is refused too: pause
      { code: "ExpiredToken" }, // paused: returned without a refresh
      { code: "ExpiredToken" }, // after the cooldown: handled again
      "ok",
    ]);
    withAutoInvalidation(client, provider, { cooldownMs: 1_000, now: () => clock });
    await send(client);
    await expect(send(client)).rejects.toMatchObject({ name: "ExpiredToken" });
    await expect(send(client)).rejects.toMatchObject({ name: "ExpiredToken" });
    expect(source).toHaveBeenCalledTimes(2);
    clock = 1_000;
    await expect(send(client)).resolves.toBeDefined();
    expect(source).toHaveBeenCalledTimes(3);
    expect(signedBy).toEqual(["ASIA1", "ASIA1", "ASIA2", "ASIA2", "ASIA2", "ASIA3"]);
  });

  it("a throwing logger changes nothing", async () => {
    const { provider } = counterProvider();
    const { client } = stubbedClient(provider, ["ok", { code: "ExpiredToken" }, "ok"]);
    const explode = () => {
      throw new Error("logger down");
    };
    withAutoInvalidation(client, provider, { logger: { debug: explode, info: explode, warn: explode, error: explode } });
    await send(client);
    await expect(send(client)).resolves.toBeDefined();
  });

  it("rejects a provider without invalidate/peek and a bad cooldownMs", () => {
    expect(() => autoInvalidationPlugin((async () => ({ accessKeyId: "a", secretAccessKey: "b" })) as never)).toThrow(TypeError);
    const { provider } = counterProvider();
    expect(() => autoInvalidationPlugin(provider, { cooldownMs: -1 })).toThrow(/cooldownMs/);
  });
});
