import {
  DEFAULT_CREDENTIALS_PATH,
  DEFAULT_HOST,
  DEFAULT_MAX_CONCURRENT_REQUESTS,
  DEFAULT_MAX_CONNECTIONS,
  DEFAULT_SHUTDOWN_GRACE_MS,
} from "./defaults.js";

const PROVIDER_FLAGS = `Credentials (each falls back to the environment, as in the AWS SDK):
  --role-arn ARN                   role to assume (AWS_ROLE_ARN)
  --web-identity-token-file PATH   projected service account token (AWS_WEB_IDENTITY_TOKEN_FILE)
  --role-session-name NAME         session name (AWS_ROLE_SESSION_NAME; default: generated)
  --duration-seconds N             lifetime of the credentials, 900-43200 (default: STS's, 3600)
  --region REGION                  STS region (AWS_REGION, AWS_DEFAULT_REGION)
  AWS_ENDPOINT_URL_STS             STS endpoint override (environment only)`;

/** `irsa-credentials --help`. */
export const MAIN_USAGE = `Usage: irsa-credentials <command> [flags]

Web-identity (IRSA) credentials for processes that cannot use @irsa/web-identity themselves.

Commands:
  serve     serve the container-credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI)
  process   print credential_process JSON once and exit (for ~/.aws/config)

Run "irsa-credentials <command> --help" for the flags of a command.
`;

/** `irsa-credentials serve --help`. */
export const SERVE_USAGE = `Usage: irsa-credentials serve --write-auth-token-file PATH [flags]

Serves the container-credentials JSON on ${DEFAULT_HOST} from one refresh engine, so every
process of the pod shares one cache and one STS call per refresh. Logs JSON lines on stdout;
the first one ("listening") carries the URL. Stops gracefully on SIGTERM or SIGINT.

Authorization (exactly one):
  --write-auth-token-file PATH     generate a random token at start and write it to PATH;
                                   point the app's AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE at it
  --auth-token-file PATH           use the token already in PATH (e.g. a mounted Secret)
  --auth-token-file-mode MODE      mode of the written file (default 0640)

Listening:
  --host ADDRESS                   address to bind (default ${DEFAULT_HOST})
  --port N                         port (default 0: pick a free one, printed at start)
  --path PATH                      credentials path (default ${DEFAULT_CREDENTIALS_PATH})
  --allow-non-loopback             allow a non-loopback --host (a warning is logged)
  --allow-host NAME                accept this Host header too (repeatable); loopback names
                                   and addresses are always accepted, others get 403
  --health-port N                  also serve /healthz, /readyz, /metrics (no credentials)
                                   on this port, for kubelet probes
  --health-host ADDRESS            address of the health listener (default 0.0.0.0)
  --max-connections N              open connections at once (default ${DEFAULT_MAX_CONNECTIONS})
  --max-concurrent-requests N      requests at once, then 503 (default ${DEFAULT_MAX_CONCURRENT_REQUESTS})
  --shutdown-grace-seconds N       time for requests in flight at SIGTERM (default ${DEFAULT_SHUTDOWN_GRACE_MS / 1000})
  --log-level LEVEL                debug, info, warn or error (default info)

${PROVIDER_FLAGS}

Endpoints: GET <path> (credentials, needs the token), /healthz, /readyz (200 once
credentials are in hand and not expired), /metrics (Prometheus text).
`;

/** `irsa-credentials process --help`. */
export const PROCESS_USAGE = `Usage: irsa-credentials process [flags]

Prints the credential_process JSON (Version 1, AccessKeyId, SecretAccessKey, SessionToken,
Expiration) for the role of the pod's service account, then exits. Errors go to stderr with
exit code 1. In ~/.aws/config:

  [profile irsa]
  credential_process = irsa-credentials process

The AWS CLI runs the process for every command, so the credentials are cached in a file per
configuration (mode 0600, written atomically; its name is a hash, never a secret) and reused
until the engine's advisory window (15 min before expiry for 1-hour sets); a failed refresh then
keeps the cached set while it is valid and waits 5-10 min before the next try. A corrupt or
foreign cache file is ignored and replaced.

Cache:
  --cache-dir DIR                  where the cache files go (IRSA_CREDENTIALS_CACHE_DIR;
                                   default $XDG_CACHE_HOME/irsa-credentials or ~/.cache/irsa-credentials)
  --no-cache                       fetch on every run, write no file

${PROVIDER_FLAGS}
  --log-level LEVEL                log lines on stderr: debug, info, warn (default), error
`;
