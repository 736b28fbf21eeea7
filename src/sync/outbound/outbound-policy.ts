/**
 * Where Kith may send HTTP requests (pure). Webhooks and rule actions carry URLs an administrator typed,
 * so a URL can point Kith at its own machine, the cloud's metadata service (169.254.169.254) or the
 * private network behind it. Only public unicast addresses pass, unless KITH_OUTBOUND_ALLOW lists the
 * host name, the address or a range holding it. Addresses are judged in canonical form: the WHATWG URL
 * parser turns `2130706433`, `0x7f.1` and `127.1` into `127.0.0.1`, and DNS answers are plain addresses.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** What each special-purpose range is, in words an administrator recognises. */
const RANGE_WORDS: Record<string, string> = {
  loopback: 'a loopback address',
  private: 'a private address (RFC 1918)',
  uniqueLocal: 'a private address (unique local, fc00::/7)',
  linkLocal: 'a link-local address (cloud metadata services live here)',
  carrierGradeNat: 'a carrier-grade NAT address (100.64.0.0/10)',
  multicast: 'a multicast address',
  unspecified: 'the unspecified address',
  broadcast: 'the broadcast address',
  reserved: 'a reserved or documentation address',
  benchmarking: 'a benchmarking address',
  ipv4Compatible: 'an IPv4-compatible IPv6 address (deprecated, ::/96)',
  localNat64: 'a local-use NAT64 address (64:ff9b:1::/48)',
  notGlobal: 'outside the global unicast range 2000::/3',
};

/** The well-known NAT64 prefix (RFC 6052) and the local-use one (RFC 8215). */
const NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b::/96');
const LOCAL_NAT64 = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');
const IPV4_COMPATIBLE = ipaddr.IPv6.parseCIDR('::/96');
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/** The IPv4 address an IPv6 address stands for (mapped, translated, NAT64, 6to4), or null. */
function embeddedIPv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const range = address.range();
  const p = address.parts;
  const fromParts = (hi: number, lo: number) => new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
  if (range === 'ipv4Mapped' || range === 'rfc6145' || address.match(NAT64)) return fromParts(p[6]!, p[7]!);
  if (range === '6to4') return fromParts(p[1]!, p[2]!);
  return null;
}

/** Why `address` is not a public unicast address, or null when it is. */
function internalReason(address: Address): string | null {
  if (address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    const v4 = embeddedIPv4(v6);
    if (v4) {
      const reason = internalReason(v4);
      return (
        reason && `the ${v6.range() === '6to4' ? '6to4' : 'IPv4-in-IPv6'} form of ${v4.toString()}, ${reason}`
      );
    }
    if (v6.match(LOCAL_NAT64)) return RANGE_WORDS.localNat64!;
    const range = v6.range();
    if (range !== 'unicast') return RANGE_WORDS[range] ?? `a special-purpose address (${range})`;
    // ipaddr.js calls these unicast; nothing public lives there.
    if (v6.match(IPV4_COMPATIBLE)) return RANGE_WORDS.ipv4Compatible!;
    if (!v6.match(GLOBAL_UNICAST)) return RANGE_WORDS.notGlobal!;
    return null;
  }
  const range = (address as ipaddr.IPv4).range();
  return range === 'unicast' ? null : (RANGE_WORDS[range] ?? `a special-purpose address (${range})`);
}

/** `[::1]` → `::1`; `Example.COM.` → `example.com`. */
export function normalizeHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase().replace(/\.$/, '');
}

/** A plain address (dotted quad or IPv6) parsed, or null for a host name. */
function parseAddress(host: string): Address | null {
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return ipaddr.IPv4.parse(host);
  if (ipaddr.IPv6.isValid(host)) return ipaddr.IPv6.parse(host);
  return null;
}

/** URL parsers read a host whose last label is a number (`2130706433`, `0x7f.1`) as an IPv4 address. */
function endsInNumber(host: string): boolean {
  const last = host.split('.').at(-1) ?? '';
  return /^\d+$/.test(last) || /^0x[0-9a-f]*$/i.test(last);
}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

