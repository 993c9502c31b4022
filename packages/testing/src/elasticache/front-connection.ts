import { connect, type Socket } from "node:net";
import { classifyRequest, NOAUTH_HELLO_MESSAGE, NOAUTH_MESSAGE, WRONGPASS_MESSAGE, type AuthCommand } from "./auth-commands.js";
import { encodeError, RespProtocolError, RespRequestParser, type RespRequest } from "./resp-request-parser.js";
import { SubscribedMode } from "./subscribed-mode.js";
import type { TokenCheckContext, TokenCheckResult } from "./token-check.js";

/** One client connection as the emulator sees it. Never a password. */
export interface LocalElastiCacheConnection {
  /** 1, 2, ... in order of arrival. */
  readonly id: number;
  /** Client's port on 127.0.0.1. */
  readonly remotePort: number;
  /** User of the last accepted authentication; undefined before the first. */
  readonly user: string | undefined;
  /** When the last accepted authentication happened (the injected clock), epoch ms. */
  readonly authenticatedAt: number | undefined;
  /** The command of the last accepted authentication. */
  readonly authenticatedWith: "AUTH" | "HELLO" | undefined;
  /** Accepted authentications on this connection (the first plus re-authentications). */
  readonly authentications: number;
  /** Client commands relayed to redis-server (the front's rewritten AUTH/HELLO not counted). */
  readonly commandsRelayed: number;
}

/** What a connection needs from the emulator around it. */
export interface FrontEnvironment {
  /** redis-server's Unix socket. */
  readonly backendPath: string;
  readonly maxAuthAgeMs: number;
  now(): number;
  check(user: string, password: string, context: TokenCheckContext): Promise<TokenCheckResult>;
  accepted(connection: FrontConnection, reauthentication: boolean): void;
  refused(connection: FrontConnection, user: string, reason: string): void;
  relayed(): void;
  cutForAge(connection: FrontConnection): void;
  closed(connection: FrontConnection): void;
}

/**
 * One client connection. Requests are handled strictly in order: while credentials are checked,
 * later requests wait (and the socket is paused). Until the first accepted authentication, the
 * front answers everything itself and nothing reaches redis-server; from then on every request,
 * the rewritten AUTH/HELLO included, goes to redis-server on this connection's own relay socket,
 * so every reply comes from redis-server, in order. (Authentication is never dropped again, so
 * the two phases never interleave: `RESET` is relayed and the connection stays authenticated.)
 */
export class FrontConnection {
  readonly id: number;
  readonly #client: Socket;
  readonly #env: FrontEnvironment;
  readonly #parser = new RespRequestParser();
  readonly #queue: RespRequest[] = [];
  readonly #subscribedMode = new SubscribedMode();
  #relay: Socket | undefined;
  #checking = false;
  /** No more requests are handled (closing, or closed). */
  #closed = false;
  /** The emulator was told this connection is gone. */
  #released = false;
  #user: string | undefined;
  #authenticatedAt: number | undefined;
  #authenticatedWith: "AUTH" | "HELLO" | undefined;
  #authentications = 0;
  #commandsRelayed = 0;

