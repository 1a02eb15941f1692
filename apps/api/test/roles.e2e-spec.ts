import { ApiHarness } from './support/api-harness.js';
import { memberWithRole, organisationWithData, type OrgFixture } from './support/fixtures.js';

describe('roles and memberships (e2e)', () => {
  let api: ApiHarness;
  let org: OrgFixture;
  let viewer: { id: string; token: string };
  let member: { id: string; token: string };
  let admin: { id: string; token: string };
  let base: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    org = await organisationWithData(api, 'owner@roles.example.fr', 'Roles');
    viewer = await memberWithRole(api, org, 'viewer@roles.example.fr', 'viewer');
    member = await memberWithRole(api, org, 'member@roles.example.fr', 'member');
    admin = await memberWithRole(api, org, 'admin@roles.example.fr', 'admin');
    base = `/organisations/${org.organisationId}`;
  });

  afterAll(async () => {
    await api.stop();
  });

  it('lets a viewer read everything and write nothing (403, nothing written)', async () => {
    for (const path of [
      '',
      '/members',
      '/companies',
      '/people',
      '/positions',
      `/companies/${org.companyId}`,
    ]) {
      expect((await api.request('GET', `${base}${path}`, { token: viewer.token })).status).toBe(
        200,
      );
    }
    const before = await api.count('crm.companies', org.organisationId);
    const writes: [string, string, unknown][] = [
      ['PATCH', '', { name: 'Hijacked' }],
      ['POST', '/companies', { name: 'Nope' }],
      ['PATCH', `/companies/${org.companyId}`, { name: 'Nope' }],
      ['DELETE', `/companies/${org.companyId}`, undefined],
      ['POST', '/people', { lastName: 'Nope' }],
      ['DELETE', `/positions/${org.positionId}`, undefined],
      ['POST', '/members', { email: 'x@roles.example.fr' }],
    ];
    for (const [method, path, body] of writes) {
      const response = await api.request<{ message: string }>(method, `${base}${path}`, {
        token: viewer.token,
        body,
      });
      expect({ call: `${method} ${path}`, status: response.status }).toEqual({
        call: `${method} ${path}`,
        status: 403,
      });
      expect(response.body.message).toMatch(/^your role "viewer" does not grant "\w+:write"/);
    }
    expect(await api.count('crm.companies', org.organisationId)).toBe(before);
  });

  it('lets a member write the CRM but not manage members or the organisation', async () => {
    expect(
      (
        await api.request('POST', `${base}/companies`, {
          token: member.token,
          body: { name: 'By member' },
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await api.request('POST', `${base}/members`, {
          token: member.token,
          body: { email: 'y@roles.example.fr' },
        })
      ).status,
    ).toBe(403);
    expect(
      (await api.request('PATCH', base, { token: member.token, body: { name: 'Nope' } })).status,
    ).toBe(403);
  });

  it('lets an admin manage members but not grant or take the owner role', async () => {
    const added = await api.request<{ role: string; status: string }>('POST', `${base}/members`, {
      token: admin.token,
      body: { email: 'Newcomer@Roles.example.fr' },
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({
      role: 'member',
      status: 'active',
      email: 'Newcomer@Roles.example.fr',
    });
    const promote = await api.request('PATCH', `${base}/members/${member.id}`, {
      token: admin.token,
      body: { role: 'owner' },
    });
    expect(promote.status).toBe(403);
    const demoteOwner = await api.request('PATCH', `${base}/members/${org.owner.id}`, {
      token: admin.token,
      body: { role: 'viewer' },
    });
    expect(demoteOwner.status).toBe(403);
  });

  it('refuses to add the same member twice (409)', async () => {
    const response = await api.request<{ message: string }>('POST', `${base}/members`, {
      token: org.owner.token,
      body: { email: 'VIEWER@roles.example.fr', role: 'viewer' },
    });
    expect(response.status).toBe(409);
    expect(response.body.message).toBe(
      'VIEWER@roles.example.fr is already a member of this organisation',
    );
  });

  it('never removes or demotes the last owner (409), but does once there is another', async () => {
    const remove = await api.request<{ message: string }>(
      'DELETE',
      `${base}/members/${org.owner.id}`,
      { token: org.owner.token },
    );
    expect(remove.status).toBe(409);
    expect(remove.body.message).toBe(
      'the last owner cannot be removed: make another member owner first',
    );
    const demote = await api.request('PATCH', `${base}/members/${org.owner.id}`, {
      token: org.owner.token,
      body: { role: 'admin' },
    });
    expect(demote.status).toBe(409);

    expect(
      (
        await api.request('PATCH', `${base}/members/${admin.id}`, {
          token: org.owner.token,
          body: { role: 'owner' },
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await api.request('PATCH', `${base}/members/${org.owner.id}`, {
          token: org.owner.token,
          body: { role: 'admin' },
        })
      ).status,
    ).toBe(200);
  });

  it('takes access away on the next request when a member is removed (no cached decision)', async () => {
    expect((await api.request('GET', base, { token: viewer.token })).status).toBe(200);
    expect(
      (await api.request('DELETE', `${base}/members/${viewer.id}`, { token: admin.token })).status,
    ).toBe(204);
    expect((await api.request('GET', base, { token: viewer.token })).status).toBe(404);
  });

  it('treats suspended and invited memberships as no membership (404)', async () => {
    await api.admin.query(
      `UPDATE iam.organisation_users SET status = 'suspended' WHERE organisation_id = $1 AND user_id = $2`,
      [org.organisationId, member.id],
    );
    expect((await api.request('GET', base, { token: member.token })).status).toBe(404);
    await api.admin.query(
      `UPDATE iam.organisation_users SET status = 'invited' WHERE organisation_id = $1 AND user_id = $2`,
      [org.organisationId, member.id],
    );
    expect((await api.request('GET', base, { token: member.token })).status).toBe(404);
  });

  it('answers 404, not 403, for an organisation that does not exist', async () => {
    const response = await api.request(
      'GET',
      '/organisations/6f1c2c5e-0000-4000-8000-000000000000',
      { token: org.owner.token },
    );
    expect(response.status).toBe(404);
  });
});
