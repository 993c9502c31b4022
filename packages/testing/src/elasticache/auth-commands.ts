import { encodeRequest } from "./resp-request-parser.js";

/**
 * The user the front authenticates as on redis-server when a client's credentials pass: Debian's
 * redis-server has `default` on with `nopass`, so any password works and redis-server itself
 * answers (`+OK`, or the real `HELLO` map in the negotiated protocol), in order with the rest.
 */
export const RELAY_ACCEPTED_USER = "default";
/** A user redis-server does not have: authenticating as it makes redis-server answer `WRONGPASS`. */
export const RELAY_REFUSED_USER = "irsa-front-refused";
/** Stands in for every client password on the relay; the real one never reaches redis-server. */
export const RELAY_PLACEHOLDER_PASSWORD = "irsa-front-placeholder";

/** Redis's reply to a command before authentication. */
export const NOAUTH_MESSAGE = "NOAUTH Authentication required.";
/** Redis's reply to `HELLO` without `AUTH` before authentication. */
export const NOAUTH_HELLO_MESSAGE =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";
/** Redis's (and ElastiCache's) reply to refused credentials. */
export const WRONGPASS_MESSAGE = "WRONGPASS invalid username-password pair or user is disabled.";

/** Credentials a request carries. */
export interface Credentials {
  readonly user: string;
  readonly password: string;
}

/** What the front does with one request. */
export type AuthCommand =
  /** `AUTH` or `HELLO ... AUTH ...`: check the credentials; `relay(accepted)` is what to send on. */
  | {
      kind: "authenticate";
      command: "AUTH" | "HELLO";
      credentials: Credentials;
      /** The protocol a `HELLO` asks for. */
      protocol?: 2 | 3;
      relay: (accepted: boolean) => Buffer;
    }
  /** A malformed `AUTH`/`HELLO`: answer `error` before authentication, else relay `relay` (no secret in it). */
  | { kind: "malformed"; error: string; relay: Buffer }
  /** `HELLO` without credentials (`protocol` unless a bare `HELLO`). */
  | { kind: "hello"; protocol?: 2 | 3 }
  /** `QUIT`. */
  | { kind: "quit" }
  /** Anything else. */
  | { kind: "other" };

function upper(arg: Buffer | undefined): string {
  return arg === undefined ? "" : arg.toString("latin1").toUpperCase();
}

/** Classifies a request by its arguments. */
export function classifyRequest(args: readonly Buffer[]): AuthCommand {
  const name = upper(args[0]);
  if (name === "AUTH") return classifyAuth(args);
  if (name === "HELLO") return classifyHello(args);
  if (name === "QUIT") return { kind: "quit" };
  return { kind: "other" };
}

function classifyAuth(args: readonly Buffer[]): AuthCommand {
  if (args.length !== 2 && args.length !== 3) {
    // Same arity, no secret: redis-server then answers its own arity error.
    return {
      kind: "malformed",
      error: "ERR wrong number of arguments for 'auth' command",
      relay: encodeRequest(args.map((_, i) => (i === 0 ? "AUTH" : "x"))),
    };
  }
  // `AUTH password` is `AUTH default password`, as in Redis 6+.
  const user = args.length === 3 ? (args[1] as Buffer).toString("utf8") : "default";
  const password = (args[args.length - 1] as Buffer).toString("utf8");
  return {
    kind: "authenticate",
    command: "AUTH",
    credentials: { user, password },
    relay: (accepted) => encodeRequest(["AUTH", accepted ? RELAY_ACCEPTED_USER : RELAY_REFUSED_USER, RELAY_PLACEHOLDER_PASSWORD]),
  };
}

/** `HELLO [protover [AUTH username password] [SETNAME clientname]]`, checked as Redis 7 does. */
function classifyHello(args: readonly Buffer[]): AuthCommand {
  if (args.length === 1) return { kind: "hello" };
  const protoText = (args[1] as Buffer).toString("latin1");
  const malformed = (error: string): AuthCommand => ({ kind: "malformed", error, relay: withoutSecrets(args) });
  if (!/^-?\d{1,18}$/.test(protoText)) return malformed("ERR Protocol version is not an integer or out of range");
  const proto = Number(protoText);
  if (proto < 2 || proto > 3) return malformed("NOPROTO unsupported protocol version");
  let credentials: Credentials | undefined;
  let authAt = -1;
  for (let i = 2; i < args.length; i += 1) {
    const option = upper(args[i]);
    const rest = args.length - i - 1;
    if (option === "AUTH" && rest >= 2) {
      credentials = { user: (args[i + 1] as Buffer).toString("utf8"), password: (args[i + 2] as Buffer).toString("utf8") };
      authAt = i;
      i += 2;
    } else if (option === "SETNAME" && rest >= 1) {
      i += 1;
    } else {
      return malformed(`ERR Syntax error in HELLO option '${(args[i] as Buffer).toString("utf8")}'`);
    }
  }
  const protocol = proto as 2 | 3;
  if (credentials === undefined) return { kind: "hello", protocol };
  return {
    kind: "authenticate",
    command: "HELLO",
    credentials,
    protocol,
    relay: (accepted) =>
      encodeRequest(
        args.map((arg, i) => {
          if (i === authAt + 1) return accepted ? RELAY_ACCEPTED_USER : RELAY_REFUSED_USER;
          if (i === authAt + 2) return RELAY_PLACEHOLDER_PASSWORD;
          return arg;
        }),
      ),
  };
}

/** The request with the two arguments after every `AUTH` option replaced, so no secret is relayed. */
function withoutSecrets(args: readonly Buffer[]): Buffer {
  const hidden = new Set<number>();
  for (let i = 2; i < args.length; i += 1) if (upper(args[i]) === "AUTH") hidden.add(i + 1).add(i + 2);
  return encodeRequest(args.map((arg, i) => (hidden.has(i) ? RELAY_PLACEHOLDER_PASSWORD : arg)));
}
