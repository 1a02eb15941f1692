import {
  InvalidSendingWindowError,
  effectiveWindow,
  isWithinWindow,
  localDay,
  nextOpening,
  stepDueAt,
  type SendingWindow,
} from './send-window.js';

const PARIS: SendingWindow = {
  timezone: 'Europe/Paris',
  start: '09:00',
  end: '18:00',
  days: [1, 2, 3, 4, 5],
  publicHolidays: null,
};
const FRANCE: SendingWindow = { ...PARIS, publicHolidays: 'FR' };
const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7];

const at = (iso: string): Date => new Date(iso);
const iso = (date: Date): string => date.toISOString();

describe('isWithinWindow and nextOpening', () => {
  it('is open from start (inclusive) to end (exclusive) in local time', () => {
    // Wednesday 2026-01-14, Paris is UTC+1.
    expect(isWithinWindow(PARIS, at('2026-01-14T07:59:59.999Z'))).toBe(false);
    expect(isWithinWindow(PARIS, at('2026-01-14T08:00:00Z'))).toBe(true);
    expect(isWithinWindow(PARIS, at('2026-01-14T16:59:59.999Z'))).toBe(true);
    expect(isWithinWindow(PARIS, at('2026-01-14T17:00:00Z'))).toBe(false);
    expect(iso(nextOpening(PARIS, at('2026-01-14T05:00:00Z')))).toBe('2026-01-14T08:00:00.000Z');
    expect(iso(nextOpening(PARIS, at('2026-01-14T12:34:56.789Z')))).toBe(
      '2026-01-14T12:34:56.789Z',
    );
  });

  it('closes mid-batch: open at 17:59:59, closed at 18:00, reopening the next allowed day', () => {
    // Friday 2026-06-12, Paris is UTC+2: 17:59:59 local is 15:59:59Z.
    const lastSecond = at('2026-06-12T15:59:59Z');
    expect(isWithinWindow(PARIS, lastSecond)).toBe(true);
    expect(nextOpening(PARIS, lastSecond)).toEqual(lastSecond);
    const closing = at('2026-06-12T16:00:00Z');
    expect(isWithinWindow(PARIS, closing)).toBe(false);
    // Saturday and Sunday are skipped: Monday 09:00 local.
    expect(iso(nextOpening(PARIS, closing))).toBe('2026-06-15T07:00:00.000Z');
    // A Tuesday evening reopens on Wednesday morning.
    expect(iso(nextOpening(PARIS, at('2026-06-09T16:00:00Z')))).toBe('2026-06-10T07:00:00.000Z');
  });

  it('skips days that are not allowed, and weekends', () => {
    const mondays = { ...PARIS, days: [1] };
    // Saturday 2026-01-17 → Monday 19; Monday 19 after hours → Monday 26.
    expect(isWithinWindow(PARIS, at('2026-01-17T10:00:00Z'))).toBe(false);
    expect(iso(nextOpening(PARIS, at('2026-01-17T10:00:00Z')))).toBe('2026-01-19T08:00:00.000Z');
    expect(iso(nextOpening(mondays, at('2026-01-19T18:00:00Z')))).toBe('2026-01-26T08:00:00.000Z');
    const weekend = { ...PARIS, days: [6, 7] };
    expect(isWithinWindow(weekend, at('2026-01-17T10:00:00Z'))).toBe(true);
  });

  it('accepts PostgreSQL time text with seconds and 24:00 as the end of the day', () => {
    const window = { ...PARIS, start: '09:30:15', end: '24:00:00', days: EVERY_DAY };
    expect(iso(nextOpening(window, at('2026-01-14T08:30:14Z')))).toBe('2026-01-14T08:30:15.000Z');
    expect(isWithinWindow(window, at('2026-01-14T22:59:59.999Z'))).toBe(true);
    expect(isWithinWindow(window, at('2026-01-14T23:00:00Z'))).toBe(false);
  });
});

