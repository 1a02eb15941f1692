import { parseTrustProxy } from './trust-proxy.js';

describe('parseTrustProxy', () => {
  it.each([
    ['', false],
    ['false', false],
    ['true', true],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['2001:db8::/32', ['2001:db8::/32']],
  ])('reads %j', (value, expected) => {
    expect(parseTrustProxy(value)).toEqual(expected);
  });

  it('trusts the first N hops for a number', () => {
    const trust = parseTrustProxy('2');
    expect(typeof trust === 'function' && [0, 1, 2].map((hop) => trust('10.0.0.1', hop))).toEqual([
      true,
      true,
      false,
    ]);
  });

  it.each([
    ['0', /between 1 and 10 hops/],
    ['11', /between 1 and 10 hops/],
    ['proxy.internal', /"proxy.internal" is not an IP address or CIDR range/],
    ['10.0.0.0/33', /"10.0.0.0\/33" is not/],
    ['10.0.0.0/8/1', /is not an IP address/],
    ['::1/129', /"::1\/129" is not/],
  ])('refuses %j with a message saying what to write', (value, message) => {
    expect(() => parseTrustProxy(value)).toThrow(message);
  });
});
