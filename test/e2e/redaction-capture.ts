// Captures everything a provider can print (log lines at every level, events, errors with their
// cause chains, JSON.stringify and util.inspect of any object) and scans it for secrets. Used by
// the fault matrix, the token-file faults, the soak and the auto-invalidation tests, so one scanner
// decides what "no secret escaped" means everywhere.

import { inspect } from "node:util";
import type { Logger } from "@irsa/web-identity";

/** Length of the fragments looked for (a secret's first, middle and last 16 characters). */
export const SECRET_FRAGMENT_LENGTH = 16;

/** Where a secret was found: what kind of output, and which secret. */
export interface SecretHit {
  readonly where: string;
  readonly secret: string;
}

/**
 * The secrets to look for. Each secret is registered as three fragments (start, middle, end), so a
 * whole, truncated or embedded copy is found. A JWT is registered by its signature: the
 * header and the claims of every projected token look alike and are not secret once decoded
 * (error messages print `iss`/`sub`/`aud`/`exp` on purpose), but the signature is what makes the
 * token usable.
 */
export class SecretIndex {
  // Only fragments are kept (not whole secrets), so a long run can register thousands cheaply.
  readonly #fragments = new Map<string, string>();
  #size = 0;

  /** Number of secrets registered. */
  get size(): number {
    return this.#size;
  }

  /** Registers one secret under a label such as `secretAccessKey of ASIA...`. */
  add(label: string, secret: string): void {
    if (secret.length < SECRET_FRAGMENT_LENGTH || this.#fragments.has(secret.slice(0, SECRET_FRAGMENT_LENGTH))) return;
    this.#size++;
    const middle = Math.floor((secret.length - SECRET_FRAGMENT_LENGTH) / 2);
    for (const start of [0, middle, secret.length - SECRET_FRAGMENT_LENGTH]) {
      // A copy, not a slice: V8 keeps a slice's whole parent string (a session token) alive.
      this.#fragments.set(Buffer.from(secret.slice(start, start + SECRET_FRAGMENT_LENGTH)).toString(), label);
    }
  }

  /** Registers a web identity token (a JWT) by its signature. */
  addToken(label: string, jwt: string): void {
    const signature = jwt.split(".")[2];
    this.add(label, signature !== undefined && signature.length >= SECRET_FRAGMENT_LENGTH ? signature : jwt);
  }

  /** Registers the secret access key and session token of every set an STS issued (again: no harm). */
  addIssued(issued: Iterable<[string, { secretAccessKey: string; sessionToken: string }]>): void {
    for (const [accessKeyId, credentials] of issued) {
      this.add(`secretAccessKey of ${accessKeyId}`, credentials.secretAccessKey);
      this.add(`sessionToken of ${accessKeyId}`, credentials.sessionToken);
    }
  }

  /** Every registered secret found in `text` (one hit per secret per text). */
  scan(where: string, text: string): SecretHit[] {
    const hits = new Map<string, SecretHit>();
    for (let i = 0; i + SECRET_FRAGMENT_LENGTH <= text.length; i++) {
      const label = this.#fragments.get(text.slice(i, i + SECRET_FRAGMENT_LENGTH));
      if (label !== undefined && !hits.has(label)) hits.set(label, { where, secret: label });
    }
    return [...hits.values()];
  }
}

/** Renders any logged argument the way a logging library would. */
function render(value: unknown): string {
  return typeof value === "string" ? value : inspect(value, { depth: 8 });
}

/**
 * Collects printable output. `logger` and `onEvent` plug into a provider; `error()` and
 * `object()` record what callers received. Output is kept as text until `drain()`, so a long run
 * can scan and drop it as it goes.
 */
export class OutputCapture {
  #pending: Array<{ where: string; text: string }> = [];
  /** Counts per kind, for assertions that the capture saw something. */
  readonly counts = { debug: 0, info: 0, warn: 0, error: 0, events: 0, errors: 0, objects: 0 };

  /** An SDK-style logger with all four levels. */
  readonly logger: Required<Logger> = {
    debug: (...content: unknown[]) => this.#log("debug", content),
    info: (...content: unknown[]) => this.#log("info", content),
    warn: (...content: unknown[]) => this.#log("warn", content),
    error: (...content: unknown[]) => this.#log("error", content),
  };

  /** An event sink for `onEvent`. */
  readonly onEvent = (event: unknown): void => {
    this.counts.events++;
    this.#add("event (JSON)", JSON.stringify(event));
    this.#add("event (inspect)", inspect(event, { depth: 8 }));
  };

  /** Records an error: message, stack, JSON and inspect of it and of every error in its cause chain. */
  error(error: unknown): void {
    this.counts.errors++;
    const seen = new Set<unknown>();
    for (let current: unknown = error; current !== undefined && current !== null && !seen.has(current); ) {
      seen.add(current);
      if (current instanceof Error) {
        this.#add("error message", current.message);
        this.#add("error stack", current.stack ?? "");
      }
      this.#add("error (String)", String(current));
      this.#add("error (JSON)", safeStringify(current));
      this.#add("error (inspect)", inspect(current, { depth: 8, showHidden: true }));
      current = typeof current === "object" ? (current as { cause?: unknown }).cause : undefined;
    }
  }

  /** Records JSON.stringify and util.inspect (getters run, hidden properties shown) of any object. */
  object(label: string, value: unknown): void {
    this.counts.objects++;
    this.#add(`${label} (JSON)`, safeStringify(value));
    this.#add(`${label} (inspect)`, inspect(value, { depth: 8, getters: true, showHidden: true }));
  }

  /** Returns what was captured since the last drain, and forgets it. */
  drain(): Array<{ where: string; text: string }> {
    const pending = this.#pending;
    this.#pending = [];
    return pending;
  }

  /** Scans what was captured since the last drain against `secrets`. */
  scan(secrets: SecretIndex): SecretHit[] {
    return this.drain().flatMap(({ where, text }) => secrets.scan(where, text));
  }

  #log(level: keyof OutputCapture["counts"] & ("debug" | "info" | "warn" | "error"), content: unknown[]): void {
    this.counts[level]++;
    this.#add(`log ${level}`, content.map(render).join(" "));
  }

  #add(where: string, text: string): void {
    this.#pending.push({ where, text });
  }
}

function safeStringify(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch (error) {
    return `(JSON.stringify threw ${String(error)})`;
  }
}