  constructor(id: number, client: Socket, env: FrontEnvironment) {
    this.id = id;
    this.#client = client;
    this.#env = env;
    client.on("data", (chunk: Buffer) => this.#receive(chunk));
    client.on("error", () => this.destroy());
    client.on("close", () => this.destroy());
  }

  /** A snapshot for tests. */
  info(): LocalElastiCacheConnection {
    return {
      id: this.id,
      remotePort: this.#client.remotePort ?? 0,
      user: this.#user,
      authenticatedAt: this.#authenticatedAt,
      authenticatedWith: this.#authenticatedWith,
      authentications: this.#authentications,
      commandsRelayed: this.#commandsRelayed,
    };
  }

  /** Cuts the connection if its last accepted authentication is `maxAuthAgeMs` old. */
  checkAge(): boolean {
    if (this.#closed || this.#authenticatedAt === undefined) return false;
    if (this.#env.now() - this.#authenticatedAt < this.#env.maxAuthAgeMs) return false;
    this.#env.cutForAge(this);
    this.destroy();
    return true;
  }

  /** Closes both sockets at once. Idempotent. */
  destroy(): void {
    this.#closed = true;
    this.#queue.length = 0;
    this.#client.destroy();
    this.#relay?.destroy();
    if (this.#released) return;
    this.#released = true;
    this.#env.closed(this);
  }

  #receive(chunk: Buffer): void {
    if (this.#closed) return;
    try {
      for (const request of this.#parser.push(chunk)) this.#queue.push(request);
    } catch (error) {
      if (!(error instanceof RespProtocolError)) return this.destroy();
      // Like Redis: answer the protocol error, then close (earlier replies may still be in flight).
      this.#closed = true;
      this.#client.end(encodeError(`ERR ${error.message}`));
      this.#relay?.destroy();
      return;
    }
    this.#drain();
  }

  #drain(): void {
    const corked = this.#relay;
    corked?.cork();
    try {
      while (!this.#checking && !this.#closed && this.#queue.length > 0) {
        this.#handle(this.#queue.shift() as RespRequest);
      }
    } finally {
      corked?.uncork();
    }
    this.#updateFlow();
  }

  #handle(request: RespRequest): void {
    if (this.checkAge()) return;
    const command: AuthCommand = classifyRequest(request.args);
    const authenticated = this.#relay !== undefined;
    switch (command.kind) {
      case "authenticate":
        // redis-server refuses AUTH/HELLO to a RESP2 subscriber; let it answer, check nothing.
        if (authenticated && this.#subscribedMode.active) return this.#send(command.relay(false));
        return this.#authenticate(command);
      case "malformed":
        return authenticated ? this.#send(command.relay) : this.#reply(command.error);
      case "quit":
        if (authenticated) return this.#relayRequest(request);
        this.#closed = true;
        this.#client.end("+OK\r\n");
        return;
      case "hello":
        if (!authenticated) return this.#reply(NOAUTH_HELLO_MESSAGE);
        if (command.protocol !== undefined && !this.#subscribedMode.active) this.#subscribedMode.switchProtocol(command.protocol);
        return this.#relayRequest(request);
      case "other":
        if (!authenticated) return this.#reply(NOAUTH_MESSAGE);
        this.#subscribedMode.observe(request.args);
        return this.#relayRequest(request);
    }
  }

  #authenticate(command: Extract<AuthCommand, { kind: "authenticate" }>): void {
    const reauthentication = this.#relay !== undefined;
    const { user, password } = command.credentials;
    this.#checking = true;
    const context: TokenCheckContext = { connectionId: this.id, command: command.command, reauthentication, now: this.#env.now() };
    void this.#env
      .check(user, password, context)
      .then((result) => {
        this.#checking = false;
        if (this.#closed) return;
        if (result.ok) {
          this.#user = user;
          this.#authenticatedAt = this.#env.now();
          this.#authenticatedWith = command.command;
          this.#authentications += 1;
          this.#env.accepted(this, reauthentication);
          if (command.protocol !== undefined) this.#subscribedMode.switchProtocol(command.protocol);
          this.#openRelay();
          this.#send(command.relay(true));
        } else {
          this.#env.refused(this, user, result.reason);
          // A refused re-authentication keeps the earlier one, as in Redis.
          if (this.#relay !== undefined) this.#send(command.relay(false));
          else this.#reply(WRONGPASS_MESSAGE);
        }
        this.#drain();
      })
      .catch(() => this.destroy());
  }

  #openRelay(): void {
    if (this.#relay !== undefined) return;
    const relay = connect(this.#env.backendPath);
    this.#relay = relay;
    relay.on("error", () => this.destroy());
    relay.on("drain", () => this.#updateFlow());
    // redis-server closing (QUIT, CLIENT KILL) ends the client after the replies already sent.
    relay.on("close", () => {
      this.#closed = true;
      this.#client.end();
    });
    relay.pipe(this.#client);
  }

  #relayRequest(request: RespRequest): void {
    this.#commandsRelayed += 1;
    this.#env.relayed();
    this.#send(request.raw);
  }

  #send(bytes: Buffer): void {
    this.#relay?.write(bytes);
  }

  #reply(message: string): void {
    this.#client.write(encodeError(message));
  }

  /** Reads from the client only while nothing waits: no check pending, redis-server keeping up. */
  #updateFlow(): void {
    if (this.#closed) return;
    if (this.#checking || this.#relay?.writableNeedDrain === true) this.#client.pause();
    else this.#client.resume();
  }
}