describe('Europe/Paris DST changes (2026-03-29 02:00→03:00, 2026-10-25 03:00→02:00)', () => {
  const night = { ...PARIS, start: '02:30', end: '05:00', days: EVERY_DAY };

  it('spring forward: a start in the skipped hour opens when the clocks jump to 03:00', () => {
    // 01:59:59.999 local (+01:00) is 00:59:59.999Z; the next instant is 03:00 local (+02:00).
    expect(isWithinWindow(night, at('2026-03-29T00:59:59.999Z'))).toBe(false);
    expect(isWithinWindow(night, at('2026-03-29T01:00:00Z'))).toBe(true);
    expect(iso(nextOpening(night, at('2026-03-28T23:00:00Z')))).toBe('2026-03-29T01:00:00.000Z');
    // 05:00 local is 03:00Z that day: the window is 2 h long instead of 2 h 30.
    expect(isWithinWindow(night, at('2026-03-29T02:59:59Z'))).toBe(true);
    expect(iso(nextOpening(night, at('2026-03-29T03:00:00Z')))).toBe('2026-03-30T00:30:00.000Z');
  });

  it('spring forward: 09:00–18:00 is 07:00Z–16:00Z the day of the change, 08:00Z the day before', () => {
    const weekly = { ...PARIS, days: [6, 7] };
    expect(iso(nextOpening(weekly, at('2026-03-28T00:00:00Z')))).toBe('2026-03-28T08:00:00.000Z');
    expect(iso(nextOpening(weekly, at('2026-03-28T17:00:00Z')))).toBe('2026-03-29T07:00:00.000Z');
    expect(isWithinWindow(weekly, at('2026-03-29T15:59:59Z'))).toBe(true);
    expect(isWithinWindow(weekly, at('2026-03-29T16:00:00Z'))).toBe(false);
  });

  it('fall back: the first 02:30 opens; the repeated 02:00–02:30 is outside the window again', () => {
    // 02:30 local happens at 00:30Z (+02:00) and again at 01:30Z (+01:00).
    expect(iso(nextOpening(night, at('2026-10-24T22:00:00Z')))).toBe('2026-10-25T00:30:00.000Z');
    expect(isWithinWindow(night, at('2026-10-25T00:59:59Z'))).toBe(true);
    // At 01:00Z the clocks go back to 02:00 local: before the start again.
    expect(isWithinWindow(night, at('2026-10-25T01:00:00Z'))).toBe(false);
    expect(iso(nextOpening(night, at('2026-10-25T01:00:00Z')))).toBe('2026-10-25T01:30:00.000Z');
    // 05:00 local is 04:00Z after the change.
    expect(isWithinWindow(night, at('2026-10-25T03:59:59Z'))).toBe(true);
    expect(isWithinWindow(night, at('2026-10-25T04:00:00Z'))).toBe(false);
  });

  it('a delay spanning the change keeps 10:00 local', () => {
    // Friday 2026-03-27 10:00 (+01:00) + 3 days → Monday 2026-03-30 10:00 (+02:00): 71 hours.
    expect(iso(stepDueAt(at('2026-03-27T09:00:00Z'), 3, PARIS))).toBe('2026-03-30T08:00:00.000Z');
    // Friday 2026-10-23 10:00 (+02:00) + 3 days → Monday 2026-10-26 10:00 (+01:00): 73 hours.
    expect(iso(stepDueAt(at('2026-10-23T08:00:00Z'), 3, PARIS))).toBe('2026-10-26T09:00:00.000Z');
  });

  it('localDay is 23 hours on the spring day and 25 hours on the autumn day', () => {
    const spring = localDay(at('2026-03-29T12:00:00Z'), 'Europe/Paris');
    expect(spring.date).toBe('2026-03-29');
    expect([iso(spring.start), iso(spring.end)]).toEqual([
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T22:00:00.000Z',
    ]);
    const autumn = localDay(at('2026-10-24T22:00:00Z'), 'Europe/Paris');
    expect(autumn.date).toBe('2026-10-25');
    expect(autumn.end.getTime() - autumn.start.getTime()).toBe(25 * 3_600_000);
    expect(localDay(at('2026-10-24T21:59:59.999Z'), 'Europe/Paris').date).toBe('2026-10-24');
  });

  it('localDay gives each instant its own day, asked in any order around midnight and the changes', () => {
    const instants = [
      '2026-03-28T22:59:59.999Z',
      '2026-03-28T23:00:00.000Z',
      '2026-03-29T21:59:59.999Z',
      '2026-03-29T22:00:00.000Z',
      '2026-03-28T12:00:00.000Z',
      '2026-10-25T22:59:59.999Z',
      '2026-10-25T23:00:00.000Z',
      '2026-10-24T21:59:59.999Z',
    ];
    const days = instants.map((instant) => localDay(at(instant), 'Europe/Paris').date);
    expect(days).toEqual([
      '2026-03-28',
      '2026-03-29',
      '2026-03-29',
      '2026-03-30',
      '2026-03-28',
      '2026-10-25',
      '2026-10-26',
      '2026-10-24',
    ]);
    // Another timezone's day at the same instant is its own.
    expect(localDay(at('2026-03-28T23:30:00.000Z'), 'America/New_York').date).toBe('2026-03-28');
    expect(localDay(at('2026-03-28T23:30:00.000Z'), 'Europe/Paris').date).toBe('2026-03-29');
  });
});

