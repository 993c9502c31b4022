// The providers compared, each built the way an application really uses it, all pointed at the
// local IRSA world (never real AWS). A subject exposes the function every request goes through:
//
// - v3 clients: `client.config.credentials` after construction. @aws-sdk/core's
//   resolveAwsSdkSigV4Config wraps the `credentials` given to the client in @smithy/core's
//   memoizeIdentityProvider (it calls the provider again only when the set is within
//   EXPIRATION_MS = 300_000 of expiry), binds the caller's config, and adds credential feature
//   attribution. The signing middleware reads that same getter, so timing it times a request's
//   credential step without the network.
// - aws-sdk v2: `credentials.getPromise()`, which v2's `config.getCredentials` calls per request.
// - ours directly: the provider itself, as a library shares one provider between many clients.
import { STSClient } from "@aws-sdk/client-sts";
import { fromNodeProviderChain, fromTokenFile } from "@aws-sdk/credential-providers";
import { toV2Credentials } from "@irsa/aws-sdk-v2";
import type { IrsaWorld } from "@irsa/testing";
import { fromWebIdentity } from "@irsa/web-identity";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import AWS from "aws-sdk";

export const SUBJECT_IDS = [
  "v3-client-fromTokenFile",
  "fromNodeProviderChain",
  "v2-TokenFileWebIdentityCredentials",
  "ours-direct",
  "ours-v3-client",
  "ours-v2-adapter",
] as const;
export type SubjectId = (typeof SUBJECT_IDS)[number];

export const SUBJECT_LABELS: Record<SubjectId, string> = {
  "v3-client-fromTokenFile": "anchor: v3 client over `fromTokenFile`",
  fromNodeProviderChain: "anchor: `fromNodeProviderChain()`",
  "v2-TokenFileWebIdentityCredentials": "anchor: v2 `TokenFileWebIdentityCredentials`",
  "ours-direct": "ours: `fromWebIdentity()` called directly",
  "ours-v3-client": "ours: v3 client over `fromWebIdentity()`",
  "ours-v2-adapter": "ours: v2 adapter `toV2Credentials(fromWebIdentity())`",
};

/** The anchor each of our rows is compared with. */
export const ANCHOR_OF: Partial<Record<SubjectId, SubjectId>> = {
  "ours-direct": "v3-client-fromTokenFile",
  "ours-v3-client": "v3-client-fromTokenFile",
  "ours-v2-adapter": "v2-TokenFileWebIdentityCredentials",
};

/** Gets credentials the way one request does; resolves when they are available. */
export type CredentialGetter = () => Promise<unknown>;

export interface Subject {
  readonly id: SubjectId;
  /** The credential step of one request through the subject's first client. */
  readonly get: CredentialGetter;
  /** Another client sharing the same provider (or, for ours-direct, another caller of it). */
  newClient(): CredentialGetter;
  close(): void;
}

/**
 * The environment the anchors read (v2 and the node chain read only the environment), pointing at
 * the world, with every other source of credentials switched off (no IMDS, no profile files, no
 * static keys). Returns a function restoring the previous values.
 */
export function useWorldEnvironment(world: IrsaWorld): () => void {
  const saved = { ...process.env };
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"]) {
    delete process.env[name];
  }
  Object.assign(process.env, world.env, {
    AWS_ROLE_SESSION_NAME: "bench",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: "/nonexistent/irsa-bench/config",
    AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/irsa-bench/credentials",
    AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE: "1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  return () => {
    process.env = saved;
  };
}

function v3Client(world: IrsaWorld, credentials: AwsCredentialIdentityProvider, closers: Array<() => void>): CredentialGetter {
  const client = new STSClient({ region: world.region, endpoint: world.sts.endpoint, credentials, maxAttempts: 1 });
  closers.push(() => client.destroy());
  const resolved = client.config.credentials;
  return () => resolved();
}

function v2Getter(credentials: AWS.Credentials): CredentialGetter {
  return () => credentials.getPromise();
}

/** Builds one subject, with a fresh provider (nothing cached). */
export function createSubject(id: SubjectId, world: IrsaWorld): Subject {
  const closers: Array<() => void> = [];
  const close = () => {
    for (const closeOne of closers.splice(0)) closeOne();
  };
  const stsClientConfig = { endpoint: world.sts.endpoint, region: world.region };
  const ours = () => {
    const provider = fromWebIdentity({
      roleArn: world.roleArn,
      webIdentityTokenFile: world.tokenFile.path,
      region: world.region,
      clientConfig: { endpoint: world.sts.endpoint },
    });
    closers.push(() => provider.close());
    return provider;
  };
  switch (id) {
    case "v3-client-fromTokenFile": {
      const provider = fromTokenFile({ clientConfig: stsClientConfig });
      return { id, get: v3Client(world, provider, closers), newClient: () => v3Client(world, provider, closers), close };
    }
    case "fromNodeProviderChain": {
      const provider = fromNodeProviderChain({ clientConfig: stsClientConfig });
      return { id, get: () => provider(), newClient: () => v3Client(world, provider, closers), close };
    }
    case "v2-TokenFileWebIdentityCredentials": {
      const credentials = new AWS.TokenFileWebIdentityCredentials({
        endpoint: world.sts.endpoint,
        region: world.region,
        sslEnabled: false,
      });
      // v2 clients share the credentials object itself.
      return { id, get: v2Getter(credentials), newClient: () => v2Getter(credentials), close };
    }
    case "ours-direct": {
      const provider = ours();
      return { id, get: () => provider(), newClient: () => () => provider(), close };
    }
    case "ours-v3-client": {
      const provider = ours();
      return { id, get: v3Client(world, provider, closers), newClient: () => v3Client(world, provider, closers), close };
    }
    case "ours-v2-adapter": {
      const credentials = toV2Credentials(ours());
      return { id, get: v2Getter(credentials), newClient: () => v2Getter(credentials), close };
    }
  }
}
