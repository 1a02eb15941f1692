import { isValidSiren, isValidSiret, LA_POSTE_SIREN, luhnValid } from './siren.js';

describe('SIREN', () => {
  it.each(['732829320', '552100554', '443061841', LA_POSTE_SIREN])('accepts %s', (siren) => {
    expect(isValidSiren(siren)).toBe(true);
  });

  it.each([
    ['a wrong checksum', '732829321'],
    ['8 digits', '73282932'],
    ['10 digits', '7328293200'],
    ['letters', '73282932A'],
    ['spaces', '732 829 320'],
    ['empty', ''],
  ])('refuses %s', (_why, siren) => {
    expect(isValidSiren(siren)).toBe(false);
  });

  it('refuses non-strings', () => {
    expect(isValidSiren(732829320)).toBe(false);
    expect(isValidSiren(null)).toBe(false);
  });
});

describe('SIRET', () => {
  it('accepts a Luhn-valid SIRET whose SIREN is valid', () => {
    expect(isValidSiret('73282932000074')).toBe(true);
  });

  it('refuses a SIRET failing Luhn', () => {
    expect(isValidSiret('73282932000075')).toBe(false);
  });

  it('refuses a SIRET whose SIREN prefix is invalid', () => {
    expect(luhnValid('73282932100009')).toBe(false);
    expect(isValidSiret('73282932100009')).toBe(false);
  });

  it('accepts a La Poste SIRET whose digit sum is a multiple of 5 though it fails Luhn', () => {
    // 3+5+6 + 0+0+0+0+0+0 + 0+0+0+0+1 = 15 (a multiple of 5), Luhn fails.
    expect(luhnValid('35600000000001')).toBe(false);
    expect(isValidSiret('35600000000001')).toBe(true);
    // The headquarters SIRET of La Poste.
    expect(isValidSiret('35600000000048')).toBe(true);
  });

  it('refuses a La Poste SIRET whose digit sum is not a multiple of 5', () => {
    expect(isValidSiret('35600000000002')).toBe(false);
  });

  it('does not extend the La Poste exception to other companies', () => {
    // digit sum 7+3+2+8+2+9+3+2+0 + 0+0+0+0+5 = 41 → make one with sum multiple of 5 failing Luhn
    expect(luhnValid('73282932000010')).toBe(false);
    expect(isValidSiret('73282932000010')).toBe(false);
  });

  it.each(['7328293200007', '732829320000744', '7328293200007A', ''])('refuses %s', (siret) => {
    expect(isValidSiret(siret)).toBe(false);
  });
});
