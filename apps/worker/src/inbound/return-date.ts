import { DateTime } from 'luxon';

/**
 * The return date an out-of-office message announces, French or English, as `YYYY-MM-DD`, or
 * null when none is found. Relative to the message's date (`sentAt`, in `zone`): a date without
 * a year is the next one on or after the message's day; a weekday alone ("back on Monday") is
 * the next such day after it. Numeric dates are day first (12/01 is 12 January), as in France
 * and the UK. Dates before the message or more than two years after it are ignored.
 *
 * Phrasings: "de retour le 12 janvier", "je serai de retour lundi 5 janvier 2027",
 * "absent(e) jusqu'au 03/02/2027", "retour prévu le 12/01", "à partir du 12 janvier",
 * "back on Monday 5 January", "returning January 12th", "back in the office on 12/01/2027",
 * "until 5 January", "I will return on Jan 12".
 */
export function extractReturnDate(
  text: string,
  sentAt: Date,
  zone = 'Europe/Paris',
): string | null {
  const reference = DateTime.fromJSDate(sentAt, { zone }).startOf('day');
  const sample = text.slice(0, 5_000).replace(/\s+/g, ' ');
  for (const cue of CUES) {
    cue.lastIndex = 0;
    let match: RegExpExecArray | null;
    while ((match = cue.exec(sample)) !== null) {
      const after = sample.slice(match.index + match[0].length, match.index + match[0].length + 60);
      const found = dateAtStart(after, reference);
      if (found) return found.toISODate();
    }
  }
  return null;
}

/** Phrases after which the return (or last absent) day comes. */
const CUES: RegExp[] = [
  /\b(?:de retour|retour(?: prévu)?|(?:je )?(?:serai|reviens|rentre(?:rai)?)(?: de retour)?|je reprendrai|reprise)\s*(?:au bureau\s*)?(?:le|du|à partir du|dès le)?\s*/giu,
  /\b(?:absente?|en (?:congés?|vacances|déplacement)|hors du bureau|indisponible)[^.\n]{0,60}?\b(?:jusqu['’]au|au)\s*/giu,
  /\bjusqu['’]au\s*/giu,
  /(?:^|\s)à partir du\s*/giu,
  /\b(?:back|return(?:ing)?|will be back|will return|be back)\b(?:\s+(?:in|to)\s+the\s+office)?\s*(?:on|from)?\s*/giu,
  /\b(?:out of (?:the )?office|away|on (?:leave|holiday|vacation))[^.\n]{0,60}?\b(?:until|till|through)\s*/giu,
  /\buntil\s*/giu,
];

const MONTHS: Record<string, number> = {
  janvier: 1,
  janv: 1,
  jan: 1,
  january: 1,
  février: 2,
  fevrier: 2,
  févr: 2,
  fevr: 2,
  fév: 2,
  feb: 2,
  february: 2,
  mars: 3,
  mar: 3,
  march: 3,
  avril: 4,
  avr: 4,
  apr: 4,
  april: 4,
  mai: 5,
  may: 5,
  juin: 6,
  june: 6,
  jun: 6,
  juillet: 7,
  juil: 7,
  july: 7,
  jul: 7,
  août: 8,
  aout: 8,
  aug: 8,
  august: 8,
  septembre: 9,
  sept: 9,
  sep: 9,
  september: 9,
  octobre: 10,
  oct: 10,
  october: 10,
  novembre: 11,
  nov: 11,
  november: 11,
  décembre: 12,
  decembre: 12,
  déc: 12,
  dec: 12,
  december: 12,
};

const WEEKDAYS: Record<string, number> = {
  lundi: 1,
  mardi: 2,
  mercredi: 3,
  jeudi: 4,
  vendredi: 5,
  samedi: 6,
  dimanche: 7,
  monday: 1,
  tuesday: 2,
  wednesday: 3,
  thursday: 4,
  friday: 5,
  saturday: 6,
  sunday: 7,
  mon: 1,
  tue: 2,
  wed: 3,
  thu: 4,
  fri: 5,
  sat: 6,
  sun: 7,
};

const MONTH = '([a-zéèûô]{3,9})\\.?';
const DAY = '(\\d{1,2})(?:er|st|nd|rd|th)?';
const YEAR = '(?:,?\\s*(\\d{4}))?';
const WEEKDAY = '(?:(?:le\\s+)?([a-z]{3,9})\\.?,?\\s+)?';

const NUMERIC = /^(?:le\s+)?(?:[a-zé]{3,9}\.?,?\s+)?(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2,4}))?\b/iu;
const DAY_MONTH = new RegExp(`^${WEEKDAY}(?:the\\s+)?${DAY}\\s+(?:of\\s+)?${MONTH}${YEAR}`, 'iu');
const MONTH_DAY = new RegExp(`^${WEEKDAY}${MONTH}\\s+(?:the\\s+)?${DAY}${YEAR}`, 'iu');
const WEEKDAY_ONLY = /^(?:le\s+|on\s+|next\s+|prochain\s+)?([a-z]{3,9})\b/iu;

/** A date written at the start of `text`, resolved against `reference`. */
function dateAtStart(text: string, reference: DateTime): DateTime | null {
  const numeric = NUMERIC.exec(text);
  if (numeric) {
    return resolve(Number(numeric[1]), Number(numeric[2]), yearOf(numeric[3]), reference);
  }
  const dayMonth = DAY_MONTH.exec(text);
  if (dayMonth) {
    const month = monthOf(dayMonth[3]);
    if (month) return resolve(Number(dayMonth[2]), month, yearOf(dayMonth[4]), reference);
  }
  const monthDay = MONTH_DAY.exec(text);
  if (monthDay) {
    const month = monthOf(monthDay[2]);
    if (month) return resolve(Number(monthDay[3]), month, yearOf(monthDay[4]), reference);
  }
  const weekday = WEEKDAY_ONLY.exec(text);
  const isoDay = weekday?.[1] ? WEEKDAYS[weekday[1].toLowerCase()] : undefined;
  if (isoDay !== undefined) {
    const ahead = (isoDay - reference.weekday + 7) % 7 || 7;
    return reference.plus({ days: ahead });
  }
  return null;
}

function monthOf(word: string | undefined): number | undefined {
  return word ? MONTHS[word.toLowerCase().replace(/\.$/, '')] : undefined;
}

function yearOf(value: string | undefined): number | null {
  if (!value) return null;
  const year = Number(value);
  return value.length === 2 ? 2000 + year : year;
}

function resolve(
  day: number,
  month: number,
  year: number | null,
  reference: DateTime,
): DateTime | null {
  const build = (y: number): DateTime | null => {
    const date = DateTime.fromObject({ year: y, month, day }, { zone: reference.zone });
    return date.isValid ? date : null;
  };
  let date = year !== null ? build(year) : build(reference.year);
  if (date && year === null && date < reference) date = build(reference.year + 1);
  if (!date || date < reference || date > reference.plus({ years: 2 })) return null;
  return date;
}
