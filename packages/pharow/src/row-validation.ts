import type { HeaderMapping } from './header-mapping.js';
import type { PharowField } from './pharow-fields.js';
import { isValidSiren, isValidSiret } from './siren.js';

/** crm.positions.email_status (CHECK positions_email_status_check), mirrored from @outreach/db. */
export const PHAROW_EMAIL_STATUSES = ['valid', 'risky', 'invalid', 'catch_all', 'unknown'] as const;
export type PharowEmailStatus = (typeof PHAROW_EMAIL_STATUSES)[number];

/** crm.companies.employee_range (CHECK companies_employee_range_check). */
export const EMPLOYEE_RANGES = [
  '0',
  '1-2',
  '3-5',
  '6-9',
  '10-19',
  '20-49',
  '50-99',
  '100-199',
  '200-249',
  '250-499',
  '500-999',
  '1000-1999',
  '2000-4999',
  '5000-9999',
  '10000+',
] as const;
export type EmployeeRange = (typeof EMPLOYEE_RANGES)[number];

/** One refused cell: the column as written in the file, the value, why. */
export interface RowError {
  column: string;
  value: string;
  reason: string;
}

export interface PharowCompany {
  pharowId: string | null;
  name: string;
  siren: string | null;
  siret: string | null;
  nafCode: string | null;
  websiteUrl: string | null;
  domain: string | null;
  linkedinUrl: string | null;
  employeeRange: EmployeeRange | null;
  addressLine1: string | null;
  postalCode: string | null;
  city: string | null;
  country: string;
}

export interface PharowPerson {
  pharowId: string | null;
  firstName: string | null;
  lastName: string | null;
  linkedinUrl: string | null;
  city: string | null;
}

export interface PharowPosition {
  title: string | null;
  email: string;
  emailStatus: PharowEmailStatus;
  emailReliability: number | null;
  listName: string | null;
}

/** A valid row, normalised to what the crm tables accept. */
export interface PharowRecord {
  company: PharowCompany;
  person: PharowPerson;
  position: PharowPosition;
}

export type RowResult = { ok: true; record: PharowRecord } | { ok: false; errors: RowError[] };

const EMAIL_STATUS_ALIASES: Readonly<Record<string, PharowEmailStatus>> = {
  valid: 'valid',
  valide: 'valid',
  verified: 'valid',
  verifie: 'valid',
  deliverable: 'valid',
  ok: 'valid',
  risky: 'risky',
  risque: 'risky',
  risquee: 'risky',
  invalid: 'invalid',
  invalide: 'invalid',
  undeliverable: 'invalid',
  'catch all': 'catch_all',
  catchall: 'catch_all',
  'accept all': 'catch_all',
  unknown: 'unknown',
  inconnu: 'unknown',
  'non verifie': 'unknown',
};

const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  france: 'FR',
  belgique: 'BE',
  belgium: 'BE',
  suisse: 'CH',
  switzerland: 'CH',
  luxembourg: 'LU',
  allemagne: 'DE',
  germany: 'DE',
  espagne: 'ES',
  spain: 'ES',
  italie: 'IT',
  italy: 'IT',
  'royaume uni': 'GB',
  'united kingdom': 'GB',
  canada: 'CA',
};

const DOMAIN_PATTERN = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const EMAIL_PATTERN = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function fold(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9+]+/g, ' ')
    .trim();
}

/** Thrown inside a field's normaliser; becomes one RowError for that column. */
class CellError extends Error {}

/** Length in code points, as PostgreSQL's char_length counts. */
function codePoints(value: string): number {
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}

function text(value: string, max: number): string {
  if (codePoints(value) > max) throw new CellError(`longer than ${max} characters`);
  return value;
}

function identifier(value: string): string {
  return text(value, 100);
}

/** `732 829 320` → `732829320`; 9 digits with a valid Luhn checksum. */
export function normaliseSiren(value: string): string {
  const digits = value.replace(/[\s.]/g, '');
  if (!/^\d{9}$/.test(digits)) throw new CellError('a SIREN is 9 digits');
  if (!isValidSiren(digits)) throw new CellError('SIREN checksum (Luhn) is wrong');
  return digits;
}

/** 14 digits, Luhn-valid (La Poste: digit sum a multiple of 5). */
export function normaliseSiret(value: string): string {
  const digits = value.replace(/[\s.]/g, '');
  if (!/^\d{14}$/.test(digits)) throw new CellError('a SIRET is 14 digits');
  if (!isValidSiret(digits)) throw new CellError('SIRET checksum (Luhn) is wrong');
  return digits;
}

/** `6201Z`, `62.01z`, `62 01 Z` → `62.01Z`. */
export function normaliseNafCode(value: string): string {
  const compact = value.replace(/[\s.]/g, '').toUpperCase();
  const match = /^(\d{2})(\d{2})([A-Z])$/.exec(compact);
  if (!match) throw new CellError('a NAF code is NN.NNX (e.g. 62.01Z)');
  return `${match[1]}.${match[2]}${match[3]}`;
}

