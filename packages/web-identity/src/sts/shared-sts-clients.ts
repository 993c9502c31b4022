import type { STSClient } from "@aws-sdk/client-sts";

/**
 * STS clients shared by the providers of a process that would build the same client (same
 * region, same endpoint, no other client settings). An STS client with its middleware stack and
 * connection pool weighs tens of kilobytes; an app or a library that creates one provider per role
 * (or per tenant) would otherwise pay that per provider. `AssumeRoleWithWebIdentity` is unsigned,
 * so the client holds nothing of any one provider. Counted: the last user's release destroys it.
 */
const shared = new Map<string, { readonly client: STSClient; users: number }>();

/** The shared client for `key`, built with `build` by its first user. */
export function acquireSharedStsClient(key: string, build: () => STSClient): STSClient {
  let entry = shared.get(key);
  if (entry === undefined) {
    entry = { client: build(), users: 0 };
    shared.set(key, entry);
  }
  entry.users++;
  return entry.client;
}

/** One user of `key` is done with it; the last one destroys the client (closing its sockets). */
export function releaseSharedStsClient(key: string): void {
  const entry = shared.get(key);
  if (entry === undefined) return;
  entry.users--;
  if (entry.users > 0) return;
  shared.delete(key);
  entry.client.destroy();
}

/** Number of shared clients alive (for tests). */
export function sharedStsClientCount(): number {
  return shared.size;
}
