import { ApiHarness } from './support/api-harness.js';
import { memberWithRole, organisationWithData, type OrgFixture } from './support/fixtures.js';

interface OrganisationBody {
  id: string;
  name: string;
  role: string;
}

describe('GET /organisations: the caller organisations (e2e)', () => {
  let api: ApiHarness;
  let a: OrgFixture;
  let b: OrgFixture;

  beforeAll(async () => {
    api = await ApiHarness.start();
    a = await organisationWithData(api, 'alice@a.fr', 'Alpha');
    b = await organisationWithData(api, 'bruno@b.fr', 'Bravo');
  });

  afterAll(async () => {
    await api.stop();
  });

  it('lists every organisation the caller is an active member of, with the role there', async () => {
    const both = await memberWithRole(api, b, 'alice@a.fr', 'viewer');
    const response = await api.request<OrganisationBody[]>('GET', '/organisations', {
      token: both.token,
    });
    expect(response.status).toBe(200);
    expect(response.body.map(({ id, name, role }) => ({ id, name, role }))).toEqual([
      { id: a.organisationId, name: 'Alpha', role: 'owner' },
      { id: b.organisationId, name: 'Bravo', role: 'viewer' },
    ]);
  });

  it('shows nothing of organisations the caller does not belong to', async () => {
    const response = await api.request<OrganisationBody[]>('GET', '/organisations', {
      token: b.owner.token,
    });
    expect(response.body.map((organisation) => organisation.id)).toEqual([b.organisationId]);
  });

  it('answers an empty list to a new user and leaves out suspended memberships', async () => {
    const newcomer = await api.user('nina@new.fr');
    expect(await api.request('GET', '/organisations', { token: newcomer.token })).toMatchObject({
      status: 200,
      body: [],
    });

    const suspended = await memberWithRole(api, a, 'sam@a.fr', 'member');
    await api.admin.query(
      `UPDATE iam.organisation_users SET status = 'suspended' WHERE user_id = $1`,
      [suspended.id],
    );
    expect(await api.request('GET', '/organisations', { token: suspended.token })).toMatchObject({
      status: 200,
      body: [],
    });
  });

  it('needs a token', async () => {
    expect((await api.request('GET', '/organisations')).status).toBe(401);
  });
});
