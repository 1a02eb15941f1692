import { AddressRanges, parseAddress, sourceKey, truncatedNetwork } from './ip-address.js';

describe('addresses', () => {
  it('keeps only the /24 of an IPv4 address and the /48 of an IPv6 one', () => {
    expect(truncatedNetwork('192.0.2.123')).toBe('192.0.2.0/24');
    expect(truncatedNetwork('::ffff:198.51.100.7')).toBe('198.51.100.0/24');
    expect(truncatedNetwork('2001:db8:abcd:12:34::1')).toBe('2001:db8:abcd::/48');
    expect(truncatedNetwork('2001:DB8::1')).toBe('2001:db8:0::/48');
    expect(truncatedNetwork('::1')).toBe('0:0:0::/48');
    expect(truncatedNetwork('::ffff:1.2.3.4')).toBe('1.2.3.0/24');
  });

  it('stores nothing for what is not an address', () => {
    for (const raw of [undefined, '', 'localhost', '999.1.1.1', '1.2.3', 'gggg::1']) {
      expect(truncatedNetwork(raw)).toBeNull();
    }
  });

  it('keys sources by IPv4 address and IPv6 /64', () => {
    expect(sourceKey('192.0.2.1')).toBe('192.0.2.1');
    expect(sourceKey('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(sourceKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(sourceKey(undefined)).toBe('unknown');
  });

  it('matches addresses against ranges of both families', () => {
    const ranges = new AddressRanges(['17.0.0.0/8', '2620:149::/32']);
    expect(ranges.has(parseAddress('17.58.1.2'))).toBe(true);
    expect(ranges.has(parseAddress('::ffff:17.58.1.2'))).toBe(true);
    expect(ranges.has(parseAddress('18.0.0.1'))).toBe(false);
    expect(ranges.has(parseAddress('2620:149:a:b::1'))).toBe(true);
    expect(ranges.has(parseAddress('2620:150::1'))).toBe(false);
    expect(ranges.has(parseAddress('nonsense'))).toBe(false);
  });
});
