// Whether the tests that need a real redis-server run. CI sets IRSA_TEST_REDIS_SERVER (and .ci/run
// installs Debian's package), so there they never skip: a missing binary fails them loudly. On a
// machine with only Node and npm, where no redis-server is installed, they are skipped with a
// warning, as the AWS CLI and boto3 tests are, and every other test still runs.
import { accessSync, constants } from "node:fs";
import { it } from "vitest";
import { DEFAULT_REDIS_SERVER_PATH, REDIS_SERVER_PATH_ENV } from "../elasticache/redis-server-process.js";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** True when the redis-server tests run: the variable is set, or Debian's binary is installed. */
export const REDIS_SERVER_TESTS = process.env[REDIS_SERVER_PATH_ENV] !== undefined || executable(DEFAULT_REDIS_SERVER_PATH);

if (!REDIS_SERVER_TESTS) {
  console.warn(`SKIPPED: the tests that need redis-server: none at ${DEFAULT_REDIS_SERVER_PATH} and ${REDIS_SERVER_PATH_ENV} is not set (apt-get install redis-server; .ci/run installs it).`);
}

/** `it` for a test that needs a real redis-server: skipped (with the warning above) where none is. */
export const itWithRedis: ReturnType<typeof it.skipIf> = it.skipIf(!REDIS_SERVER_TESTS);
