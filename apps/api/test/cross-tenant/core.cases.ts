import { fresh, freshMember, type CrossTenantCases } from './cross-tenant-case.js';

/** Organisations, members and the CRM. */
export const CORE_CASES: CrossTenantCases = {
  'GET /organisations/:organisationId': () => Promise.resolve({ params: {} }),
  'PATCH /organisations/:organisationId': () =>
    Promise.resolve({ params: {}, body: { name: 'Renamed' } }),
  'GET /organisations/:organisationId/members': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/members': () =>
    Promise.resolve({
      params: {},
      body: { email: `new-${Math.random().toString(36).slice(2)}@example.fr`, role: 'viewer' },
    }),
  'PATCH /organisations/:organisationId/members/:userId': async (f, api) => ({
    params: { userId: await freshMember(api, f) },
    body: { role: 'viewer' },
  }),
  'DELETE /organisations/:organisationId/members/:userId': async (f, api) => ({
    params: { userId: await freshMember(api, f) },
  }),
  'GET /organisations/:organisationId/companies': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/companies': () =>
    Promise.resolve({ params: {}, body: { name: 'New company' } }),
  'GET /organisations/:organisationId/companies/:companyId': (f) =>
    Promise.resolve({ params: { companyId: f.companyId } }),
  'PATCH /organisations/:organisationId/companies/:companyId': (f) =>
    Promise.resolve({ params: { companyId: f.companyId }, body: { city: 'Lyon' } }),
  'DELETE /organisations/:organisationId/companies/:companyId': async (f, api) => ({
    params: { companyId: await fresh(api, f, 'companies', { name: 'Doomed' }) },
  }),
  'GET /organisations/:organisationId/people': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/people': () =>
    Promise.resolve({ params: {}, body: { lastName: 'Durand' } }),
  'GET /organisations/:organisationId/people/:personId': (f) =>
    Promise.resolve({ params: { personId: f.personId } }),
  'PATCH /organisations/:organisationId/people/:personId': (f) =>
    Promise.resolve({ params: { personId: f.personId }, body: { city: 'Nantes' } }),
  'DELETE /organisations/:organisationId/people/:personId': async (f, api) => ({
    params: { personId: await fresh(api, f, 'people', { lastName: 'Doomed' }) },
  }),
  'GET /organisations/:organisationId/positions': () => Promise.resolve({ params: {} }),
  'POST /organisations/:organisationId/positions': async (f, api) => ({
    params: {},
    body: {
      personId: await fresh(api, f, 'people', { lastName: 'Other' }),
      companyId: f.companyId,
      title: 'CTO',
    },
  }),
  'GET /organisations/:organisationId/positions/:positionId': (f) =>
    Promise.resolve({ params: { positionId: f.positionId } }),
  'PATCH /organisations/:organisationId/positions/:positionId': (f) =>
    Promise.resolve({ params: { positionId: f.positionId }, body: { title: 'CFO' } }),
  'DELETE /organisations/:organisationId/positions/:positionId': async (f, api) => {
    const personId = await fresh(api, f, 'people', { lastName: 'Leaving' });
    return {
      params: {
        positionId: await fresh(api, f, 'positions', { personId, companyId: f.companyId }),
      },
    };
  },
};
