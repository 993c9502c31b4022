import type { IrsaWorld } from "@irsa/testing";
import type { RecordedStsRequest } from "./recording-proxy.js";

/** What a side is given: the local world's names, the proxy in front of its STS, a folder of its own. */
export interface SideContext {
  /** The role the world's token is trusted for. */
  readonly roleArn: string;
  /** A second role of the world (also trusted): tells a profile's role from the variable's. */
  readonly otherRoleArn: string;
  /** The kubelet-style token file. */
  readonly tokenFile: string;
  /** The recording proxy in front of the local STS: give it as the STS endpoint. */
  readonly stsEndpoint: string;
  /** A folder for this side only (HOME, the shared config files, anything a case writes). */
  readonly dir: string;
  /** The world's current token (for the cases that give a token by value). */
  readonly token: string;
  /** A container-credentials endpoint on loopback and the Authorization value it expects. */
  readonly container: { readonly fullUri: string; readonly authorizationToken: string };
  /** A local IMDS (AWS_EC2_METADATA_SERVICE_ENDPOINT). */
  readonly imdsEndpoint: string;
}

/** A set of credentials as a side reports it: no secrets. */
export interface CredentialsSummary {
  accessKeyId: string;
  /** The role the local STS issued it for; undefined for a set it did not issue (static keys). */
  role?: string;
  /** Minutes until it expires, rounded; undefined when it does not expire. */
  lifetimeMinutes?: number;
  /** The credential feature letters (`$source`), sorted. */
  features: string[];
}

/** An error as a side reports it. */
export interface ErrorSummary {
  name: string;
  message: string;
  code?: string;
  causeName?: string;
  httpStatusCode?: number;
  tryNextLink?: boolean;
}

export type Outcome =
  | { ok: true; credentials?: CredentialsSummary; value?: unknown }
  | { ok: false; error: ErrorSummary };

/** One side of one case, run in a fresh process. */
export interface SideRun {
  readonly outcome: Outcome;
  /** What reached the local STS, through the proxy. */
  readonly sts: readonly RecordedStsRequest[];
  /** Non-loopback connections refused by the guard (`host:port`): where the side would have gone. */
  readonly refused: readonly string[];
  /** Requests the local container-credentials endpoint and IMDS got from the side. */
  readonly asked: { readonly container: number; readonly imds: number };
  /** Lines the side wrote to stderr (warnings). */
  readonly stderr: readonly string[];
  /** Rejections no one handled in the side's process. */
  readonly unhandledRejections: number;
  /** The web identity token appeared in what the side printed (stdout or stderr). */
  readonly printedToken: boolean;
}

/** The assertions of a mapped or different row get vitest's `expect` (cases also load in children). */
export type Expect = typeof import("vitest").expect;

/**
 * One differential case: the same configuration given to the SDK's provider and to ours, each in
 * a fresh process with a clean environment.
 */
export interface DiffCase {
  /** Variables of both sides, on top of a clean environment (HOME and the config files in `dir`). */
  env?(ctx: SideContext): Record<string, string>;
  /** Files written into `dir` before each side, by name (`config`, `credentials` are the SDK's files). */
  files?(ctx: SideContext): Record<string, string>;
  /** Faults or settings of the local STS before each side (runs in the test process). */
  arrange?(world: IrsaWorld): void;
  /** The SDK's side. A credentials set returned is summarized; a throw is the outcome. */
  sdk(ctx: SideContext): Promise<unknown>;
  /** Ours. */
  ours(ctx: SideContext): Promise<unknown>;
  /** What a "same" row compares. Default: {@link defaultObservation}. */
  observe?(run: SideRun): unknown;
  /** What a "mapped" or "different" row must show. */
  differs?(runs: { sdk: SideRun; ours: SideRun }, expect: Expect): void;
}

/**
 * Same identity (or the same error), the same STS actions, the same places refused. An error is
 * named by the SDK's own exception: ours wraps it (`StsRequestError`, its `cause`), a documented
 * difference of the "STS error" row.
 */
export function defaultObservation(run: SideRun): unknown {
  const { outcome } = run;
  return {
    outcome: outcome.ok ? { role: outcome.credentials?.role, value: outcome.value } : { error: outcome.error.causeName ?? outcome.error.name },
    actions: run.sts.map((request) => request.action),
    refused: run.refused,
    asked: { container: run.asked.container > 0, imds: run.asked.imds > 0 },
  };
}
