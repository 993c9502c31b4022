import type { CachedCredentialProvider, CredentialCacheEvent } from "@irsa/web-identity";
import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The routes the server counts requests by; anything else is `other`. */
export type RouteLabel = "credentials" | "healthz" | "readyz" | "metrics" | "other";

/** What the metrics read from the server at scrape time. */
export interface MetricsSubject {
  provider: CachedCredentialProvider;
  now: () => number;
  isReady: () => boolean;
}

const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * The server's Prometheus metrics, in a registry of their own (never prom-client's global one).
 * Counters of the source and the expiry are read from the provider's `stats` at scrape time, so
 * they are right for any `CachedCredentialProvider`; the duration of source calls (STS latency
 * for web identity) needs the engine's events: pass `observeCacheEvent` as the provider's
 * `onEvent`.
 */
export class CredentialServerMetrics {
  readonly registry = new Registry();
  #subject: MetricsSubject | undefined;
  readonly #sourceDuration: Histogram<"outcome">;
  readonly #requests: Counter<"route" | "code">;
  readonly #requestDuration: Histogram<"route">;
  readonly #inFlight: Gauge;

  constructor() {
    const registers = [this.registry];
    const read = () => this.#subject;
    new Counter({
      name: "irsa_credentials_source_calls_total",
      help: "Calls made to the credential source (STS AssumeRoleWithWebIdentity for web identity).",
      registers,
      collect() {
        this.reset();
        this.inc(read()?.provider.stats.sourceCalls ?? 0);
      },
    });
    new Counter({
      name: "irsa_credentials_source_failures_total",
      help: "Calls to the credential source that failed.",
      registers,
      collect() {
        this.reset();
        this.inc(read()?.provider.stats.failures ?? 0);
      },
    });
    new Gauge({
      name: "irsa_credentials_expiry_seconds",
      help: "Seconds until the cached credentials expire (negative once expired, NaN when none is cached).",
      registers,
      collect() {
        const subject = read();
        const expiration = subject?.provider.peek().credentials?.expiration;
        this.set(subject && expiration ? (expiration.getTime() - subject.now()) / 1000 : Number.NaN);
      },
    });
    new Gauge({
      name: "irsa_credentials_ready",
      help: "1 when valid credentials are in hand (what /readyz reports), else 0.",
      registers,
      collect() {
        this.set(read()?.isReady() ? 1 : 0);
      },
    });
    this.#sourceDuration = new Histogram({
      name: "irsa_credentials_source_call_duration_seconds",
      help: "Duration of calls to the credential source (STS latency for web identity), by outcome.",
      labelNames: ["outcome"],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.#requests = new Counter({
      name: "irsa_credentials_http_requests_total",
      help: "HTTP requests served, by route and status code.",
      labelNames: ["route", "code"],
      registers,
    });
    this.#requestDuration = new Histogram({
      name: "irsa_credentials_http_request_duration_seconds",
      help: "Time to answer an HTTP request, by route.",
      labelNames: ["route"],
      buckets: SECONDS_BUCKETS,
      registers,
    });
    this.#inFlight = new Gauge({
      name: "irsa_credentials_http_requests_in_flight",
      help: "HTTP requests being answered now.",
      registers,
    });
  }

  /** Feeds the engine's events in: pass it as `onEvent` (it is bound, and never throws). */
  readonly observeCacheEvent = (event: CredentialCacheEvent): void => {
    if (event.type === "refresh-succeeded" || event.type === "refresh-failed") {
      const outcome = event.type === "refresh-succeeded" ? "success" : "failure";
      this.#sourceDuration.observe({ outcome }, event.durationMs / 1000);
    }
  };

  /** Binds the scrape-time readings to one server. */
  track(subject: MetricsSubject): void {
    this.#subject = subject;
  }

  requestStarted(): void {
    this.#inFlight.inc();
  }

  requestFinished(route: RouteLabel, statusCode: number, seconds: number): void {
    this.#inFlight.dec();
    this.#requests.inc({ route, code: String(statusCode) });
    this.#requestDuration.observe({ route }, seconds);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
