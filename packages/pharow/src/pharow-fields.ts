/**
 * The canonical fields of a Pharow export, grouped by the entity they feed: the company, the
 * person, and the position (that person at that company, with the e-mail address).
 */
export const PHAROW_FIELDS = [
  'companyPharowId',
  'companyName',
  'siren',
  'siret',
  'nafCode',
  'companyWebsite',
  'companyDomain',
  'companyLinkedinUrl',
  'employeeRange',
  'companyAddress',
  'companyPostalCode',
  'companyCity',
  'companyCountry',
  'personPharowId',
  'firstName',
  'lastName',
  'personLinkedinUrl',
  'personCity',
  'jobTitle',
  'email',
  'emailStatus',
  'emailReliability',
  'listName',
] as const;
export type PharowField = (typeof PHAROW_FIELDS)[number];

/** Columns a file must have (a header may be spelled any way `PHAROW_HEADER_ALIASES` knows). */
export const REQUIRED_PHAROW_FIELDS: readonly PharowField[] = [
  'companyName',
  'firstName',
  'lastName',
  'email',
];

/**
 * The header spellings each field is recognised by, French and English, compared after
 * normalisation (`normaliseHeader`: accents removed, lower case, punctuation as spaces).
 */
export const PHAROW_HEADER_ALIASES: Readonly<Record<PharowField, readonly string[]>> = {
  companyPharowId: [
    'company id',
    'pharow company id',
    'id entreprise',
    'id societe',
    'entreprise id',
  ],
  companyName: [
    'company',
    'company name',
    'entreprise',
    'nom entreprise',
    'nom de l entreprise',
    'societe',
    'raison sociale',
    'denomination',
  ],
  siren: ['siren', 'numero siren', 'siren number'],
  siret: ['siret', 'numero siret', 'siret number', 'siret siege', 'siret du siege'],
  nafCode: ['naf', 'naf code', 'code naf', 'ape', 'code ape', 'naf ape', 'code naf ape'],
  companyWebsite: ['website', 'company website', 'site web', 'site internet', 'url site web'],
  companyDomain: ['domain', 'company domain', 'domaine', 'nom de domaine'],
  companyLinkedinUrl: [
    'company linkedin',
    'company linkedin url',
    'linkedin entreprise',
    'url linkedin entreprise',
  ],
  employeeRange: [
    'employees',
    'employee range',
    'headcount',
    'company size',
    'effectif',
    'tranche effectif',
    'tranche d effectif',
    'taille entreprise',
  ],
  companyAddress: [
    'address',
    'company address',
    'adresse',
    'adresse entreprise',
    'adresse du siege',
  ],
  companyPostalCode: ['postal code', 'zip', 'zip code', 'code postal', 'cp'],
  companyCity: ['city', 'company city', 'ville', 'ville entreprise', 'commune'],
  companyCountry: ['country', 'company country', 'pays'],
  personPharowId: ['person id', 'contact id', 'pharow person id', 'id contact', 'id personne'],
  firstName: ['first name', 'firstname', 'prenom'],
  lastName: ['last name', 'lastname', 'surname', 'nom', 'nom de famille'],
  personLinkedinUrl: [
    'linkedin',
    'linkedin url',
    'person linkedin',
    'contact linkedin',
    'profil linkedin',
    'url linkedin',
    'linkedin contact',
  ],
  personCity: ['contact city', 'person city', 'ville contact', 'localisation contact'],
  jobTitle: ['job title', 'title', 'position', 'poste', 'intitule de poste', 'fonction'],
  email: ['email', 'e mail', 'email address', 'professional email', 'adresse email', 'email pro'],
  emailStatus: ['email status', 'statut email', 'statut de l email', 'email verification'],
  emailReliability: [
    'email reliability',
    'reliability',
    'fiabilite email',
    'fiabilite',
    'score email',
    'email score',
  ],
  listName: ['list', 'list name', 'liste', 'nom de la liste', 'pharow list'],
};
