import { isIPv4 } from "node:net";

/** The host names and addresses that always mean "this machine". */
function isLoopbackHostname(hostname: string): boolean {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  if (bare === "localhost" || bare === "::1") return true;
  return isIPv4(bare) && bare.startsWith("127.");
}

/** True when binding to `host` keeps the server reachable from this machine only. */
export function isLoopbackBindAddress(host: string): boolean {
  return isLoopbackHostname(host.toLowerCase());
}

/**
 * Host name of a `Host` header value ("127.0.0.1:8080", "[::1]:80", "LOCALHOST"), normalised the
 * way a URL parser does (lower case, IPv6 compressed, short IPv4 forms expanded); undefined when
 * it is not a valid host.
 */
export function hostnameOfHostHeader(hostHeader: string): string | undefined {
  if (hostHeader.length === 0 || /[\s/?#@\\]/.test(hostHeader)) return undefined;
  try {
    const url = new URL(`http://${hostHeader}`);
    return url.hostname;
  } catch {
    return undefined;
  }
}

/**
 * Whether a request's `Host` header names this machine or one of `extraHosts`. A browser lured
 * to an attacker's domain that resolves to 127.0.0.1 (DNS rebinding) sends that domain as
 * `Host`, so refusing any other name keeps web pages away from the credentials.
 */
export function isAllowedHostHeader(hostHeader: string | undefined, extraHosts: ReadonlySet<string>): boolean {
  if (hostHeader === undefined) return false;
  const hostname = hostnameOfHostHeader(hostHeader);
  if (hostname === undefined) return false;
  return isLoopbackHostname(hostname) || extraHosts.has(hostname);
}
