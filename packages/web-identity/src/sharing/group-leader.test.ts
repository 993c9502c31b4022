// The group's protocol over a real abstract socket: a follower proves it holds the token before
// it gets a set, a leader proves it too, asks have deadlines, a leader that goes ends every ask.
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { GroupFollower, LeaderLost } from "./group-follower.js";
import { GroupLeader, listenOn, type LeaderServices } from "./group-leader.js";
import { newNonce, proofKeyOf, proofOf } from "./membership-proof.js";
import { MAX_MESSAGE_BYTES } from "./message-channel.js";
import type { GroupSet } from "./wire-format.js";

const KEY = proofKeyOf("group", "token-a");
const SET: GroupSet = { set: { accessKeyId: "ASIA1", secretAccessKey: "secret-1" }, refreshAt: 5, groupSourceCalls: 1 };
const opened: Array<{ close(): void }> = [];
afterEach(() => opened.splice(0).forEach((item) => item.close()));

let counter = 0;
async function leaderWith(services: Partial<LeaderServices> = {}): Promise<{ address: string; leader: GroupLeader }> {
  const address = `\0irsa-credentials.test/${process.pid}/${++counter}/${Math.random()}`;
  const leader = new GroupLeader(await listenOn(address), { proofKey: async () => KEY, current: () => SET, serve: async () => SET, ...services });
  opened.push(leader);
  return { address, leader };
}

/** What a raw client receives before the connection ends. */
function rawExchange(address: string, lines: (hello: { n: string }) => string[]): Promise<string[]> {
  return new Promise((resolve) => {
    const socket = connect(address);
    const received: string[] = [];
    let buffered = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffered += chunk;
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      for (const line of parts) {
        received.push(line);
        const message = JSON.parse(line) as { t: string; n: string };
        if (message.t === "hello") for (const out of lines(message)) socket.write(out);
      }
    });
    socket.on("close", () => resolve(received));
    socket.on("error", () => {});
  });
}

describe("joining a group", () => {
  it("a follower holding the token gets the group's set on joining", async () => {
    const { address, leader } = await leaderWith();
    const follower = await GroupFollower.connect(address, async () => KEY, Date.now() + 2_000);
    opened.push(follower);
    expect(follower.latest).toEqual(SET);
    expect(leader.followerCount).toBe(1);
  });

  it("a client with a wrong proof is disconnected and never sees a set", async () => {
    const { address } = await leaderWith();
    const wrong = proofKeyOf("group", "another-token");
    const received = await rawExchange(address, (hello) => {
      const n = newNonce();
      return [`${JSON.stringify({ t: "join", v: 1, n, p: proofOf(wrong, "follower", hello.n, n) })}\n`];
    });
    expect(received.map((line) => (JSON.parse(line) as { t: string }).t)).toEqual(["hello"]);
    expect(received.join("")).not.toContain("secret-1");
  });

  it.each([
    ["not JSON", "{nope\n"],
    ["an unknown message", '{"t":"gimme"}\n'],
    ["an oversized line", `${"x".repeat(MAX_MESSAGE_BYTES + 10)}\n`],
  ])("%s ends the connection", async (_, line) => {
    const { address } = await leaderWith();
    const received = await rawExchange(address, () => [line]);
    expect(received.map((text) => (JSON.parse(text) as { t: string }).t)).toEqual(["hello"]);
  });

  it("a leader that cannot prove it holds the token is refused by the follower", async () => {
    const address = `\0irsa-credentials.test/${process.pid}/impostor/${Math.random()}`;
    const impostor = await listenOn(address);
    opened.push(impostor);
    impostor.on("connection", (socket) => {
      socket.write(`${JSON.stringify({ t: "hello", v: 1, n: "x" })}\n`);
      socket.on("data", () => socket.write(`${JSON.stringify({ t: "welcome", p: "forged", current: SET })}\n`));
    });
    await expect(GroupFollower.connect(address, async () => KEY, Date.now() + 2_000)).rejects.toBeInstanceOf(LeaderLost);
  });
});

describe("asking the leader", () => {
  it("carries the key the follower holds and whether it is forced", async () => {
    const asked: Array<[string | undefined, boolean]> = [];
    const { address } = await leaderWith({ serve: async (held, force) => (asked.push([held, force]), SET) });
    const follower = await GroupFollower.connect(address, async () => KEY, Date.now() + 2_000);
    opened.push(follower);
    expect(await follower.ask("ASIA0", true, Date.now() + 1_000)).toEqual(SET);
    expect(asked).toEqual([["ASIA0", true]]);
  });

  it("the leader's failure arrives as a SharedRefreshError with its code and class", async () => {
    const failure = Object.assign(new Error("Rate exceeded"), { name: "StsRequestError", code: "Throttling" });
    const { address } = await leaderWith({ serve: async () => Promise.reject(failure) });
    const follower = await GroupFollower.connect(address, async () => KEY, Date.now() + 2_000);
    opened.push(follower);
    await expect(follower.ask(undefined, false, Date.now() + 1_000)).rejects.toMatchObject({ name: "SharedRefreshError", code: "Throttling", recoverable: true, leaderErrorName: "StsRequestError" });
  });

  it("an ask the leader does not answer ends at its deadline (recoverable SharingUnavailable)", async () => {
    const { address } = await leaderWith({ serve: () => new Promise(() => {}) });
    const follower = await GroupFollower.connect(address, async () => KEY, Date.now() + 2_000);
    opened.push(follower);
    const started = Date.now();
    await expect(follower.ask(undefined, false, Date.now() + 100)).rejects.toMatchObject({ code: "SharingUnavailable", recoverable: true });
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("a leader that goes ends every pending ask with LeaderLost (the member elects again)", async () => {
    const { address, leader } = await leaderWith({ serve: () => new Promise(() => {}) });
    const follower = await GroupFollower.connect(address, async () => KEY, Date.now() + 2_000);
    const pending = follower.ask(undefined, false, Date.now() + 5_000);
    leader.close();
    await expect(pending).rejects.toBeInstanceOf(LeaderLost);
    expect(follower.connected).toBe(false);
  });
});
