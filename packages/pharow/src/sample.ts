import { luhnValid } from './siren.js';

/** Options of `generatePharowCsv`. */
export interface PharowSampleOptions {
  /** Data rows (the header line is extra). */
  rows: number;
  /** Seed of the pseudo-random generator: the same seed gives the same file. */
  seed?: number;
  /** Every n-th row is a bad one (cycling through the kinds of error); 0 for none. */
  badEvery?: number;
  /** Rows per company (people of the same company share it). */
  peoplePerCompany?: number;
  delimiter?: ';' | ',';
}

/** The header line of the sample: Pharow's French export spellings. */
export const SAMPLE_HEADERS = [
  'ID entreprise',
  'Entreprise',
  'SIREN',
  'SIRET',
  'Code NAF',
  'Site web',
  'LinkedIn entreprise',
  'Effectif',
  'Adresse',
  'Code postal',
  'Ville',
  'ID contact',
  'Prénom',
  'Nom',
  'Poste',
  'Email',
  'Statut email',
  'Fiabilité email',
  'LinkedIn',
  'Liste',
] as const;

const FIRST_NAMES = [
  'Élodie',
  'François',
  'Hélène',
  'Jérôme',
  'Chloé',
  'Loïc',
  'Zoé',
  'Noël',
  'Anaïs',
  'Gaëtan',
  'Camille',
  'Léa',
  'Mathéo',
  'Inès',
  'Benoît',
];
const LAST_NAMES = [
  'Lefèvre',
  'Müller',
  'Da Silva',
  'Garçon',
  'Dupré',
  'Bénard',
  'Martin',
  'Rousseau',
  'Fournier',
  'Girard',
  'Lambert',
  'Mercier',
  'Faure',
  'Chevalier',
  "N'Diaye",
];
const TITLES = [
  'Directeur commercial',
  'Responsable des achats',
  'Directrice marketing',
  'CEO',
  'DSI',
  'Head of Sales',
  'Chargée de recrutement',
  'Directeur général délégué',
];
const CITIES: [string, string][] = [
  ['Paris', '75008'],
  ['Lyon', '69002'],
  ['Marseille', '13001'],
  ['Bourg-en-Bresse', '01000'],
  ['Nantes', '44000'],
  ['Lille', '59000'],
  ['Besançon', '25000'],
  ['Orléans', '45000'],
];
const NAF = ['62.01Z', '70.22Z', '46.90Z', '41.20A', '56.10A', '85.59A', '71.12B'];
const RANGES = ['1-2', '3-5', '10-19', '20-49', '50-99', '100-199', '250-499', '1000-1999'];
const STATUSES = ['valide', 'risqué', 'catch-all', 'inconnu', 'valid', 'invalide'];
const WORDS = [
  'Atelier',
  'Groupe',
  'Solutions',
  'Conseil',
  'Boulangerie',
  'Éditions',
  'Logistique',
  'Services',
  'Ingénierie',
  'Numérique',
];

/** What each bad row breaks, in turn (documented in the README). */
export const SAMPLE_BAD_KINDS = [
  'siren-checksum',
  'email-syntax',
  'naf-code',
  'postal-code',
  'linkedin-url',
  'email-status',
  'reliability',
  'cell-count',
  'siret-prefix',
  'duplicate-row',
] as const;

function seeded(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function withLuhnKey(prefix: string): string {
  for (let key = 0; key <= 9; key += 1) {
    if (luhnValid(`${prefix}${key}`)) return `${prefix}${key}`;
  }
  throw new Error('unreachable');
}

function slug(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

function quote(value: string, delimiter: string): string {
  return value.includes(delimiter) || /["\n]/.test(value)
    ? `"${value.replace(/"/g, '""')}"`
    : value;
}

/**
 * A synthetic Pharow-like export (French headers, accents, SIREN/SIRET with valid keys), the
 * same for the same options. Every `badEvery`-th row is broken in one way (SAMPLE_BAD_KINDS in
 * turn); a `duplicate-row` repeats the previous line exactly.
 */
export function generatePharowCsv(options: PharowSampleOptions): string {
  const random = seeded(options.seed ?? 42);
  const delimiter = options.delimiter ?? ';';
  const perCompany = options.peoplePerCompany ?? 4;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const lines = [SAMPLE_HEADERS.join(delimiter)];
  let badCount = 0;
  let previous = '';
  for (let row = 1; row <= options.rows; row += 1) {
    const companyIndex = Math.floor((row - 1) / perCompany) + 1;
    const companyRandom = seeded((options.seed ?? 42) * 1_000_003 + companyIndex);
    const companyName = `${WORDS[Math.floor(companyRandom() * WORDS.length)]} ${LAST_NAMES[Math.floor(companyRandom() * LAST_NAMES.length)]} ${companyIndex}`;
    const siren = withLuhnKey(
      String(10_000_000 + companyIndex * 7)
        .padStart(8, '0')
        .slice(-8),
    );
    const siret = withLuhnKey(`${siren}0001`);
    const [city, postalCode] = CITIES[companyIndex % CITIES.length] as [string, string];
    const domain = `${slug(companyName)}.fr`;
    const first = pick(FIRST_NAMES);
    const last = pick(LAST_NAMES);
    const cells = [
      `pc-${companyIndex}`,
      companyName,
      siren,
      siret,
      NAF[companyIndex % NAF.length] as string,
      `https://www.${domain}/`,
      `https://www.linkedin.com/company/${slug(companyName)}`,
      RANGES[companyIndex % RANGES.length] as string,
      `${companyIndex} rue de la République`,
      postalCode,
      city,
      `pp-${row}`,
      first,
      last,
      pick(TITLES),
      `${slug(first)}.${slug(last)}.${row}@${domain}`,
      pick(STATUSES),
      String(Math.floor(random() * 101)),
      `https://www.linkedin.com/in/${slug(first)}-${slug(last)}-${row}`,
      'Prospects Île-de-France',
    ];
    const bad = options.badEvery ? row % options.badEvery === 0 : false;
    let line: string;
    if (bad) {
      const kind = SAMPLE_BAD_KINDS[badCount % SAMPLE_BAD_KINDS.length];
      badCount += 1;
      if (kind === 'siren-checksum')
        cells[2] = `${siren.slice(0, 8)}${(Number(siren[8]) + 1) % 10}`;
      if (kind === 'siren-checksum') cells[3] = '';
      if (kind === 'email-syntax') cells[15] = `${slug(first)}.at.${domain}`;
      if (kind === 'naf-code') cells[4] = '6201';
      if (kind === 'postal-code') cells[9] = '7500A';
      if (kind === 'linkedin-url') cells[18] = `https://example.com/in/${slug(first)}`;
      if (kind === 'email-status') cells[16] = 'peut-être';
      if (kind === 'reliability') cells[17] = '150';
      if (kind === 'cell-count') cells.pop();
      if (kind === 'siret-prefix') cells[3] = '73282932000074';
      line =
        kind === 'duplicate-row' && previous !== ''
          ? previous
          : cells.map((c) => quote(c, delimiter)).join(delimiter);
    } else {
      line = cells.map((c) => quote(c, delimiter)).join(delimiter);
    }
    lines.push(line);
    previous = line;
  }
  return `${lines.join('\r\n')}\r\n`;
}
