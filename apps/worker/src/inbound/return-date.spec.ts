import { extractReturnDate } from './return-date.js';

/** Sent on Friday 19 December 2025, 17:00 in Paris. */
const SENT = new Date('2025-12-19T16:00:00Z');

describe('extractReturnDate', () => {
  it.each([
    ['Je serai de retour le 12 janvier.', '2026-01-12'],
    ['Je suis absent jusqu’au 03/02/2027.', '2027-02-03'],
    ["absente jusqu'au 5 janvier 2026 inclus", '2026-01-05'],
    ['I will be back on Monday 5 January.', '2026-01-05'],
    ['Returning January 12th, limited access to e-mail.', '2026-01-12'],
    ['I am out of the office until 2 January 2026.', '2026-01-02'],
    ['Retour prévu le lundi 5 janvier', '2026-01-05'],
    ['De retour le 22/12, merci.', '2025-12-22'],
    ['back on Monday', '2025-12-22'],
    ['Je suis en congés à partir du 20 décembre et rentre le 6 janvier', '2026-01-06'],
  ])('%s → %s', (text, expected) => {
    expect(extractReturnDate(text, SENT)).toBe(expected);
  });

  it('puts a date without a year on or after the message day (January after December)', () => {
    expect(extractReturnDate('de retour le 3 janvier', SENT)).toBe('2026-01-03');
  });

  it.each([
    'Je suis absente et je traiterai votre message dès que possible.',
    'I am away from the office with limited access to e-mail.',
    'De retour le 31 février.',
    'Back on 12/11/2019.',
  ])('finds no date in "%s"', (text) => {
    expect(extractReturnDate(text, SENT)).toBeNull();
  });
});
