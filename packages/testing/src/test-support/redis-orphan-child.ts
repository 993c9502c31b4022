// Child of redis-server-process.test.ts: starts a redis-server, prints its socket path, then
// waits to be killed without ever calling stop().
import { RedisServerProcess, resolveRedisServerPath } from "../elasticache/redis-server-process.js";

const server = await RedisServerProcess.start(resolveRedisServerPath(undefined), 10_000);
process.stdout.write(`${server.socketPath}\n`);
setInterval(() => undefined, 60_000);
