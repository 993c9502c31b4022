import { configuredLifetimeMs } from "./configured-lifetime.js";
import type { CachedCredentialProvider, CredentialCacheEvent, CredentialCacheStats } from "../engine/cache-types.js";
import type { RegionSource } from "../sources/web-identity/config.js";
import { sharedProvider } from "../engine/cached-provider.js";
import { DEFAULT_REFRESH_TIMEOUT_MS } from "../engine/cache-options.js";
import type { SharingStats } from "../sharing/group-member.js";
import { checkSharingOptions, groupMemberFor } from "../sharing/provider-sharing.js";
import { withSafeLogger } from "../shared/logger.js";
import { createWebIdentitySource, type WebIdentitySourceSeams } from "../sources/web-identity/web-identity-source.js";
import { FROM_WEB_IDENTITY_OPTIONS } from "./known-options.js";
import { taggedSource } from "../sts/credential-features.js";
import type { FromWebIdentityInit } from "./provider-inits.js";
import { prepareWebIdentitySource, webIdentityOrigin } from "./sdk-options.js";

/** The engine's counters plus what the provider resolved on its last fetch. */
export interface WebIdentityProviderStats extends CredentialCacheStats {
  /** Region whose STS endpoint was called (undefined when a supplied client decides). */
  readonly region?: string;
  /** Where that region came from; `"fallback"` means none was set and us-east-1 was used. */
  readonly regionSource?: RegionSource;
  readonly roleArn?: string;
  readonly roleSessionName?: string;
  /** STS's clock minus this machine's, ms, from the last answer (positive: local clock behind). */
  readonly clockSkewMs?: number;
  /**
   * This provider's place in its group of workers ("Sharing across workers" in the README).
   * `sourceCalls` counts this engine's calls to its source: STS for a leader, the leader for a
   * follower; `sharing.groupSourceCalls` counts the group's STS calls.
   */
  readonly sharing?: SharingStats;
}

/** A v3 credential provider with the refresh engine's controls. */
export interface WebIdentityCredentialProvider extends CachedCredentialProvider {
  readonly stats: WebIdentityProviderStats;
}

/**
 * Credentials for the role of a Kubernetes service account (EKS IRSA or any OIDC issuer IAM
 * trusts): reads the projected token, calls STS `AssumeRoleWithWebIdentity`, and keeps the
 * result fresh with the refresh engine (background, jittered, single flight). Share one provider
 * between clients: they then share one cache and one STS call per refresh.
 *
 * Nothing is read at construction: configuration is resolved when credentials are first
 * requested, and errors surface then.
 *
 * @example
 * const credentials = fromWebIdentity();
 * const s3 = new S3Client({ credentials });
 */
export function fromWebIdentity(init: FromWebIdentityInit = {}): WebIdentityCredentialProvider {
  return createWebIdentityProvider(init);
}

/** `fromWebIdentity` with internal seams (environment, file reads) for tests. */
export function createWebIdentityProvider(init: FromWebIdentityInit, seams: WebIdentitySourceSeams = {}): WebIdentityCredentialProvider {
  // Options are checked per provider, so a bad one fails at construction, shared engine or not.
  const prepared = prepareWebIdentitySource(init, seams, FROM_WEB_IDENTITY_OPTIONS, "fromWebIdentity");
  checkSharingOptions(init, "fromWebIdentity");
  return sharedProvider({
    kind: "fromWebIdentity",
    init,
    keyParts: [seams],
    // A profile's duration_seconds is read on the first fetch, not here: then STS's answer is checked instead.
    maxLifetimeMs: seams.profileBeforeVariables === true ? undefined : configuredLifetimeMs(init),
    env: seams.env === undefined ? process.env : {}, // a seam is keyed by its identity (keyParts)
    build: () => {
      let report: ((event: CredentialCacheEvent) => void) | undefined;
      let resetFailures: (() => void) | undefined;
      // Every module logs through the one safe logger (a throwing logger cannot fail a fetch).
      const source = createWebIdentitySource(withSafeLogger(prepared.init), {
        ...prepared.seams,
        report: (event) => report?.(event),
        // kubelet rotated the token while a permanent failure was cached: the next call tries it
        tokenRotated: () => resetFailures?.(),
      });
      const fetch = async () => {
        await prepared.beforeFetch();
        return source();
      };
      const env = seams.env ?? (() => process.env);
      const tagged = taggedSource(fetch, webIdentityOrigin(init, env, source));
      // Workers of this process (and, opted in, of this pod) with the same identity share one set.
      const member = groupMemberFor({
        kind: "fromWebIdentity",
        init,
        env,
        seamless: Object.keys(seams).length === 0,
        timeoutMs: init.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS,
      });
      return {
        source: (properties?: Record<string, unknown>) => member.fetch(properties?.forceRefresh === true, tagged),
        extension: {
          close: () => {
            member.close();
            source.close();
          },
          facts: () => ({ ...source.info, sharing: member.stats() }),
          // The source's own events (a measured clock skew) join the engine's fan-out.
          attach: (reportToEngine, controls) => {
            report = reportToEngine;
            resetFailures = controls.resetFailures;
            member.attach(controls.engine);
          },
          observeCall: (identityProperties) => prepared.caller.observe(identityProperties),
        },
      };
    },
  });
}
