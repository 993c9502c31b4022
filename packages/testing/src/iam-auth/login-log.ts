import type { IamAuthRefusalReason } from "./verdict.js";

/** One login attempt as an emulator saw it. No secret: never the token. */
export interface LoginRecord {
  /** When it was checked, on the emulator's clock (epoch ms). */
  readonly time: number;
  /** The user the client logged in as. */
  readonly user: string;
  /** True when the token verified. */
  readonly accepted: boolean;
  /** Why it was refused. */
  readonly reason?: IamAuthRefusalReason;
  /** Access key id named by the token, when readable. */
  readonly accessKeyId?: string;
}

/** Login counters. */
export interface LoginStats {
  /** Logins accepted. */
  readonly accepted: number;
  /** Logins refused. */
  readonly refused: number;
  /** Refusals by reason. */
  readonly refusedBy: Readonly<Partial<Record<IamAuthRefusalReason, number>>>;
}

/** A refusal for a user not granted IAM login, or undefined when `users` allows everyone or names `user`. */
export function notGranted(user: string, users: readonly string[] | undefined): { reason: "wrong-user" } | undefined {
  return users === undefined || users.includes(user) ? undefined : { reason: "wrong-user" };
}

/** The login attempts of one emulator, oldest first, and their counters. */
export class LoginLog {
  #records: LoginRecord[] = [];

  /** Records an attempt. */
  add(record: LoginRecord): void {
    this.#records.push(record);
  }

  /** Every attempt since start or `clear()`. */
  get records(): readonly LoginRecord[] {
    return this.#records;
  }

  /** Counters over the records. */
  get stats(): LoginStats {
    const refusedBy: Partial<Record<IamAuthRefusalReason, number>> = {};
    let accepted = 0;
    for (const record of this.#records) {
      if (record.accepted) accepted += 1;
      else if (record.reason !== undefined) refusedBy[record.reason] = (refusedBy[record.reason] ?? 0) + 1;
    }
    return { accepted, refused: this.#records.length - accepted, refusedBy };
  }

  /** Forgets every record. */
  clear(): void {
    this.#records = [];
  }
}

/** What every IAM login endpoint shows of its logins and connections. */
export interface LoginEndpointView {
  /** Every login attempt, oldest first (no token recorded). */
  readonly logins: readonly LoginRecord[];
  /** Login counters. */
  readonly loginStats: LoginStats;
  /** Number of open client connections. */
  readonly openConnections: number;
  /** Forgets the login records. */
  resetLogins(): void;
}

/**
 * Adds to `endpoint` the live view every login endpoint shares (getters, so each read is current):
 * its login records and counters, and the server's open connections.
 */
export function withLoginView<T extends object>(endpoint: T, log: LoginLog, server: { readonly openConnections: number }): NoInfer<T> & LoginEndpointView {
  return Object.defineProperties(endpoint, {
    logins: { get: () => log.records, enumerable: true },
    loginStats: { get: () => log.stats, enumerable: true },
    openConnections: { get: () => server.openConnections, enumerable: true },
    resetLogins: { value: () => log.clear(), enumerable: true },
  }) as T & LoginEndpointView;
}
