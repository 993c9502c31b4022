// The leader's side of a group: a server on the group's address. Each connection first proves
// it holds the identity's token (membership-proof.ts), then asks for sets; the leader answers
// from its own engine and pushes every new set to every follower. The server and its sockets
// are unref'd: a group never keeps a process alive.

import { createServer, type Server, type Socket } from "node:net";
import { MessageChannel, type Message } from "./message-channel.js";
import { newNonce, proofMatches, proofOf } from "./membership-proof.js";
import { toWireError, type GroupSet } from "./wire-format.js";

/** A connection that has not proven itself within this is closed. */
export const HANDSHAKE_TIMEOUT_MS = 2_000;
/** Protocol version, checked by both sides. */
export const PROTOCOL_VERSION = 1;

/** What the leader needs from its member. */
export interface LeaderServices {
  /** The answer to a follower that holds `held` (a newer set at once, else a refresh when due). */
  serve(held: string | undefined, force: boolean): Promise<GroupSet>;
  /** The set the group holds now, handed to a new follower. */
  current(): GroupSet | undefined;
  /** The proof key for the token as it is now. */
  proofKey(): Promise<Buffer>;
}

/** Listens on `address`; rejects with the listen error (EADDRINUSE: someone else leads). */
export function listenOn(address: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    // exclusive: a node:cluster worker binds itself instead of sharing its primary's handle
    // (a shared handle would make every worker "win" the address).
    server.listen({ path: address, exclusive: true }, () => {
      server.off("error", reject);
      server.on("error", () => {});
      server.unref();
      resolve(server);
    });
  });
}

export class GroupLeader {
  private readonly followers = new Set<MessageChannel>();

  constructor(
    private readonly server: Server,
    private readonly services: LeaderServices,
  ) {
    server.on("connection", (socket) => this.admit(socket));
  }

  get followerCount(): number {
    return this.followers.size;
  }

  /** Gives every follower the group's new set. */
  push(groupSet: GroupSet): void {
    for (const channel of this.followers) channel.send({ t: "set", ...groupSet });
  }

  close(): void {
    this.server.close();
    for (const channel of this.followers) channel.close();
    this.followers.clear();
  }

  private admit(socket: Socket): void {
    socket.unref();
    const leaderNonce = newNonce();
    let proving = false;
    const channel = new MessageChannel(socket, (message) => {
      if (proving || message.t !== "join" || message.v !== PROTOCOL_VERSION || typeof message.n !== "string") return false;
      proving = true;
      void this.verify(channel, leaderNonce, message.n, message.p).then(() => clearTimeout(guard));
      return true;
    });
    const guard = setTimeout(() => channel.close(), HANDSHAKE_TIMEOUT_MS).unref();
    channel.onClose(() => {
      clearTimeout(guard);
      this.followers.delete(channel);
    });
    channel.send({ t: "hello", v: PROTOCOL_VERSION, n: leaderNonce });
  }

  private async verify(channel: MessageChannel, leaderNonce: string, followerNonce: string, proof: unknown): Promise<void> {
    let key: Buffer;
    try {
      key = await this.services.proofKey();
    } catch {
      return channel.close();
    }
    if (!channel.isOpen) return;
    if (!proofMatches(proofOf(key, "follower", leaderNonce, followerNonce), proof)) return channel.close();
    const current = this.services.current();
    channel.send({ t: "welcome", p: proofOf(key, "leader", leaderNonce, followerNonce), ...(current !== undefined && { current }) });
    channel.handle((message) => this.request(channel, message));
    this.followers.add(channel);
  }

  private request(channel: MessageChannel, message: Message): boolean {
    const { id, held, force } = message;
    if (message.t !== "ask" || typeof id !== "number" || (held !== undefined && typeof held !== "string") || typeof force !== "boolean") return false;
    this.services.serve(held, force).then(
      (answer) => channel.send({ t: "answer", id, ...answer }),
      (error: unknown) => channel.send({ t: "error", id, error: toWireError(error) }),
    );
    return true;
  }
}
