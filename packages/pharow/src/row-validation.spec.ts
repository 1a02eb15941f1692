import { mapHeaders } from './header-mapping.js';
import { EMPLOYEE_RANGES, validateRow, type RowError } from './row-validation.js';

const HEADERS = [
  'ID entreprise',
  'Entreprise',
  'SIREN',
  'SIRET',
  'Code NAF',
  'Site web',
  'LinkedIn entreprise',
  'Effectif',
  'Code postal',
  'Ville',
  'Pays',
  'Prénom',
  'Nom',
  'Poste',
  'Email',
  'Statut email',
  'Fiabilité email',
  'LinkedIn',
  'Liste',
];
const mapping = mapHeaders(HEADERS);

const GOOD: Record<string, string> = {
  'ID entreprise': 'pc-1',
  Entreprise: 'Éditions Lefèvre',
  SIREN: '732 829 320',
  SIRET: '73282932000074',
  'Code NAF': '6201z',
  'Site web': 'www.editions-lefevre.fr',
  'LinkedIn entreprise': 'https://fr.linkedin.com/company/editions-lefevre/?trk=x',
  Effectif: '10 à 19 salariés',
  'Code postal': '1000',
  Ville: 'Bourg-en-Bresse',
  Pays: 'France',
  Prénom: ' Hélène ',
  Nom: 'Lefèvre',
  Poste: 'Directrice',
  Email: 'Helene.Lefevre@Editions-Lefevre.FR ',
  'Statut email': 'Valide',
  'Fiabilité email': '85 %',
  LinkedIn: 'linkedin.com/in/helene-lefevre/',
  Liste: 'Prospects Ain',
};

function row(changes: Record<string, string> = {}): string[] {
  return HEADERS.map((header) => changes[header] ?? GOOD[header] ?? '');
}

function errorsOf(changes: Record<string, string>): RowError[] {
  const result = validateRow(row(changes), mapping);
  if (result.ok) throw new Error('expected the row to be refused');
  return result.errors;
}