/** Trimmed, domain lower-cased; `local@domain.tld`, at most 254 characters. */
export function normaliseEmail(value: string): string {
  const at = value.lastIndexOf('@');
  const email = at < 0 ? value : `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
  if (!EMAIL_PATTERN.test(email)) throw new CellError('not an e-mail address (name@domain.tld)');
  if (email.length > 254) throw new CellError('an e-mail address is at most 254 characters');
  if (!DOMAIN_PATTERN.test(email.slice(email.lastIndexOf('@') + 1))) {
    throw new CellError('the e-mail domain is not a valid host name');
  }
  return email;
}

function parseUrl(value: string): URL {
  if (/\s/.test(value)) throw new CellError('a URL has no spaces');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `https://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CellError('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CellError('a URL starts with http:// or https://');
  }
  if (!DOMAIN_PATTERN.test(url.hostname)) throw new CellError('the URL has no valid host name');
  return url;
}

/** An http(s) URL (`https://` added when no scheme is written), at most 2048 characters. */
export function normaliseUrl(value: string): string {
  const url = parseUrl(value);
  const href = url.href;
  if (href.length > 2048) throw new CellError('a URL is at most 2048 characters');
  return href;
}

/** The host of a website or a bare domain, lower case, without `www.`. */
export function normaliseDomain(value: string): string {
  const host = value.includes('/') || value.includes(':') ? parseUrl(value).hostname : value;
  const domain = host
    .toLowerCase()
    .replace(/^www\./, '')
    .replace(/\.$/, '');
  if (!DOMAIN_PATTERN.test(domain) || domain.length > 253) {
    throw new CellError('not a domain name (e.g. example.fr)');
  }
  return domain;
}

/**
 * A LinkedIn profile (`kind` 'in') or company page (`kind` 'company') URL, normalised to
 * `https://www.linkedin.com/<kind>/<slug>` (query, fragment and trailing slash dropped).
 */
export function normaliseLinkedinUrl(value: string, kind: 'in' | 'company'): string {
  const url = parseUrl(value);
  if (!/(^|\.)linkedin\.com$/.test(url.hostname)) throw new CellError('not a linkedin.com URL');
  const expected = kind === 'in' ? ['in'] : ['company', 'school', 'showcase'];
  const [section, slug] = url.pathname.split('/').filter(Boolean);
  if (section === undefined || !expected.includes(section) || !slug) {
    throw new CellError(
      kind === 'in'
        ? 'a LinkedIn profile URL is linkedin.com/in/<name>'
        : 'a LinkedIn company URL is linkedin.com/company/<name>',
    );
  }
  const href = `https://www.linkedin.com/${section}/${slug}`;
  if (href.length > 2048) throw new CellError('a URL is at most 2048 characters');
  return href;
}

/** `France` → `FR`; an ISO 3166-1 alpha-2 code otherwise. */
export function normaliseCountry(value: string): string {
  const alias = COUNTRY_ALIASES[fold(value)];
  if (alias) return alias;
  const upper = value.toUpperCase();
  if (!/^[A-Z]{2}$/.test(upper)) throw new CellError('a country is an ISO code (FR) or a name');
  return upper;
}

/**
 * A French postal code is 5 digits; a 4-digit code is a spreadsheet that dropped the leading
 * zero (`1000` → `01000`). Other countries: 2–12 letters, digits, spaces or dashes.
 */
export function normalisePostalCode(value: string, country: string): string {
  if (country === 'FR') {
    const digits = value.replace(/\s/g, '');
    if (/^\d{4}$/.test(digits)) return `0${digits}`;
    if (!/^\d{5}$/.test(digits)) throw new CellError('a French postal code is 5 digits');
    return digits;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/.test(value)) throw new CellError('not a postal code');
  return value;
}

/** French and English spellings of valid, risky, invalid, catch_all, unknown. */
export function normaliseEmailStatus(value: string): PharowEmailStatus {
  const status = EMAIL_STATUS_ALIASES[fold(value).replace(/_/g, ' ')];
  if (!status)
    throw new CellError(`an e-mail status is one of ${PHAROW_EMAIL_STATUSES.join(', ')}`);
  return status;
}

/** `85`, `85 %`, `85,0` → 85; a whole percentage from 0 to 100. */
export function normaliseReliability(value: string): number {
  const number = Number(value.replace('%', '').replace(',', '.').trim());
  if (!Number.isFinite(number) || !Number.isInteger(number) || number < 0 || number > 100) {
    throw new CellError('a reliability is a whole percentage from 0 to 100');
  }
  return number;
}

