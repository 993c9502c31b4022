// One engine's membership in its group: the source of the engine goes through here. As the
// leader (or alone) it calls STS itself; as a follower it takes the leader's newest set, or asks
// the leader (carrying the key it holds, so the leader refreshes once, single flight, and only
// when its own set is that one and is due). Leadership is taken over when the leader goes,
// within the same refresh deadline. Sharing may fail; credentials may not: when the group
// cannot be used the member calls STS itself (and says why once).

import type { AwsCredentialIdentity } from "@smithy/types";
import type { CredentialCacheStats } from "../engine/cache-types.js";
import type { EngineObserver } from "../engine/engine-observers.js";
import { SILENT_LOGGER } from "../shared/logger.js";
import { elect, SharingRefused, type Elected } from "./election.js";
import type { GroupPlan } from "./group-address.js";
import type { GroupFollower } from "./group-follower.js";
import { LeaderLost } from "./group-follower.js";
import type { GroupLeader } from "./group-leader.js";
import { withRefreshAtHint } from "./refresh-hint.js";
import { removeOwnEntry } from "./socket-entry.js";
import { fromWireSet, toWireSet, type GroupSet } from "./wire-format.js";

/** What the member uses of its own engine (as the leader, to answer followers). */
export interface MemberEngine {
  get(): Promise<AwsCredentialIdentity>;
  refresh(): Promise<AwsCredentialIdentity>;
  peek(): { credentials?: AwsCredentialIdentity };
  stats(): CredentialCacheStats;
  observe(observer: EngineObserver): () => void;
}

/** `stats.sharing`: this member's place in its group. */
export interface SharingStats {
  /** `leader` calls STS for the group; `follower` asks the leader; `off`: this engine is on its own. */
  readonly role: "leader" | "follower" | "off";
  /** Which tier: the worker threads of this process, or the processes of the pod. */
  readonly scope?: "threads" | "pod";
  /** STS calls made for the group by its leader (for the leader, its own), as last heard. */
  readonly groupSourceCalls: number;
  /** STS calls this member made itself: as the leader, or alone when the group could not answer. */
  readonly ownStsCalls: number;
  /** Followers connected now (leader only). */
  readonly followers?: number;
  /** The group's socket in the share directory (pod tier; a hash of the identity, no secret). */
  readonly socketPath?: string;
  /** Why sharing is off, when it is. */
  readonly offReason?: string;
}

export interface GroupMemberInit {
  /** The group's plan, or why there is none; resolved on the first fetch (it reads the token). */
  plan(): Promise<GroupPlan | { off: string; warn: boolean } | undefined>;
  /** The proof key for the token as it is now. */
  proofKey(): Promise<Buffer>;
  /** Deadline of one refresh, ms: the longest any fetch through the group may take. */
  timeoutMs: number;
  /** Says once why the pod tier is off. */
  warn(message: string): void;
}

export class GroupMember {
  private plan: GroupPlan | { off: string; warn: boolean } | undefined;
  private leader: GroupLeader | undefined;
  private follower: GroupFollower | undefined;
  private closeLeadership: (() => void) | undefined;
  private engine: MemberEngine | undefined;
  private lastReturned: string | undefined;
  private ownStsCalls = 0;
  private groupSourceCalls = 0;
  private warned = false;

  constructor(private readonly init: GroupMemberInit) {}

  /** The engine this member answers followers from (set once the engine exists). */
  attach(engine: MemberEngine): void {
    this.engine = engine;
  }

  /** One fetch of the engine's source through the group; `callOwn` calls STS. */
  async fetch(force: boolean, callOwn: () => Promise<AwsCredentialIdentity>): Promise<AwsCredentialIdentity> {
    const deadlineAt = Date.now() + this.init.timeoutMs;
    this.plan ??= await this.init.plan();
    const plan = this.plan;
    // The token cannot be read yet: this fetch goes alone (and fails as it would), the next one plans again.
    if (plan === undefined) return this.callOwn(callOwn);
    if ("off" in plan) {
      if (plan.warn) this.warnOnce(plan.off);
      return this.callOwn(callOwn);
    }
    for (;;) {
      if (this.leader === undefined && this.follower === undefined) {
        let elected: Elected | undefined;
        try {
          // At most half the deadline looking for the group: the rest is left to call STS alone.
          elected = await elect(plan, this.services, Math.min(deadlineAt, Date.now() + this.init.timeoutMs / 2));
        } catch (error) {
          // Sharing may fail, credentials may not: a refused tier turns sharing off for good,
          // anything unexpected sends this fetch alone.
          if (!(error instanceof SharingRefused)) return this.callOwn(callOwn);
          this.plan = { off: error.message, warn: plan.scope === "pod" };
          return this.fetch(force, callOwn);
        }
        // Nobody answered in time: this refresh goes alone; the next one tries the group again.
        if (elected === undefined) return this.callOwn(callOwn);
        this.take(elected);
      }
      if (this.leader !== undefined) return this.callOwn(callOwn);
      const follower = this.follower!;
      const latest = follower.latest;
      if (latest !== undefined && latest.set.accessKeyId !== this.lastReturned && usable(latest, force)) return this.adopt(latest);
      try {
        return this.adopt(await follower.ask(latest?.set.accessKeyId ?? this.lastReturned, force, deadlineAt));
      } catch (error) {
        if (!(error instanceof LeaderLost)) throw error;
        // The leader went: elect again, within the same deadline.
      }
    }
  }

