import type { ApiHarness } from './api-harness.js';

export interface OrgFixture {
  organisationId: string;
  owner: { id: string; token: string };
  companyId: string;
  personId: string;
  positionId: string;
}

interface Created {
  id: string;
}

/** An organisation created through the api by `email` (its owner), with one company, person and position. */
export async function organisationWithData(
  api: ApiHarness,
  email: string,
  name: string,
): Promise<OrgFixture> {
  const owner = await api.user(email);
  const organisation = await api.request<Created>('POST', '/organisations', {
    token: owner.token,
    body: { name },
  });
  if (organisation.status !== 201) throw new Error(`create organisation: ${organisation.text}`);
  const base = `/organisations/${organisation.body.id}`;
  const post = async (path: string, body: unknown): Promise<string> => {
    const response = await api.request<Created>('POST', `${base}${path}`, {
      token: owner.token,
      body,
    });
    if (response.status !== 201) throw new Error(`POST ${path}: ${response.text}`);
    return response.body.id;
  };
  const companyId = await post('/companies', { name: `${name} company`, siren: '552100554' });
  const personId = await post('/people', { firstName: 'Camille', lastName: name });
  const positionId = await post('/positions', {
    personId,
    companyId,
    title: 'CEO',
    email: `ceo@${name.toLowerCase().replace(/\W+/g, '')}.fr`,
  });
  return { organisationId: organisation.body.id, owner, companyId, personId, positionId };
}

/** Adds a member with a role through the api (as the owner) and returns their token. */
export async function memberWithRole(
  api: ApiHarness,
  fixture: OrgFixture,
  email: string,
  role: 'admin' | 'member' | 'viewer' | 'owner',
): Promise<{ id: string; token: string }> {
  const user = await api.user(email);
  const response = await api.request('POST', `/organisations/${fixture.organisationId}/members`, {
    token: fixture.owner.token,
    body: { email, role },
  });
  if (response.status !== 201) throw new Error(`add member: ${response.text}`);
  return user;
}
