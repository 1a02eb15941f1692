import { BlockList, isIPv4, isIPv6 } from 'node:net';

/** An address as fastify reports it, IPv4-mapped IPv6 (`::ffff:192.0.2.1`) folded to IPv4. */
export interface ParsedAddress {
  family: 4 | 6;
  address: string;
}

export function parseAddress(raw: string | undefined): ParsedAddress | null {
  if (raw === undefined || raw === '') return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(raw);
  const address = mapped?.[1] ?? raw;
  if (isIPv4(address)) return { family: 4, address };
  if (isIPv6(address)) return { family: 6, address: address.toLowerCase() };
  return null;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded, an embedded IPv4 tail converted). */
function ipv6Groups(address: string): number[] {
  let text = address.replace(/%.*$/, '');
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const zeros = Array<number>(8 - left.length - right.length).fill(0);
  return [...left, ...zeros, ...right];
}

/**
 * The network an address belongs to, as stored (never the whole address): IPv4 /24
 * (`192.0.2.0/24`), IPv6 /48 (`2001:db8:1::/48`). Null for anything that is not an address.
 */
export function truncatedNetwork(raw: string | undefined): string | null {
  const parsed = parseAddress(raw);
  if (!parsed) return null;
  if (parsed.family === 4) {
    const [a, b, c] = parsed.address.split('.');
    return `${a}.${b}.${c}.0/24`;
  }
  const groups = ipv6Groups(parsed.address).slice(0, 3);
  return `${groups.map((group) => group.toString(16)).join(':')}::/48`;
}

/**
 * Key of a source for per-source limits (memory only, never stored): the IPv4 address, or the
 * IPv6 /64 (one host usually owns a whole /64).
 */
export function sourceKey(raw: string | undefined): string {
  const parsed = parseAddress(raw);
  if (!parsed) return 'unknown';
  if (parsed.family === 4) return parsed.address;
  return `${ipv6Groups(parsed.address)
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

/** A set of CIDR ranges (both families) that an address can be checked against. */
export class AddressRanges {
  readonly #list = new BlockList();

  constructor(cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [network = '', bits = ''] = cidr.split('/');
      const family = isIPv4(network) ? 'ipv4' : 'ipv6';
      this.#list.addSubnet(network, Number(bits), family);
    }
  }

  has(address: ParsedAddress | null): boolean {
    if (!address) return false;
    return this.#list.check(address.address, address.family === 4 ? 'ipv4' : 'ipv6');
  }
}
