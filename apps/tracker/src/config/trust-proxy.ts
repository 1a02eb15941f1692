import { isIP } from 'node:net';

/**
 * Which proxies the tracker believes about the client's address (`X-Forwarded-For`), as
 * Fastify's `trustProxy` takes it. Behind a load balancer the socket's address is the
 * balancer's: every open would be classified, rate-limited and stored (truncated) as the
 * balancer's network. Trusting too much is as bad — anyone could then pick the address an open
 * is counted under — so the default trusts nobody.
 *
 * - `false` (default): the socket's address, forwarded headers ignored;
 * - `true`: the left-most `X-Forwarded-For` address (only when every hop is yours);
 * - a number N: the address N hops back (e.g. `1` for one load balancer);
 * - a comma-separated list of addresses or CIDR ranges: the proxies trusted (e.g.
 *   `10.0.0.0/8,127.0.0.1`); the client is the first address from the right not in the list.
 */
export type TrustProxy = boolean | string[] | ((address: string, hop: number) => boolean);

export function parseTrustProxy(value: string): TrustProxy {
  const text = value.trim();
  if (text === '' || text === 'false') return false;
  if (text === 'true') return true;
  if (/^\d+$/.test(text)) {
    const hops = Number(text);
    if (hops < 1 || hops > 10) throw new Error(`expected between 1 and 10 hops, got ${text}`);
    // What Fastify does with a number (its types do not take one): trust the first N hops.
    return (_address, hop) => hop < hops;
  }
  const entries = text.split(',').map((entry) => entry.trim());
  for (const entry of entries) {
    if (!isAddressOrRange(entry)) {
      throw new Error(
        `"${entry}" is not an IP address or CIDR range: expected false, true, a number of hops, ` +
          'or a comma-separated list such as 10.0.0.0/8,127.0.0.1',
      );
    }
  }
  return entries;
}

function isAddressOrRange(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (!/^\d+$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}