/** `10 à 19 salariés`, `10-19`, `10 000+` → one of EMPLOYEE_RANGES. */
export function normaliseEmployeeRange(value: string): EmployeeRange {
  const compact = value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/salaries|salarie|employees|employee|employes/g, '')
    .replace(/(\d)\s(?=\d{3}\b)/g, '$1')
    .replace(/\s*(?:-|\ba\b|\bto\b)\s*/g, '-')
    .replace(/\s+/g, '')
    .replace(/^(\d+)(?:et\+?|plus|\+)$/, '$1+');
  const range = EMPLOYEE_RANGES.find((candidate) => candidate === compact);
  if (!range) throw new CellError(`an employee range is one of ${EMPLOYEE_RANGES.join(', ')}`);
  return range;
}

/**
 * Validates and normalises one data row against the header mapping. Cells are trimmed; an
 * empty cell is null. Every refused cell is listed (not only the first); a row with more or
 * fewer cells than the header is refused as a whole.
 */
export function validateRow(cells: readonly string[], mapping: HeaderMapping): RowResult {
  if (cells.length !== mapping.headers.length) {
    return {
      ok: false,
      errors: [
        {
          column: '',
          value: `${cells.length} cells`,
          reason: `the row has ${cells.length} cells, the header ${mapping.headers.length}`,
        },
      ],
    };
  }
  const errors: RowError[] = [];
  const raw = new Map<PharowField, { column: string; value: string }>();
  mapping.fields.forEach((field, index) => {
    if (field === null) return;
    raw.set(field, { column: mapping.headers[index] ?? field, value: (cells[index] ?? '').trim() });
  });
  const columnOf = (field: PharowField): string => raw.get(field)?.column ?? field;

  function cell<T>(
    field: PharowField,
    normalise: (value: string) => T,
    required = false,
  ): T | null {
    const entry = raw.get(field);
    if (!entry || entry.value === '') {
      if (required) errors.push({ column: columnOf(field), value: '', reason: 'required' });
      return null;
    }
    try {
      return normalise(entry.value);
    } catch (error) {
      if (!(error instanceof CellError)) throw error;
      errors.push({ column: entry.column, value: entry.value, reason: error.message });
      return null;
    }
  }

  const name = cell('companyName', (v) => text(v, 300), true);
  const country = cell('companyCountry', normaliseCountry) ?? 'FR';
  const siren = cell('siren', normaliseSiren);
  const siret = cell('siret', normaliseSiret);
  if (siren !== null && siret !== null && !siret.startsWith(siren)) {
    errors.push({
      column: columnOf('siret'),
      value: siret,
      reason: `the SIRET does not start with the SIREN ${siren}`,
    });
  }
  const websiteUrl = cell('companyWebsite', normaliseUrl);
  const domain =
    cell('companyDomain', normaliseDomain) ?? (websiteUrl === null ? null : safeDomain(websiteUrl));

  const firstName = cell('firstName', (v) => text(v, 100));
  const lastName = cell('lastName', (v) => text(v, 100));
  if (
    firstName === null &&
    lastName === null &&
    !raw.get('firstName')?.value &&
    !raw.get('lastName')?.value
  ) {
    errors.push({
      column: `${columnOf('firstName')} / ${columnOf('lastName')}`,
      value: '',
      reason: 'a person needs a first or a last name',
    });
  }
  const email = cell('email', normaliseEmail, true);

  const record: PharowRecord = {
    company: {
      pharowId: cell('companyPharowId', identifier),
      name: name ?? '',
      siren: siren ?? (siret === null ? null : siret.slice(0, 9)),
      siret,
      nafCode: cell('nafCode', normaliseNafCode),
      websiteUrl,
      domain,
      linkedinUrl: cell('companyLinkedinUrl', (v) => normaliseLinkedinUrl(v, 'company')),
      employeeRange: cell('employeeRange', normaliseEmployeeRange),
      addressLine1: cell('companyAddress', (v) => text(v, 200)),
      postalCode: cell('companyPostalCode', (v) => normalisePostalCode(v, country)),
      city: cell('companyCity', (v) => text(v, 100)),
      country,
    },
    person: {
      pharowId: cell('personPharowId', identifier),
      firstName,
      lastName,
      linkedinUrl: cell('personLinkedinUrl', (v) => normaliseLinkedinUrl(v, 'in')),
      city: cell('personCity', (v) => text(v, 100)),
    },
    position: {
      title: cell('jobTitle', (v) => text(v, 300)),
      email: email ?? '',
      emailStatus: cell('emailStatus', normaliseEmailStatus) ?? 'unknown',
      emailReliability: cell('emailReliability', normaliseReliability),
      listName: cell('listName', (v) => text(v, 200)),
    },
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, record };
}

function safeDomain(websiteUrl: string): string | null {
  try {
    return normaliseDomain(websiteUrl);
  } catch {
    return null;
  }
}
