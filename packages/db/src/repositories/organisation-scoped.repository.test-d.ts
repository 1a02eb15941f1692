/**
 * Type-level test, checked by `tsc --noEmit` (pnpm typecheck), never run. Each
 * `@ts-expect-error` line is a call that must NOT compile: if one ever compiles, the
 * directive is unused and the typecheck fails (TS2578).
 */
import type { Person } from '../crm/person.entity.js';
import type { OrganisationId } from '../organisation-id.js';
import type { Repositories } from './repositories.factory.js';

declare const repos: Repositories;
declare const organisationId: OrganisationId;
declare const id: string;
declare const person: Person;

// Scoped calls compile.
void repos.companies.find(organisationId, id);
void repos.companies.list(organisationId, {
  limit: 50,
  sort: 'name',
  filters: { siren: '732829320' },
});
void repos.companies.create(organisationId, { name: 'Acme SAS' });
void repos.companies.update(organisationId, id, { name: 'Acme SA' });
void repos.companies.delete(organisationId, id);
void repos.organisations.find(organisationId);

// @ts-expect-error a read without the organisation
void repos.companies.find(id);
// @ts-expect-error a plain string is not an OrganisationId (no swapped arguments)
void repos.companies.find(id, id);
// @ts-expect-error a list without the organisation
void repos.companies.list();
// @ts-expect-error options in the organisation's place
void repos.companies.list({ limit: 10 });
// @ts-expect-error a create without the organisation
void repos.companies.create({ name: 'Acme SAS' });
// @ts-expect-error the data cannot carry an organisation of its own
void repos.companies.create(organisationId, { name: 'Acme SAS', organisationId: id });
// @ts-expect-error an update without the organisation
void repos.companies.update(id, { name: 'Acme SA' });
// @ts-expect-error a patch cannot move the row to another organisation
void repos.companies.update(organisationId, id, { organisationId: id });
// @ts-expect-error a patch cannot change the key
void repos.companies.update(organisationId, id, { id });
// @ts-expect-error a delete without the organisation
void repos.companies.delete(id);
// @ts-expect-error the organisation row itself is addressed by an OrganisationId only
void repos.organisations.find(id);
// @ts-expect-error no EntityManager on a repository: no raw, unscoped manager.find(Company)
export type LeakedManager = (typeof repos.companies)['manager'];
// @ts-expect-error relations are not writable through a repository
void repos.positions.create(organisationId, { person });
// @ts-expect-error only the CHECK-listed values of an enum column
void repos.positions.update(organisationId, id, { emailStatus: 'maybe' });
// @ts-expect-error only declared filters (backed by an organisation-first index)
void repos.companies.list(organisationId, { filters: { city: 'Paris' } });
// @ts-expect-error only declared sorts
void repos.companies.list(organisationId, { sort: 'city' });
