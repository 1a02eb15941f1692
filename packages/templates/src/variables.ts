/**
 * The variables a template may use, by their Liquid name (`{{ person.first_name }}`). Names are
 * snake_case, grouped by where the value comes from. A template naming anything else is refused
 * when it is saved (analyse lists the unknown names).
 */
export const TEMPLATE_VARIABLES = {
  'person.first_name': 'the prospect’s first name (crm.people.first_name)',
  'person.last_name': 'the prospect’s last name (crm.people.last_name)',
  'person.full_name': 'first and last name, separated by a space (either may be absent)',
  'position.title': 'the prospect’s job title at the company (crm.positions.title)',
  'position.email': 'the address the e-mail is sent to (crm.positions.email)',
  'company.name': 'the company’s name (crm.companies.name)',
  'company.city': 'the company’s city (crm.companies.city)',
  'company.domain': 'the company’s domain, e.g. example.fr (crm.companies.domain)',
  'company.website_url': 'the company’s website (crm.companies.website_url)',
  'company.naf_code': 'the company’s NAF/APE code, e.g. 62.01Z (crm.companies.naf_code)',
  'sender.name': 'the sending mailbox’s display name (delivery.mailboxes.display_name)',
  'sender.email': 'the sending mailbox’s address (delivery.mailboxes.email_address)',
  unsubscribe_url: 'the prospect’s one-click unsubscribe link',
} as const;

export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

export const TEMPLATE_VARIABLE_NAMES = Object.keys(TEMPLATE_VARIABLES) as TemplateVariable[];

/** Values for one prospect; an absent or null value is "missing" (render reports it). */
export type TemplateValues = Partial<Record<TemplateVariable, string | null>>;

export function isTemplateVariable(name: string): name is TemplateVariable {
  return Object.hasOwn(TEMPLATE_VARIABLES, name);
}

/** The fields of crm.people buildVariables reads (a Person entity fits). */
export interface PersonFields {
  firstName: string | null;
  lastName: string | null;
}

/** The fields of crm.positions buildVariables reads (a Position entity fits). */
export interface PositionFields {
  title: string | null;
  email: string | null;
}

/** The fields of crm.companies buildVariables reads (a Company entity fits). */
export interface CompanyFields {
  name: string;
  city: string | null;
  domain: string | null;
  websiteUrl: string | null;
  nafCode: string | null;
}

/** The fields of delivery.mailboxes buildVariables reads (a Mailbox entity fits). */
export interface MailboxFields {
  displayName: string | null;
  emailAddress: string;
}

export interface VariableSources {
  person?: PersonFields | null | undefined;
  position?: PositionFields | null | undefined;
  company?: CompanyFields | null | undefined;
  mailbox?: MailboxFields | null | undefined;
  unsubscribeUrl?: string | null | undefined;
}

/** Blank text counts as no value. */
function present(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** The catalogue's values for one prospect, from the rows the engine has at send time. */
export function buildVariables(sources: VariableSources): TemplateValues {
  const { person, position, company, mailbox } = sources;
  const first = present(person?.firstName);
  const last = present(person?.lastName);
  const full = [first, last].filter((part) => part !== null).join(' ');
  return {
    'person.first_name': first,
    'person.last_name': last,
    'person.full_name': present(full),
    'position.title': present(position?.title),
    'position.email': present(position?.email),
    'company.name': present(company?.name),
    'company.city': present(company?.city),
    'company.domain': present(company?.domain),
    'company.website_url': present(company?.websiteUrl),
    'company.naf_code': present(company?.nafCode),
    'sender.name': present(mailbox?.displayName),
    'sender.email': present(mailbox?.emailAddress),
    unsubscribe_url: present(sources.unsubscribeUrl),
  };
}
