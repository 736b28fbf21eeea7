/** KITH_TRUST_PROXY (parsed by `src/config.ts`) in the form Fastify takes. */
import type { TrustProxySetting } from '../config.js';

/** Fastify's `trustProxy` for a setting. */
export function fastifyTrustProxy(
  setting: TrustProxySetting,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  // Fastify 5 ignores a plain hop count (it trusts no hop), so the count is spelled as a function:
  // the nearest `hops` peers are proxies, whatever their address.
  if (typeof setting === 'number') return (_address, hop) => hop < setting;
  return setting;
}
