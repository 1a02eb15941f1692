import { normaliseSuppressionValue } from './suppression-value.js';

describe('normaliseSuppressionValue', () => {
  it.each([
    [
      'email',
      '  Jean.Dupont@Example.FR ',
      { ok: true, kind: 'email', value: 'Jean.Dupont@example.fr' },
    ],
    ['domain', ' Example.FR. ', { ok: true, kind: 'domain', value: 'example.fr' }],
    ['domain', '@sales.acme.fr', { ok: true, kind: 'domain', value: 'sales.acme.fr' }],
    [undefined, 'a@b.fr', { ok: true, kind: 'email', value: 'a@b.fr' }],
    [undefined, 'B.fr', { ok: true, kind: 'domain', value: 'b.fr' }],
  ] as const)('%s %j → %j', (kind, raw, expected) => {
    expect(normaliseSuppressionValue(kind, raw)).toEqual(expected);
  });

  it.each([
    ['email', 'example.fr', '"example.fr" is a domain, not an e-mail address: use domain'],
    ['domain', 'a@example.fr', '"a@example.fr" is an e-mail address, not a domain: use email'],
    ['email', 'a@b', '"a@b" is not an e-mail address'],
    ['domain', 'localhost', '"localhost" is not a domain name such as example.fr'],
    ['domain', 'exa mple.fr', '"exa mple.fr" is not a domain name such as example.fr'],
    [undefined, '   ', 'empty value'],
    ['email', `${'a'.repeat(320)}@b.fr`, 'longer than 320 characters'],
  ] as const)('refuses %s %j', (kind, raw, reason) => {
    expect(normaliseSuppressionValue(kind, raw)).toEqual({ ok: false, reason });
  });
});
