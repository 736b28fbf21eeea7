/**
 * KITH_TRUST_PROXY: which reverse proxies may tell the server, through X-Forwarded-For/-Proto/-Host,
 * who the client is and whether it connected over HTTPS. That decides the client address the sign-in
 * throttle counts and whether cookies get `Secure`. Off by default: without a proxy, those headers
 * come from the client and must not be believed.
 */
import ipaddr from 'ipaddr.js';

/** true (any peer), a number of nearest hops, or addresses / CIDR ranges of the proxies. */
export type TrustProxySetting = boolean | number | string[];

/** Names @fastify/proxy-addr understands for its built-in ranges. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** Reads the variable; throws naming the value and what it should be. */
export function parseTrustProxy(value: string | undefined): TrustProxySetting {
  const text = (value ?? '').trim();
  if (text === '' || text.toLowerCase() === 'false') return false;
  if (text.toLowerCase() === 'true') return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    return hops === 0 ? false : hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!NAMED_RANGES.has(entry) && !ipaddr.isValid(entry) && !ipaddr.isValidCIDR(entry))
      throw new Error(
        `KITH_TRUST_PROXY: ${JSON.stringify(entry)} is not an IP address, a CIDR range (10.0.0.0/8) or one of loopback, linklocal, uniquelocal (got ${JSON.stringify(value)}; use true, a number of proxy hops, or a comma-separated list)`,
      );
  }
  return entries;
}

/** Fastify's `trustProxy` for a setting. */
export function fastifyTrustProxy(
  setting: TrustProxySetting,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  // Fastify 5 ignores a plain hop count (it trusts no hop), so the count is spelled as a function:
  // the nearest `hops` peers are proxies, whatever their address.
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}
