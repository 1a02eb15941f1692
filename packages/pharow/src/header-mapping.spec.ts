import { mapHeaders, normaliseHeader } from './header-mapping.js';

describe('mapHeaders', () => {
  it('maps French spellings (accents, case, punctuation ignored)', () => {
    const mapping = mapHeaders([
      '\uFEFFEntreprise',
      'SIREN',
      'Prénom',
      'Nom',
      'E-mail',
      'Statut email',
      'Fiabilité email',
    ]);
    expect(mapping.fields).toEqual([
      'companyName',
      'siren',
      'firstName',
      'lastName',
      'email',
      'emailStatus',
      'emailReliability',
    ]);
    expect(mapping.headers[0]).toBe('Entreprise');
    expect(mapping.missing).toEqual([]);
    expect(mapping.unknown).toEqual([]);
  });

  it('maps English spellings', () => {
    const mapping = mapHeaders([
      'Company name',
      'First name',
      'Last name',
      'Email',
      'Job title',
      'NAF code',
      'LinkedIn URL',
      'Company LinkedIn URL',
    ]);
    expect(mapping.fields).toEqual([
      'companyName',
      'firstName',
      'lastName',
      'email',
      'jobTitle',
      'nafCode',
      'personLinkedinUrl',
      'companyLinkedinUrl',
    ]);
  });

  it('reports unknown columns without failing', () => {
    const mapping = mapHeaders(['Entreprise', 'Prénom', 'Nom', 'Email', 'Couleur préférée']);
    expect(mapping.unknown).toEqual(['Couleur préférée']);
    expect(mapping.fields[4]).toBeNull();
    expect(mapping.missing).toEqual([]);
  });

  it('lists every missing required column', () => {
    expect(mapHeaders(['Entreprise', 'Poste']).missing).toEqual(['firstName', 'lastName', 'email']);
  });

  it('lets an override map a header or ignore it', () => {
    const mapping = mapHeaders(['Société cliente', 'Prénom', 'Nom', 'Mail perso', 'Email'], {
      'Société cliente': 'companyName',
      'mail perso': 'email',
      Email: null,
    });
    expect(mapping.fields).toEqual(['companyName', 'firstName', 'lastName', 'email', null]);
    expect(mapping.unknown).toEqual([]);
    expect(mapping.missing).toEqual([]);
  });

  it('keeps the first of two columns claiming one field and reports the duplicate', () => {
    const mapping = mapHeaders(['Entreprise', 'Société', 'Prénom', 'Nom', 'Email']);
    expect(mapping.fields.slice(0, 2)).toEqual(['companyName', null]);
    expect(mapping.duplicates).toEqual(['companyName']);
  });

  it('normalises headers', () => {
    expect(normaliseHeader('  Fiabilité de l’E-MAIL ')).toBe('fiabilite de l e mail');
  });
});
