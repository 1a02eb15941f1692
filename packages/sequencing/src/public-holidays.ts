import Holidays from 'date-holidays';

/** The shape of a holiday code: a country (`FR`) or a country and subdivision (`FR-57`). */
export const HOLIDAY_CODE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;

const calendars = new Map<string, Holidays>();
let catalogue: Holidays | undefined;
const years = new Map<string, ReadonlySet<string>>();
const DAY_MS = 86_400_000;

/**
 * What is wrong with a public-holiday code, as one sentence (null: date-holidays knows it). The
 * code is a country (`FR`) or a country and one of its subdivisions (`FR-57`, Moselle), in upper
 * case, as the database CHECK on outreach.campaigns.public_holidays.
 */
export function holidayCodeProblem(code: string): string | null {
  if (calendars.has(code)) return null;
  catalogue ??= new Holidays();
  const known = `known codes are a country such as FR or a country and subdivision such as FR-57`;
  if (!HOLIDAY_CODE.test(code)) {
    return `publicHolidays must be a country code, optionally with a subdivision, in upper case (${known}; got ${JSON.stringify(code)})`;
  }
  const [country = '', state] = code.split('-');
  if (!(country in catalogue.getCountries())) {
    return `publicHolidays: no public holidays are known for country ${country} (${known})`;
  }
  if (state !== undefined) {
    // date-holidays answers undefined for a country without subdivisions (its types say otherwise).
    const subdivisions = catalogue.getStates(country) as Record<string, string> | undefined;
    const states = Object.keys(subdivisions ?? {});
    if (!states.includes(state)) {
      const list = states.map((s) => `${country}-${s}`).join(', ');
      return `publicHolidays: ${code} is not a subdivision of ${country} (${list.length > 0 ? `known: ${country}, ${list}` : `use ${country}`})`;
    }
  }
  return null;
}

/**
 * Whether the local calendar day `date` (YYYY-MM-DD) is a public holiday (date-holidays type
 * `public` only) of `code`. A holiday counts for the whole day it falls on, and a holiday of
 * several days for each of them. One date-holidays instance per code and one set of dates per
 * code and year are cached. Throws on a code date-holidays does not know.
 */
export function isPublicHoliday(code: string, date: string): boolean {
  return holidayDates(code, Number(date.slice(0, 4))).has(date);
}

function holidayDates(code: string, year: number): ReadonlySet<string> {
  const key = `${code}:${year}`;
  let dates = years.get(key);
  if (!dates) {
    const found = new Set<string>();
    for (const holiday of calendar(code).getHolidays(year)) {
      if (holiday.type !== 'public') continue;
      const first = holiday.date.slice(0, 10);
      const span = Math.max(
        1,
        Math.round((holiday.end.getTime() - holiday.start.getTime()) / DAY_MS),
      );
      for (let day = 0; day < span; day += 1) {
        found.add(
          new Date(Date.parse(`${first}T00:00:00Z`) + day * DAY_MS).toISOString().slice(0, 10),
        );
      }
    }
    dates = found;
    years.set(key, dates);
  }
  return dates;
}

function calendar(code: string): Holidays {
  let holidays = calendars.get(code);
  if (!holidays) {
    const problem = holidayCodeProblem(code);
    if (problem) throw new Error(problem);
    const [country = '', state] = code.split('-');
    holidays =
      state === undefined
        ? new Holidays(country, { types: ['public'] })
        : new Holidays(country, state, { types: ['public'] });
    calendars.set(code, holidays);
  }
  return holidays;
}