export class OutboundPolicy {
  private constructor(
    private readonly hosts: ReadonlySet<string>,
    private readonly ranges: readonly [Address, number][],
  ) {}

  /**
   * KITH_OUTBOUND_ALLOW: comma-separated host names (`crm.internal`), addresses (`10.0.0.5`, `[fd00::5]`)
   * and ranges (`10.20.0.0/16`). An entry that is none of these is an error naming it, so a typo never
   * silently leaves a host refused (or a range open).
   */
  static parse(value: string | undefined): OutboundPolicy {
    const hosts = new Set<string>();
    const ranges: [Address, number][] = [];
    for (const raw of (value ?? '').split(',')) {
      const entry = raw.trim();
      if (!entry) continue;
      const host = normalizeHost(entry);
      if (entry.includes('://'))
        throw new Error(
          `KITH_OUTBOUND_ALLOW: ${JSON.stringify(entry)} is a URL: give only its host name or address`,
        );
      if (entry.includes('/')) {
        if (!ipaddr.isValidCIDR(entry))
          throw new Error(
            `KITH_OUTBOUND_ALLOW: ${JSON.stringify(entry)} is not a valid range: write it as an address and a prefix length, e.g. 10.20.0.0/16 or fd00::/8`,
          );
        ranges.push(ipaddr.parseCIDR(entry));
        continue;
      }
      const address = parseAddress(host);
      if (address) ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
      else if (HOST_NAME.test(host) && !endsInNumber(host)) hosts.add(host);
      else
        throw new Error(
          `KITH_OUTBOUND_ALLOW: ${JSON.stringify(entry)} is not a host name, an address or a range (give e.g. crm.internal, 10.0.0.5 or 10.20.0.0/16; no scheme, port or path)`,
        );
    }
    return new OutboundPolicy(hosts, ranges);
  }

  /** True when an administrator allowed this host name, whatever it resolves to. */
  allowsHostName(host: string): boolean {
    return this.hosts.has(normalizeHost(host));
  }

  /** Why Kith must not connect to this address (a resolved one or a literal), or null when it may. */
  addressProblem(address: string): string | null {
    const parsed = parseAddress(normalizeHost(address));
    if (!parsed) return `${JSON.stringify(address)} is not an IP address`;
    const candidates: Address[] = [parsed];
    if (parsed.kind() === 'ipv6') {
      const v4 = embeddedIPv4(parsed as ipaddr.IPv6);
      if (v4) candidates.push(v4);
    }
    if (candidates.some((c) => this.ranges.some((r) => c.kind() === r[0].kind() && c.match(r)))) return null;
    return internalReason(parsed);
  }

  /**
   * What is wrong with sending to `url` that can be told without DNS: the scheme, a literal internal
   * address or a localhost name. Null when nothing is; a name may still resolve to an internal address,
   * which the request itself checks.
   */
  urlProblem(url: string): string | null {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'must be an http:// or https:// URL';
    }
    if (!['http:', 'https:'].includes(parsed.protocol)) return 'must be an http:// or https:// URL';
    return this.hostProblem(parsed.hostname);
  }

  /** `hostname` as the URL parser gives it (`[::1]` keeps its brackets). */
  hostProblem(hostname: string): string | null {
    const host = normalizeHost(hostname);
    if (this.allowsHostName(host)) return null;
    if (parseAddress(host)) {
      const reason = this.addressProblem(host);
      return reason && `points at ${host}, ${reason}: ${REFUSAL_HINT}`;
    }
    // RFC 6761: localhost and every name under it mean this machine, whatever DNS says.
    if (host === 'localhost' || host.endsWith('.localhost'))
      return `points at ${host}, this machine: ${REFUSAL_HINT}`;
    return null;
  }
}

/** How to get past a refusal, appended to every reason. */
export const REFUSAL_HINT =
  'Kith sends requests to public addresses only, unless KITH_OUTBOUND_ALLOW lists the host';
