// Preloaded (--require) into every differential child: a connection to anything but loopback is
// refused before any DNS lookup or packet, and written down (host:port), so a case shows where each
// provider would have gone (a real STS region, IMDS) without ever reaching it.
"use strict";
const net = require("node:net");
const { appendFileSync } = require("node:fs");

const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost", "[::1]"]);
const log = process.env.DIFF_REFUSED_LOG;
const connect = net.Socket.prototype.connect;

net.Socket.prototype.connect = function guardedConnect(...args) {
  // net.connect() passes its normalized arguments as one array; a direct call passes them as given.
  const given = Array.isArray(args[0]) ? args[0] : args;
  const first = given[0];
  const options = typeof first === "object" && first !== null ? first : { port: first, host: typeof given[1] === "string" ? given[1] : "localhost" };
  // the same test as net.connect: a non-empty string path is a Unix socket, which stays on the machine
  if (typeof options.path === "string" && options.path.length > 0) return connect.apply(this, args);
  const host = options.host ?? "localhost";
  if (LOOPBACK.has(host)) return connect.apply(this, args);
  if (log) appendFileSync(log, `${host}:${String(options.port)}\n`);
  const refused = Object.assign(new Error(`connect ECONNREFUSED ${host}:${String(options.port)} (the differential guard allows loopback only)`), {
    code: "ECONNREFUSED",
    errno: -111,
    syscall: "connect",
  });
  process.nextTick(() => this.destroy(refused));
  return this;
};
