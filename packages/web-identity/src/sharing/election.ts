// Becoming the group's leader or one of its followers. Binding an address is atomic, so exactly
// one member leads; the others connect to it. On the pod tier the leader first binds the claim,
// then replaces whatever is at the socket path (a stale socket of a killed leader, or anything
// planted there) with its own 0600 socket, atomically (rename); a follower connects only to a
// socket of this user.

import type { Server } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import type { GroupPlan } from "./group-address.js";
import { GroupFollower } from "./group-follower.js";
import { GroupLeader, listenOn, type LeaderServices } from "./group-leader.js";
import { randomBytes } from "node:crypto";
import { replaceEntry, restrictSocket, socketEntryAt } from "./socket-entry.js";

/** A member that found neither a leader nor a free address retries after about this long. */
export const ELECTION_RETRY_MS = 10;

export type Elected =
  | { readonly role: "leader"; readonly leader: GroupLeader; readonly claim?: Server; readonly socketFile?: { readonly path: string; readonly ino: number } }
  | { readonly role: "follower"; readonly follower: GroupFollower };

/** Sharing cannot work here (a read-only directory, a listen refused): the member goes alone. */
export class SharingRefused extends Error {
  override name = "SharingRefused";
}

const inUse = (error: unknown) => (error as NodeJS.ErrnoException).code === "EADDRINUSE";

/** Leads or follows before `deadlineAt`; undefined when neither happened in time. */
export async function elect(plan: GroupPlan, services: LeaderServices, deadlineAt: number): Promise<Elected | undefined> {
  while (Date.now() < deadlineAt) {
    const elected = plan.scope === "threads" ? await tryThreads(plan.address, services, deadlineAt) : await tryPod(plan, services, deadlineAt);
    if (elected !== undefined) return elected;
    await sleep(ELECTION_RETRY_MS * (0.5 + Math.random()), undefined, { ref: false });
  }
  return undefined;
}

async function tryThreads(address: string, services: LeaderServices, deadlineAt: number): Promise<Elected | undefined> {
  try {
    return { role: "leader", leader: new GroupLeader(await listenOn(address), services) };
  } catch (error) {
    if (!inUse(error)) throw new SharingRefused(`the group's address cannot be bound (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return follow(address, services, deadlineAt);
}

async function tryPod(plan: Extract<GroupPlan, { scope: "pod" }>, services: LeaderServices, deadlineAt: number): Promise<Elected | undefined> {
  let claim: Server | undefined;
  try {
    claim = await listenOn(plan.claim);
  } catch (error) {
    if (!inUse(error)) throw new SharingRefused(`the group's claim cannot be bound (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  if (claim === undefined) return socketEntryAt(plan.path, plan.uid) === "trusted" ? follow(plan.path, services, deadlineAt) : undefined;
  // Nobody connects to the claim: it only says who leads.
  claim.on("connection", (socket) => socket.destroy());
  try {
    // Bound at a private name, made 0600, then renamed over whatever is at the path (a stale or
    // planted entry): a follower never finds the path missing or loosely permissioned.
    const temporary = `${plan.path}.${process.pid}.${randomBytes(4).toString("hex")}`;
    const server = await listenOn(temporary);
    let ino: number;
    try {
      restrictSocket(temporary);
      ino = replaceEntry(temporary, plan.path);
    } catch (error) {
      server.close();
      throw error;
    }
    return { role: "leader", leader: new GroupLeader(server, services), claim, socketFile: { path: plan.path, ino } };
  } catch (error) {
    claim.close();
    throw new SharingRefused(`the socket ${plan.path} cannot be created (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

async function follow(address: string, services: LeaderServices, deadlineAt: number): Promise<Elected | undefined> {
  try {
    return { role: "follower", follower: await GroupFollower.connect(address, services.proofKey, deadlineAt) };
  } catch {
    return undefined; // the leader went away, or is not there yet: elect again
  }
}