describe('validateRow', () => {
  it('normalises a good row', () => {
    const result = validateRow(row(), mapping);
    expect(result).toEqual({
      ok: true,
      record: {
        company: {
          pharowId: 'pc-1',
          name: 'Éditions Lefèvre',
          siren: '732829320',
          siret: '73282932000074',
          nafCode: '62.01Z',
          websiteUrl: 'https://www.editions-lefevre.fr/',
          domain: 'editions-lefevre.fr',
          linkedinUrl: 'https://www.linkedin.com/company/editions-lefevre',
          employeeRange: '10-19',
          addressLine1: null,
          postalCode: '01000',
          city: 'Bourg-en-Bresse',
          country: 'FR',
        },
        person: {
          pharowId: null,
          firstName: 'Hélène',
          lastName: 'Lefèvre',
          linkedinUrl: 'https://www.linkedin.com/in/helene-lefevre',
          city: null,
        },
        position: {
          title: 'Directrice',
          email: 'Helene.Lefevre@editions-lefevre.fr',
          emailStatus: 'valid',
          emailReliability: 85,
          listName: 'Prospects Ain',
        },
      },
    });
  });

  it('derives the SIREN from the SIRET when only the SIRET is given', () => {
    const result = validateRow(row({ SIREN: '' }), mapping);
    expect(result.ok && result.record.company.siren).toBe('732829320');
  });

  it.each([
    ['SIREN', '732829321', 'SIREN checksum (Luhn) is wrong'],
    ['SIREN', '12345', 'a SIREN is 9 digits'],
    ['SIRET', '7328293200007', 'a SIRET is 14 digits'],
    ['SIRET', '73282932000075', 'SIRET checksum (Luhn) is wrong'],
    ['Code NAF', '6201', 'a NAF code is NN.NNX (e.g. 62.01Z)'],
    ['Code NAF', '62.01ZZ', 'a NAF code is NN.NNX (e.g. 62.01Z)'],
    ['Email', 'helene.lefevre.at.example.fr', 'not an e-mail address (name@domain.tld)'],
    ['Email', 'a@b@c.fr', 'not an e-mail address (name@domain.tld)'],
    ['Email', 'helene@exa_mple.fr', 'the e-mail domain is not a valid host name'],
    ['Email', `${'a'.repeat(250)}@b.fr`, 'an e-mail address is at most 254 characters'],
    ['Site web', 'ftp://files.example.fr', 'a URL starts with http:// or https://'],
    ['Site web', 'https://exa mple.fr', 'a URL has no spaces'],
    ['LinkedIn', 'https://example.com/in/helene', 'not a linkedin.com URL'],
    [
      'LinkedIn',
      'https://www.linkedin.com/company/acme',
      'a LinkedIn profile URL is linkedin.com/in/<name>',
    ],
    [
      'LinkedIn entreprise',
      'https://www.linkedin.com/in/helene',
      'a LinkedIn company URL is linkedin.com/company/<name>',
    ],
    ['Code postal', '7500A', 'a French postal code is 5 digits'],
    ['Code postal', '750081', 'a French postal code is 5 digits'],
    [
      'Statut email',
      'peut-être',
      'an e-mail status is one of valid, risky, invalid, catch_all, unknown',
    ],
    ['Fiabilité email', '150', 'a reliability is a whole percentage from 0 to 100'],
    ['Fiabilité email', 'élevée', 'a reliability is a whole percentage from 0 to 100'],
    ['Effectif', 'beaucoup', `an employee range is one of ${EMPLOYEE_RANGES.join(', ')}`],
    ['Entreprise', 'x'.repeat(301), 'longer than 300 characters'],
    ['Prénom', 'x'.repeat(101), 'longer than 100 characters'],
    ['Poste', 'x'.repeat(301), 'longer than 300 characters'],
    ['Liste', 'x'.repeat(201), 'longer than 200 characters'],
    ['ID entreprise', 'x'.repeat(101), 'longer than 100 characters'],
    ['Pays', 'Atlantide', 'a country is an ISO code (FR) or a name'],
  ])('refuses %s %j', (column, value, reason) => {
    expect(errorsOf({ [column]: value })).toEqual([{ column, value, reason }]);
  });

  it('requires the company name and the e-mail', () => {
    expect(errorsOf({ Entreprise: '  ', Email: '' })).toEqual([
      { column: 'Entreprise', value: '', reason: 'required' },
      { column: 'Email', value: '', reason: 'required' },
    ]);
  });

  it('requires a first or a last name', () => {
    expect(errorsOf({ Prénom: '', Nom: '' })).toEqual([
      { column: 'Prénom / Nom', value: '', reason: 'a person needs a first or a last name' },
    ]);
    expect(validateRow(row({ Prénom: '' }), mapping).ok).toBe(true);
  });

  it('refuses a SIRET that does not start with the SIREN', () => {
    expect(errorsOf({ SIREN: '552100554' })).toEqual([
      {
        column: 'SIRET',
        value: '73282932000074',
        reason: 'the SIRET does not start with the SIREN 552100554',
      },
    ]);
  });

  it('lists every bad cell of a row, not only the first', () => {
    expect(errorsOf({ SIREN: '1', 'Code NAF': 'x', Email: 'nope' }).map((e) => e.column)).toEqual([
      'SIREN',
      'Email',
      'Code NAF',
    ]);
  });

  it.each([
    ['fewer', row().slice(0, -1), 'the row has 18 cells, the header 19'],
    ['more', [...row(), 'extra'], 'the row has 20 cells, the header 19'],
  ])('refuses a row with %s cells than the header', (_how, cells, reason) => {
    expect(validateRow(cells, mapping)).toEqual({
      ok: false,
      errors: [{ column: '', value: `${cells.length} cells`, reason }],
    });
  });

  it.each([
    ['risqué', 'risky'],
    ['Catch-all', 'catch_all'],
    ['INVALIDE', 'invalid'],
    ['', 'unknown'],
    ['inconnu', 'unknown'],
  ])('reads the e-mail status %j as %s', (value, status) => {
    const result = validateRow(row({ 'Statut email': value }), mapping);
    expect(result.ok && result.record.position.emailStatus).toBe(status);
  });

  it.each([
    ['10000+', '10000+'],
    ['10 000 et +', '10000+'],
    ['250-499', '250-499'],
    ['1 to 2 employees', '1-2'],
  ])('reads the employee range %j as %s', (value, range) => {
    const result = validateRow(row({ Effectif: value }), mapping);
    expect(result.ok && result.record.company.employeeRange).toBe(range);
  });

  it('keeps non-French postal codes as written', () => {
    const result = validateRow(row({ Pays: 'BE', 'Code postal': '1000' }), mapping);
    expect(result.ok && result.record.company.postalCode).toBe('1000');
  });
});