describe('stepDueAt', () => {
  it('adds calendar days, then moves into the window', () => {
    // Monday 2026-01-12 16:30 local + 4 days → Friday 16:30, inside the window.
    expect(iso(stepDueAt(at('2026-01-12T15:30:00Z'), 4, PARIS))).toBe('2026-01-16T15:30:00.000Z');
    // + 5 days → Saturday → Monday 09:00.
    expect(iso(stepDueAt(at('2026-01-12T15:30:00Z'), 5, PARIS))).toBe('2026-01-19T08:00:00.000Z');
    // Sent at 17:59 local, + 1 day → Tuesday 17:59, still open.
    expect(iso(stepDueAt(at('2026-01-12T16:59:00Z'), 1, PARIS))).toBe('2026-01-13T16:59:00.000Z');
  });

  it('with delay 0 is the next opening from the previous send', () => {
    expect(iso(stepDueAt(at('2026-01-12T10:00:00Z'), 0, PARIS))).toBe('2026-01-12T10:00:00.000Z');
    expect(iso(stepDueAt(at('2026-01-12T20:00:00Z'), 0, PARIS))).toBe('2026-01-13T08:00:00.000Z');
  });

  it('refuses a negative or fractional delay', () => {
    expect(() => stepDueAt(at('2026-01-12T10:00:00Z'), -1, PARIS)).toThrow(
      'delayDays must be a whole number of days >= 0 (got -1)',
    );
    expect(() => stepDueAt(at('2026-01-12T10:00:00Z'), 1.5, PARIS)).toThrow(RangeError);
  });
});

