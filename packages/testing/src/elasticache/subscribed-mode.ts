/** Subscribe commands and the unsubscribe command of the same kind. */
const KINDS = [
  ["SUBSCRIBE", "UNSUBSCRIBE"],
  ["PSUBSCRIBE", "PUNSUBSCRIBE"],
  ["SSUBSCRIBE", "SUNSUBSCRIBE"],
] as const;

/**
 * Whether a connection is in Redis's RESP2 subscribed mode, where `AUTH` and `HELLO` are refused
 * ("only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context"),
 * so a RESP2 subscriber cannot re-authenticate and ElastiCache cuts it after 12 hours. Followed
 * from the requests alone: subscriptions are sets, so the requests determine them.
 */
export class SubscribedMode {
  #protocol: 2 | 3 = 2;
  readonly #channels = new Map<string, Set<string>>(KINDS.map(([subscribe]) => [subscribe, new Set<string>()]));

  /** True when redis-server refuses AUTH and HELLO on this connection now. */
  get active(): boolean {
    return this.#protocol === 2 && [...this.#channels.values()].some((channels) => channels.size > 0);
  }

  /** The protocol an accepted `HELLO` switched to. */
  switchProtocol(protocol: 2 | 3): void {
    this.#protocol = protocol;
  }

  /** Follows a request relayed to redis-server. */
  observe(args: readonly Buffer[]): void {
    const name = args[0]?.toString("latin1").toUpperCase();
    if (name === "RESET") {
      this.#protocol = 2;
      for (const channels of this.#channels.values()) channels.clear();
      return;
    }
    const names = args.slice(1).map((arg) => arg.toString("latin1"));
    for (const [subscribe, unsubscribe] of KINDS) {
      const channels = this.#channels.get(subscribe) as Set<string>;
      if (name === subscribe) for (const channel of names) channels.add(channel);
      if (name === unsubscribe && names.length === 0) channels.clear();
      if (name === unsubscribe) for (const channel of names) channels.delete(channel);
    }
  }
}
