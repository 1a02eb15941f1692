import { DateTime, IANAZone } from 'luxon';
import { holidayCodeProblem, isPublicHoliday } from './public-holidays.js';

/** When a campaign may send: local times and weekdays in one time zone, optional public holidays. */
export interface SendingWindow {
  /** IANA zone. */
  timezone: string;
  /** Local time 'HH:MM' or 'HH:MM:SS' (PostgreSQL time text), inclusive. */
  start: string;
  /** Local time, exclusive; start < end (no overnight windows). '24:00' is the end of the day. */
  end: string;
  /** ISO weekdays 1 = Monday … 7 = Sunday. */
  days: readonly number[];
  /** date-holidays country[-subdivision] code, e.g. 'FR' or 'FR-57'; null = ignore holidays. */
  publicHolidays: string | null;
}

/** A sending window that cannot be used as given; the message says which field and why. */
export class InvalidSendingWindowError extends Error {
  override readonly name = 'InvalidSendingWindowError';
}

/** How far nextOpening looks ahead before it gives up. */
export const OPENING_SEARCH_DAYS = 366;

const LOCAL_TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

interface ParsedWindow {
  zone: IANAZone;
  /** Milliseconds since local midnight. */
  startMs: number;
  endMs: number;
  days: ReadonlySet<number>;
  publicHolidays: string | null;
}

/** The window with the prospect's timezone when it is known and valid, else the campaign's. */
export function effectiveWindow(
  window: SendingWindow,
  prospectTimezone: string | null,
): SendingWindow {
  if (
    prospectTimezone === null ||
    prospectTimezone === window.timezone ||
    !isValidZone(prospectTimezone)
  ) {
    return window;
  }
  return { ...window, timezone: prospectTimezone };
}

/**
 * Whether `at` is inside the window: an allowed weekday, not a public holiday when asked, and
 * start <= local time < end (all in the window's zone).
 */
export function isWithinWindow(window: SendingWindow, at: Date): boolean {
  const parsed = parseWindow(window);
  const local = DateTime.fromMillis(instant(at, 'at'), { zone: parsed.zone });
  if (!dayAllowed(parsed, local)) return false;
  const sinceMidnight =
    ((local.hour * 60 + local.minute) * 60 + local.second) * 1000 + local.millisecond;
  return sinceMidnight >= parsed.startMs && sinceMidnight < parsed.endMs;
}

/**
 * First instant >= earliest inside the window (allowed weekday, not a public holiday when asked,
 * start <= local time < end). Exact across DST changes: on a spring-forward day a start inside
 * the skipped hour opens when the clocks jump (02:30 in Paris opens at 03:00 local); on a
 * fall-back day the first occurrence of the start counts. Throws InvalidSendingWindowError for a
 * malformed window or if it does not open within OPENING_SEARCH_DAYS days.
 */
export function nextOpening(window: SendingWindow, earliest: Date): Date {
  const parsed = parseWindow(window);
  const from = instant(earliest, 'earliest');
  let day = localDay(earliest, window.timezone);
  for (let searched = 0; searched <= OPENING_SEARCH_DAYS; searched += 1) {
    if (dayAllowed(parsed, DateTime.fromJSDate(day.start, { zone: parsed.zone }))) {
      for (const [open, close] of openings(parsed, day)) {
        if (close > from) return new Date(Math.max(open, from));
      }
    }
    day = localDay(day.end, window.timezone);
  }
  throw new InvalidSendingWindowError(
    `the sending window (${window.start}–${window.end} ${window.timezone}, days ${window.days.join(',')}) does not open within ${OPENING_SEARCH_DAYS} days after ${earliest.toISOString()}`,
  );
}

/**
 * previousSentAt + delayDays calendar days in the window's zone, keeping the local wall-clock
 * time (DST-safe: 10:00 before the change is 10:00 after), then nextOpening. delayDays 0 =
 * nextOpening(previousSentAt).
 */
export function stepDueAt(previousSentAt: Date, delayDays: number, window: SendingWindow): Date {
  if (!Number.isInteger(delayDays) || delayDays < 0) {
    throw new RangeError(`delayDays must be a whole number of days >= 0 (got ${delayDays})`);
  }
  const { zone } = parseWindow(window);
  instant(previousSentAt, 'previousSentAt');
  if (delayDays === 0) return nextOpening(window, previousSentAt);
  const due = DateTime.fromJSDate(previousSentAt, { zone }).plus({ days: delayDays });
  return nextOpening(window, due.toJSDate());
}

/** localDay's last day per timezone (epoch ms bounds), at most LOCAL_DAYS_KEPT timezones. */
const LOCAL_DAYS = new Map<string, { date: string; start: number; end: number }>();
const LOCAL_DAYS_KEPT = 1_000;

/**
 * The local calendar day containing `at` in `timezone`: 'YYYY-MM-DD' and its [start, end)
 * instants (23 h / 25 h on DST days; start is the first instant of the day where midnight does
 * not exist).
 */
