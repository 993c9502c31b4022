// The follower's side of a group: one connection to the leader, proven both ways, over which
// it asks for sets (each ask with the refresh's deadline) and receives the leader's pushes.
// The socket is ref'd only while an ask is pending. When the leader goes (closed, killed), every
// pending ask fails with LeaderLost and the member elects again within the same deadline.

import { connect } from "node:net";
import { MessageChannel, type Message } from "./message-channel.js";
import { newNonce, proofMatches, proofOf } from "./membership-proof.js";
import { HANDSHAKE_TIMEOUT_MS, PROTOCOL_VERSION } from "./group-leader.js";
import { SharedRefreshError } from "./sharing-error.js";
import { isWireError, type GroupSet } from "./wire-format.js";

/** The connection to the leader ended before an answer: elect again. */
export class LeaderLost extends Error {
  override name = "LeaderLost";
}

interface Pending {
  resolve(answer: GroupSet): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** A pushed or answered group set, if `message` carries a well-formed one. */
function groupSetOf(message: Record<string, unknown>): GroupSet | undefined {
  const { set, refreshAt, groupSourceCalls } = message;
  if (typeof set !== "object" || set === null || typeof groupSourceCalls !== "number") return undefined;
  if (refreshAt !== undefined && typeof refreshAt !== "number") return undefined;
  return { set: set as GroupSet["set"], refreshAt, groupSourceCalls };
}

export class GroupFollower {
  /** The newest set the leader gave this member (pushed or answered). */
  latest: GroupSet | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly channel: MessageChannel) {
    channel.handle((message) => this.receive(message));
    channel.onClose(() => {
      for (const ask of this.pending.values()) {
        clearTimeout(ask.timer);
        ask.reject(new LeaderLost("the group's leader went away"));
      }
      this.pending.clear();
    });
  }

  /** Connects to the leader at `address` and proves membership both ways; rejects on any failure. */
  static connect(address: string, proofKey: () => Promise<Buffer>, deadlineAt: number): Promise<GroupFollower> {
    return new Promise((resolve, reject) => {
      const socket = connect(address);
      const followerNonce = newNonce();
      let key: Buffer | undefined;
      let leaderNonce: string | undefined;
      const fail = (reason: string) => {
        clearTimeout(guard);
        channel.close();
        reject(new LeaderLost(reason));
      };
      const guard = setTimeout(() => fail("handshake timed out"), Math.max(1, Math.min(HANDSHAKE_TIMEOUT_MS, deadlineAt - Date.now())));
      const channel = new MessageChannel(socket, (message) => {
        if (message.t === "hello" && leaderNonce === undefined && message.v === PROTOCOL_VERSION && typeof message.n === "string") {
          leaderNonce = message.n;
          const nonce = message.n;
          proofKey().then(
            (found) => {
              key = found;
              channel.send({ t: "join", v: PROTOCOL_VERSION, n: followerNonce, p: proofOf(found, "follower", nonce, followerNonce) });
            },
            () => fail("the token could not be read"),
          );
          return true;
        }
        if (message.t === "welcome" && key !== undefined && leaderNonce !== undefined) {
          if (!proofMatches(proofOf(key, "leader", leaderNonce, followerNonce), message.p)) return false;
          clearTimeout(guard);
          const follower = new GroupFollower(channel);
          if (message.current !== undefined) {
            const current = groupSetOf(message.current as Record<string, unknown>);
            if (current === undefined) return false;
            follower.latest = current;
          }
          socket.unref();
          resolve(follower);
          return true;
        }
        return false;
      });
      channel.onClose(() => fail("the connection closed during the handshake"));
    });
  }

  get connected(): boolean {
    return this.channel.isOpen;
  }

  onLost(handler: () => void): void {
    this.channel.onClose(handler);
  }

  /** Asks the leader for a set newer than `held` (or a refresh when due, or `force`d). */
  ask(held: string | undefined, force: boolean, deadlineAt: number): Promise<GroupSet> {
    if (!this.channel.isOpen) return Promise.reject(new LeaderLost("the group's leader went away"));
    const id = this.nextId++;
    return new Promise<GroupSet>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.settle(id);
        reject(new SharedRefreshError("the group's leader did not answer within the refresh deadline", { code: "SharingUnavailable", recoverable: true }));
      }, Math.max(1, deadlineAt - Date.now()));
      timer.unref();
      this.pending.set(id, { resolve, reject, timer });
      this.channel.socket.ref();
      this.channel.send({ t: "ask", id, ...(held !== undefined && { held }), force });
    });
  }

  close(): void {
    this.channel.close();
  }

  private settle(id: number): Pending | undefined {
    const ask = this.pending.get(id);
    this.pending.delete(id);
    if (ask !== undefined) clearTimeout(ask.timer);
    if (this.pending.size === 0) this.channel.socket.unref();
    return ask;
  }

  private receive(message: Message): boolean {
    if (message.t === "set") {
      const pushed = groupSetOf(message);
      if (pushed === undefined) return false;
      this.latest = pushed;
      return true;
    }
    if ((message.t !== "answer" && message.t !== "error") || typeof message.id !== "number") return false;
    if (message.t === "answer") {
      const answer = groupSetOf(message);
      if (answer === undefined) return false;
      this.latest = answer;
      this.settle(message.id)?.resolve(answer);
      return true;
    }
    if (!isWireError(message.error)) return false;
    const { name, code, message: text, recoverable } = message.error;
    this.settle(message.id)?.reject(new SharedRefreshError(`the group's leader failed to refresh: ${text}`, { code, recoverable, leaderErrorName: name }));
    return true;
  }
}
