import { isValidSiren } from './siren.validator.js';

describe('isValidSiren', () => {
  it.each(['732829320', '552100554', '443061841'])('accepts the real SIREN %s', (siren) => {
    expect(isValidSiren(siren)).toBe(true);
  });

  it.each(['732829321', '12345678', '1234567890', '73282932a', '', 732829320])(
    'rejects %j',
    (value) => {
      expect(isValidSiren(value)).toBe(false);
    },
  );
});
