import { holidayCodeProblem, isPublicHoliday } from './public-holidays.js';

describe('public holiday codes', () => {
  it.each(['FR', 'FR-57', 'FR-67', 'FR-68', 'DE-BY', 'BE'])('knows %s', (code) => {
    expect(holidayCodeProblem(code)).toBeNull();
  });

  it('refuses a malformed code, naming valid ones', () => {
    expect(holidayCodeProblem('fr')).toBe(
      'publicHolidays must be a country code, optionally with a subdivision, in upper case (known codes are a country such as FR or a country and subdivision such as FR-57; got "fr")',
    );
  });

  it('refuses an unknown country or subdivision, listing the known subdivisions', () => {
    expect(holidayCodeProblem('XX')).toBe(
      'publicHolidays: no public holidays are known for country XX (known codes are a country such as FR or a country and subdivision such as FR-57)',
    );
    expect(holidayCodeProblem('FR-99')).toMatch(
      /^publicHolidays: FR-99 is not a subdivision of FR \(known: FR, FR-57, FR-67, FR-68, /,
    );
    expect(holidayCodeProblem('MC-1')).toBe(
      'publicHolidays: MC-1 is not a subdivision of MC (use MC)',
    );
  });
});

describe('isPublicHoliday', () => {
  it('knows the French public holidays of 2026 and nothing else', () => {
    const holidays: string[] = [];
    for (let day = Date.UTC(2026, 0, 1); day < Date.UTC(2027, 0, 1); day += 86_400_000) {
      const date = new Date(day).toISOString().slice(0, 10);
      if (isPublicHoliday('FR', date)) holidays.push(date);
    }
    expect(holidays).toEqual([
      '2026-01-01',
      '2026-04-06',
      '2026-05-01',
      '2026-05-08',
      '2026-05-14',
      '2026-05-25',
      '2026-07-14',
      '2026-08-15',
      '2026-11-01',
      '2026-11-11',
      '2026-12-25',
    ]);
  });

  it('adds Good Friday and 26 December in Moselle', () => {
    expect(isPublicHoliday('FR-57', '2026-04-03')).toBe(true);
    expect(isPublicHoliday('FR-57', '2026-12-26')).toBe(true);
    expect(isPublicHoliday('FR', '2026-04-03')).toBe(false);
  });

  it('throws on an unknown code', () => {
    expect(() => isPublicHoliday('XX', '2026-01-01')).toThrow(/country XX/);
  });
});