export function localDay(at: Date, timezone: string): { date: string; start: Date; end: Date } {
  const ms = instant(at, 'at');
  // The engine asks for the current day of a few timezones on every send: the last day computed
  // per timezone is kept (a day's bounds are fixed instants, so a hit is exact).
  const known = LOCAL_DAYS.get(timezone);
  if (known && ms >= known.start && ms < known.end) {
    return { date: known.date, start: new Date(known.start), end: new Date(known.end) };
  }
  const zone = parseZone(timezone);
  const start = DateTime.fromMillis(ms, { zone }).startOf('day');
  const end = start.plus({ days: 1 }).startOf('day');
  const date = start.toFormat('yyyy-MM-dd');
  if (LOCAL_DAYS.size >= LOCAL_DAYS_KEPT) LOCAL_DAYS.clear();
  LOCAL_DAYS.set(timezone, { date, start: start.toMillis(), end: end.toMillis() });
  return { date, start: start.toJSDate(), end: end.toJSDate() };
}

/**
 * The [open, close) intervals (epoch ms) of the window on one local day, in order. One interval
 * usually; on a day whose UTC offset changes, the part before and the part after the change are
 * computed with their own offset, so a local time the day skips or repeats is handled exactly.
 */
function openings(
  window: ParsedWindow,
  day: { date: string; start: Date; end: Date },
): [number, number][] {
  const midnightUtc = Date.parse(`${day.date}T00:00:00Z`);
  const result: [number, number][] = [];
  for (const segment of offsetSegments(window.zone, day.start.getTime(), day.end.getTime())) {
    const shift = midnightUtc - segment.offset * MINUTE_MS;
    const open = Math.max(shift + window.startMs, segment.from);
    const close = Math.min(shift + window.endMs, segment.to);
    if (open < close) result.push([open, close]);
  }
  return result;
}

/** [from, to) split where the zone's offset changes (at most once a day in the tz database). */
function offsetSegments(
  zone: IANAZone,
  from: number,
  to: number,
): { from: number; to: number; offset: number }[] {
  const first = zone.offset(from);
  const last = zone.offset(to - 1);
  if (first === last) return [{ from, to, offset: first }];
  // Binary search for the first millisecond with the new offset.
  let before = from;
  let after = to - 1;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (zone.offset(middle) === first) before = middle;
    else after = middle;
  }
  return [
    { from, to: after, offset: first },
    { from: after, to, offset: zone.offset(after) },
  ];
}

function dayAllowed(window: ParsedWindow, local: DateTime): boolean {
  if (!window.days.has(local.weekday)) return false;
  return !(
    window.publicHolidays !== null &&
    isPublicHoliday(window.publicHolidays, local.toFormat('yyyy-MM-dd'))
  );
}

function parseWindow(window: SendingWindow): ParsedWindow {
  const zone = parseZone(window.timezone);
  const startMs = parseLocalTime('start', window.start);
  const endMs = parseLocalTime('end', window.end);
  if (startMs === DAY_MS) {
    throw new InvalidSendingWindowError(`sending window start cannot be 24:00`);
  }
  if (startMs >= endMs) {
    throw new InvalidSendingWindowError(
      `sending window start (${window.start}) must be before its end (${window.end}): windows do not cross midnight`,
    );
  }
  if (
    window.days.length === 0 ||
    window.days.some((day) => !Number.isInteger(day) || day < 1 || day > 7)
  ) {
    throw new InvalidSendingWindowError(
      `sending window days must be ISO weekdays 1 (Monday) to 7 (Sunday), at least one (got [${window.days.join(', ')}])`,
    );
  }
  if (window.publicHolidays !== null) {
    const problem = holidayCodeProblem(window.publicHolidays);
    if (problem) throw new InvalidSendingWindowError(problem);
  }
  return {
    zone,
    startMs,
    endMs,
    days: new Set(window.days),
    publicHolidays: window.publicHolidays,
  };
}

/**
 * Whether `timezone` is an IANA zone, remembered: luxon answers by building an
 * Intl.DateTimeFormat, which costs more than the rest of a send's date arithmetic together.
 * The set of zone names is small and fixed, so the cache is bounded.
 */
const ZONE_VALIDITY = new Map<string, boolean>();

function isValidZone(timezone: string): boolean {
  let valid = ZONE_VALIDITY.get(timezone);
  if (valid === undefined) {
    valid = IANAZone.isValidZone(timezone);
    if (ZONE_VALIDITY.size < 10_000) ZONE_VALIDITY.set(timezone, valid);
  }
  return valid;
}

function parseZone(timezone: string): IANAZone {
  if (!isValidZone(timezone)) {
    throw new InvalidSendingWindowError(
      `sending window timezone must be an IANA time zone such as Europe/Paris (got ${JSON.stringify(timezone)})`,
    );
  }
  return IANAZone.create(timezone);
}

/** 'HH:MM' or 'HH:MM:SS' as milliseconds since midnight; '24:00[:00]' is the end of the day. */
function parseLocalTime(field: 'start' | 'end', text: string): number {
  const match = LOCAL_TIME.exec(text);
  const [hours, minutes, seconds] = match
    ? [Number(match[1]), Number(match[2]), Number(match[3] ?? '0')]
    : [Number.NaN, Number.NaN, Number.NaN];
  const endOfDay = hours === 24 && minutes === 0 && seconds === 0;
  if (!(endOfDay || (hours <= 23 && minutes <= 59 && seconds <= 59))) {
    throw new InvalidSendingWindowError(
      `sending window ${field} must be a local time HH:MM or HH:MM:SS such as 09:00 (got ${JSON.stringify(text)})`,
    );
  }
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
}

function instant(value: Date, name: string): number {
  const ms = value.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`${name} is not a valid date`);
  return ms;
}
