import { KubeletTokenFile } from "./kubelet-token-file.js";
import { DEFAULT_NAMESPACE, DEFAULT_SERVICE_ACCOUNT, DEFAULT_TOKEN_TTL_SECONDS, createOidcIssuer, serviceAccountSubject, type OidcIssuer } from "./oidc-issuer.js";
import { DEFAULT_LOCAL_STS_REGION, startLocalSts, type LocalSts } from "./local-sts/local-sts.js";
import type { LocalRole } from "./local-sts/trust.js";

/** The role the IRSA world trusts by default. */
export const DEFAULT_WORLD_ROLE_ARN = "arn:aws:iam::111122223333:role/irsa-demo";

/** Options of {@link startIrsaWorld}. */
export interface IrsaWorldInit {
  /** Role the pod's service account may assume. Default `arn:aws:iam::111122223333:role/irsa-demo`. */
  roleArn?: string;
  /** Pod namespace. Default `"default"`. */
  namespace?: string;
  /** Service account. Default `"app"`. */
  serviceAccount?: string;
  /** Lifetime of the projected token in seconds. Default 3600. */
  tokenTtlSeconds?: number;
  /** Rotate the token file automatically at 80% of its lifetime. Default `false`. */
  autoRotate?: boolean;
  /** Directory of the token file. Default: a new temporary directory. */
  tokenDir?: string;
  /** Region written to `AWS_REGION`. Default `"us-east-1"`. */
  region?: string;
  /** TEST-ONLY lifetime of issued credentials (see `LocalStsInit`). */
  credentialLifetimeSeconds?: number;
  /** Maximum session duration of the role. Default 3600. */
  maxSessionDurationSeconds?: number;
  /**
   * Reuse an existing issuer (RSA key generation costs ~0.2-0.4 s, so a suite can share one).
   * A given issuer is not closed by `close()`. Default: a new served issuer.
   */
  issuer?: OidcIssuer;
  /** More roles for the local STS (e.g. targets of AssumeRole). */
  extraRoles?: LocalRole[];
}

/** The environment a pod with IRSA gets, pointed at the local world. */
export interface IrsaWorldEnv {
  AWS_ROLE_ARN: string;
  AWS_WEB_IDENTITY_TOKEN_FILE: string;
  AWS_ENDPOINT_URL_STS: string;
  AWS_REGION: string;
  [name: string]: string;
}

/** An OIDC issuer, a token file and a local STS wired together. */
export interface IrsaWorld {
  readonly issuer: OidcIssuer;
  readonly tokenFile: KubeletTokenFile;
  readonly sts: LocalSts;
  /** The trusted role. */
  readonly roleArn: string;
  /** The region of the world. */
  readonly region: string;
  /** Variables to give the code under test. */
  readonly env: IrsaWorldEnv;
  /** Closes the STS, the token file and the issuer. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts a complete local IRSA world: an OIDC issuer serving its keys, a kubelet-style token
 * file for `system:serviceaccount:default:app`, and a local STS whose role trusts it.
 *
 * @example
 * ```ts
 * const world = await startIrsaWorld();
 * Object.assign(process.env, world.env); // AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE, ...
 * const sts = new STSClient({ endpoint: world.sts.endpoint, credentials: fromWebIdentity() });
 * await sts.send(new GetCallerIdentityCommand({})); // signed with credentials the world issued
 * await world.close();
 * ```
 */
export async function startIrsaWorld(init: IrsaWorldInit = {}): Promise<IrsaWorld> {
  const roleArn = init.roleArn ?? DEFAULT_WORLD_ROLE_ARN;
  const namespace = init.namespace ?? DEFAULT_NAMESPACE;
  const serviceAccount = init.serviceAccount ?? DEFAULT_SERVICE_ACCOUNT;
  const region = init.region ?? DEFAULT_LOCAL_STS_REGION;
  const issuer = init.issuer ?? (await createOidcIssuer());
  const opened: Array<{ close(): Promise<void> }> = init.issuer ? [] : [issuer];
  try {
    const sts = await startLocalSts({
      issuers: [issuer],
      region,
      roles: [
        {
          roleArn,
          trust: { issuer, subjects: [serviceAccountSubject(namespace, serviceAccount)] },
          ...(init.maxSessionDurationSeconds !== undefined ? { maxSessionDurationSeconds: init.maxSessionDurationSeconds } : {}),
        },
        ...(init.extraRoles ?? []),
      ],
      ...(init.credentialLifetimeSeconds !== undefined ? { credentialLifetimeSeconds: init.credentialLifetimeSeconds } : {}),
    });
    opened.unshift(sts);
    const tokenFile = await KubeletTokenFile.create({
      issuer,
      namespace,
      serviceAccount,
      ttlSeconds: init.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
      autoRotate: init.autoRotate ?? false,
      ...(init.tokenDir !== undefined ? { dir: init.tokenDir } : {}),
    });
    opened.unshift(tokenFile);
    let closing: Promise<void> | undefined;
    return {
      issuer,
      tokenFile,
      sts,
      roleArn,
      region,
      env: {
        AWS_ROLE_ARN: roleArn,
        AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile.path,
        AWS_ENDPOINT_URL_STS: sts.endpoint,
        AWS_REGION: region,
      },
      close() {
        closing ??= closeAll(opened);
        return closing;
      },
    };
  } catch (error) {
    await closeAll(opened);
    throw error;
  }
}

async function closeAll(resources: Array<{ close(): Promise<void> }>): Promise<void> {
  const results = await Promise.allSettled(resources.map((resource) => resource.close()));
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
}