  stats(): SharingStats {
    const plan = this.plan;
    if (plan !== undefined && "off" in plan) return { role: "off", groupSourceCalls: this.ownStsCalls, ownStsCalls: this.ownStsCalls, offReason: plan.off };
    const scope = plan?.scope;
    const where = plan?.scope === "pod" ? { scope, socketPath: plan.path } : { scope };
    if (this.leader !== undefined) return { role: "leader", ...where, groupSourceCalls: this.ownStsCalls, ownStsCalls: this.ownStsCalls, followers: this.leader.followerCount };
    if (this.follower !== undefined) return { role: "follower", ...where, groupSourceCalls: this.groupSourceCalls, ownStsCalls: this.ownStsCalls };
    return { role: "off", ...where, groupSourceCalls: this.groupSourceCalls, ownStsCalls: this.ownStsCalls };
  }

  /** Leaves the group: the leader closes its server (its followers elect again), a follower its socket. */
  close(): void {
    this.closeLeadership?.();
    this.closeLeadership = undefined;
    this.leader = undefined;
    this.follower?.close();
    this.follower = undefined;
  }

  private async callOwn(callOwn: () => Promise<AwsCredentialIdentity>): Promise<AwsCredentialIdentity> {
    this.ownStsCalls++;
    return callOwn();
  }

  private take(elected: Elected): void {
    if (elected.role === "follower") {
      const follower = elected.follower;
      this.follower = follower;
      follower.onLost(() => {
        if (this.follower === follower) this.follower = undefined;
      });
      return;
    }
    const { leader, claim, socketFile } = elected;
    this.leader = leader;
    // Every new set of this engine goes to every follower at once.
    const detach = this.engine?.observe({
      logger: SILENT_LOGGER,
      onEvent: (event) => {
        if (event.type !== "refresh-succeeded") return;
        const current = this.current();
        if (current !== undefined) leader.push(current);
      },
    });
    this.closeLeadership = () => {
      detach?.();
      leader.close();
      // The file goes before the claim: a new leader may then bind its own at once.
      if (socketFile !== undefined) removeOwnEntry(socketFile.path, socketFile.ino);
      claim?.close();
    };
  }

  private adopt(answer: GroupSet): AwsCredentialIdentity {
    const identity = fromWireSet(answer.set);
    if (identity === undefined) throw new LeaderLost("the leader sent a malformed set");
    this.lastReturned = identity.accessKeyId;
    this.groupSourceCalls = answer.groupSourceCalls;
    return withRefreshAtHint(identity, answer.refreshAt);
  }

  /** The set this (leading) engine holds now, with its refresh instant. */
  private current(): GroupSet | undefined {
    const engine = this.engine;
    const credentials = engine?.peek().credentials;
    if (engine === undefined || credentials === undefined) return undefined;
    if (credentials.expiration !== undefined && credentials.expiration.getTime() <= Date.now()) return undefined;
    return { set: toWireSet(credentials), refreshAt: engine.stats().nextRefreshAt, groupSourceCalls: this.ownStsCalls };
  }

  private readonly services = {
    proofKey: () => this.init.proofKey(),
    current: () => this.current(),
    serve: async (held: string | undefined, force: boolean): Promise<GroupSet> => {
      const current = this.current();
      const engine = this.engine;
      if (engine === undefined) throw new LeaderLost("the leader has no engine");
      if (current !== undefined && current.set.accessKeyId !== held) return current;
      const due = current === undefined || force || current.refreshAt === undefined || Date.now() >= current.refreshAt;
      if (!due) return current;
      // Single flight: a refresh under way (the leader's own timer, another follower) is joined.
      // With nothing valid, get() keeps the leader's holds (a cached error, a recovery backoff):
      // a group of followers never calls STS more often than one provider would.
      if (current === undefined && !force) await engine.get();
      else await engine.refresh();
      const after = this.current();
      if (after === undefined) throw new LeaderLost("the leader holds no valid set");
      return after;
    },
  };

  private warnOnce(reason: string): void {
    if (this.warned) return;
    this.warned = true;
    this.init.warn(`sharing across processes is off for this provider, so this process calls STS itself: ${reason}`);
  }
}

/** A pushed set a follower may take without asking: valid, and (unless forced) not yet due. */
function usable(latest: GroupSet, force: boolean): boolean {
  const now = Date.now();
  if (latest.set.expiration !== undefined && latest.set.expiration <= now) return false;
  return force || latest.refreshAt === undefined || now < latest.refreshAt;
}