describe('French public holidays', () => {
  it.each([
    [
      '1 May (Friday)',
      '2026-04-30T16:00:00Z',
      '2026-05-01T07:00:00.000Z',
      '2026-05-04T07:00:00.000Z',
    ],
    [
      'Ascension (Thursday)',
      '2026-05-13T16:00:00Z',
      '2026-05-14T07:00:00.000Z',
      '2026-05-15T07:00:00.000Z',
    ],
    ['Whit Monday', '2026-05-22T16:00:00Z', '2026-05-25T07:00:00.000Z', '2026-05-26T07:00:00.000Z'],
    [
      '14 July (Tuesday)',
      '2026-07-13T16:00:00Z',
      '2026-07-14T07:00:00.000Z',
      '2026-07-15T07:00:00.000Z',
    ],
  ])('%s is skipped only when publicHolidays is set', (_name, evening, ignored, skipped) => {
    expect(iso(nextOpening(PARIS, at(evening)))).toBe(ignored);
    expect(iso(nextOpening(FRANCE, at(evening)))).toBe(skipped);
    expect(isWithinWindow(PARIS, at(ignored))).toBe(true);
    expect(isWithinWindow(FRANCE, at(ignored))).toBe(false);
  });

  it('FR-57 (Moselle) also skips Good Friday and 26 December; FR does not', () => {
    const moselle = { ...PARIS, publicHolidays: 'FR-57' };
    // Good Friday 2026-04-03; Friday 2025-12-26.
    for (const day of ['2026-04-03T10:00:00Z', '2025-12-26T10:00:00Z']) {
      expect({ day, FR: isWithinWindow(FRANCE, at(day)) }).toEqual({ day, FR: true });
      expect({ day, 'FR-57': isWithinWindow(moselle, at(day)) }).toEqual({
        day,
        'FR-57': false,
      });
    }
    // Thursday 2026-04-02 evening → Good Friday and Easter Monday skipped → Tuesday 7 April.
    expect(iso(nextOpening(moselle, at('2026-04-02T16:00:00Z')))).toBe('2026-04-07T07:00:00.000Z');
  });

  it('counts only public holidays: Whit Sunday (an observance) is not skipped', () => {
    const sundays = { ...FRANCE, days: [7] };
    expect(isWithinWindow(sundays, at('2026-05-24T10:00:00Z'))).toBe(true);
  });

  it('uses the local date of the window zone', () => {
    // 1 May 2026 00:30 in Paris is still 30 April in New York.
    const newYork = {
      ...FRANCE,
      timezone: 'America/New_York',
      days: EVERY_DAY,
      start: '00:00',
      end: '24:00',
    };
    expect(isWithinWindow(newYork, at('2026-04-30T22:30:00Z'))).toBe(true);
    expect(isWithinWindow(newYork, at('2026-05-01T04:00:00Z'))).toBe(false);
  });
});

describe('effectiveWindow', () => {
  it('uses the prospect time zone when it is known and valid', () => {
    const window = effectiveWindow(PARIS, 'America/New_York');
    expect(window).toEqual({ ...PARIS, timezone: 'America/New_York' });
    // Wednesday 2026-01-14 10:00 in Paris (09:00Z) is 04:00 in New York: opens at 09:00 there.
    expect(isWithinWindow(window, at('2026-01-14T09:00:00Z'))).toBe(false);
    expect(iso(nextOpening(window, at('2026-01-14T09:00:00Z')))).toBe('2026-01-14T14:00:00.000Z');
    // New York changed on 2026-03-08, Paris not yet: 09:00 EDT is 13:00Z.
    expect(iso(nextOpening(window, at('2026-03-09T09:00:00Z')))).toBe('2026-03-09T13:00:00.000Z');
  });

  it('falls back to the campaign time zone when the prospect has none or an invalid one', () => {
    expect(effectiveWindow(PARIS, null)).toBe(PARIS);
    expect(effectiveWindow(PARIS, 'Mars/Olympus_Mons')).toBe(PARIS);
    expect(effectiveWindow(PARIS, '')).toBe(PARIS);
  });
});

describe('invalid windows', () => {
  it.each([
    [{ timezone: 'Mars/Olympus_Mons' }, /timezone must be an IANA time zone/],
    [
      { start: '9:00' },
      /start must be a local time HH:MM or HH:MM:SS such as 09:00 \(got "9:00"\)/,
    ],
    [{ end: '18:60' }, /end must be a local time/],
    [{ start: '24:00' }, /start cannot be 24:00/],
    [{ start: '18:00', end: '09:00' }, /start \(18:00\) must be before its end \(09:00\)/],
    [{ days: [] }, /days must be ISO weekdays 1 \(Monday\) to 7 \(Sunday\), at least one/],
    [{ days: [0, 1] }, /got \[0, 1\]/],
    [{ publicHolidays: 'XX' }, /no public holidays are known for country XX/],
  ])('refuses %p, saying what to fix', (change, message) => {
    const window = { ...PARIS, ...change };
    expect(() => nextOpening(window, at('2026-01-14T10:00:00Z'))).toThrow(
      InvalidSendingWindowError,
    );
    expect(() => isWithinWindow(window, at('2026-01-14T10:00:00Z'))).toThrow(message);
  });

  it('refuses an invalid date', () => {
    expect(() => nextOpening(PARIS, new Date(Number.NaN))).toThrow('earliest is not a valid date');
  });
});
