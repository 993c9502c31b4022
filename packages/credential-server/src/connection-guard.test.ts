// The connection bounds, on a real server with short configured timeouts (real sockets, no fake
// clock: the point is what Node's sockets do).
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import { withCredentialCache } from "@irsa/web-identity";
import { afterEach, describe, expect, it } from "vitest";
import { createCredentialServer, type CredentialServer } from "./credential-server.js";
import { httpRequest } from "./test-helpers.js";

const HEADERS_TIMEOUT_MS = 300;
const started: CredentialServer[] = [];
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(started.splice(0).map((server) => server.close()));
});

async function start(maxConnections = 16) {
  const source = async () => ({ accessKeyId: "AKIAFAKE", secretAccessKey: "secret", expiration: new Date(Date.now() + 3600_000) });
  const server = await createCredentialServer({
    provider: withCredentialCache(source, { proactive: false }),
    headersTimeoutMs: HEADERS_TIMEOUT_MS,
    requestTimeoutMs: 1000,
    maxConnections,
    schedule: () => () => {},
  });
  started.push(server);
  await server.whenReady();
  return server;
}

async function open(server: CredentialServer): Promise<Socket> {
  const socket = connect(server.port, "127.0.0.1");
  sockets.push(socket);
  socket.on("error", () => {});
  await once(socket, "connect");
  return socket;
}

/** Milliseconds until the server closes `socket`. */
async function msUntilClosed(socket: Socket): Promise<number> {
  const from = performance.now();
  if (!socket.closed) await new Promise((resolve) => socket.once("close", resolve));
  return performance.now() - from;
}

describe("connection bounds", () => {
  it("closes a connection that sends nothing within the header timeout (not Node's 30 s cycle)", async () => {
    const server = await start();
    const idle = await open(server);
    const closedAfter = await msUntilClosed(idle);
    expect(closedAfter).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(closedAfter).toBeLessThan(HEADERS_TIMEOUT_MS + 700);
  });

  it("closes a slow-drip client, one header byte at a time, within the header timeout", async () => {
    const server = await start();
    const slow = await open(server);
    const head = `GET /v1/credentials HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${server.authToken}\r\n\r\n`;
    let sent = 0;
    const drip = setInterval(() => {
      if (!slow.destroyed && sent < head.length) slow.write(head[sent++] ?? "");
    }, 20);
    try {
      const closedAfter = await msUntilClosed(slow);
      expect(closedAfter).toBeLessThan(HEADERS_TIMEOUT_MS + 700);
      expect(sent).toBeLessThan(head.length);
    } finally {
      clearInterval(drip);
    }
  });

  it("closes a keep-alive connection left idle after its answer within the header timeout", async () => {
    const server = await start();
    const socket = await open(server);
    socket.write(`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    const [chunk] = (await once(socket, "data")) as [Buffer];
    expect(chunk.toString()).toMatch(/^HTTP\/1\.1 200/);
    expect(await msUntilClosed(socket)).toBeLessThan(HEADERS_TIMEOUT_MS + 700);
  });

  it("at maxConnections, idle sockets make room: an authorized request is answered and the oldest idle one closed", async () => {
    const server = await start(4);
    const idle = [await open(server), await open(server), await open(server), await open(server)];
    const answer = await httpRequest(server.url, { headers: { Authorization: server.authToken } });
    expect(answer.status).toBe(200);
    expect(idle[0]?.closed || idle[0]?.readableEnded).toBe(true);
    // The three younger idle sockets are still open until their own timeout.
    expect(idle.slice(1).map((socket) => socket.closed)).toEqual([false, false, false]);
    // Many more idle ones than the limit: still served, every time.
    for (let i = 0; i < 10; i += 1) await open(server);
    for (let i = 0; i < 5; i += 1) {
      expect((await httpRequest(server.url, { headers: { Authorization: server.authToken } })).status).toBe(200);
    }
  });
});
