import { ApiHarness } from './support/api-harness.js';
import { organisationWithData, type OrgFixture } from './support/fixtures.js';

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: { field: string; messages: string[] }[];
}

describe('bad input (e2e): 4xx with a message, never a 500, never a partial write', () => {
  let api: ApiHarness;
  let org: OrgFixture;
  let base: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    org = await organisationWithData(api, 'owner@bad.example.fr', 'Bad');
    base = `/organisations/${org.organisationId}`;
  });

  afterAll(async () => {
    await api.stop();
  });

  const post = (
    path: string,
    options: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
  ) => api.request<ErrorBody>('POST', `${base}${path}`, { token: org.owner.token, ...options });

  it('lists each bad field of a company (SIREN Luhn, NAF, URL, lengths, e-mail)', async () => {
    const response = await post('/companies', {
      body: {
        name: 'x'.repeat(301),
        siren: '732829321',
        nafCode: '6201Z',
        websiteUrl: 'not a url',
        employeeRange: '7-8',
        country: 'France',
      },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors?.map((e) => e.field).sort()).toEqual(
      ['country', 'employeeRange', 'nafCode', 'name', 'siren', 'websiteUrl'].sort(),
    );
    expect(response.body.message).toContain(
      'siren: siren must be 9 digits with a valid Luhn checksum',
    );
    expect(response.body.message).toContain('nafCode: nafCode must look like 62.01Z (NN.NNX)');
    const position = await post('/positions', {
      body: {
        personId: org.personId,
        companyId: org.companyId,
        email: 'not-an-email',
        emailReliability: 101,
      },
    });
    expect(position.status).toBe(400);
    expect(position.body.errors?.map((e) => e.field).sort()).toEqual(['email', 'emailReliability']);
  });

  it('refuses unknown fields, including an organisationId smuggled into the body', async () => {
    const response = await post('/companies', {
      body: { name: 'Sneaky', organisationId: org.organisationId, color: 'red' },
    });
    expect(response.status).toBe(400);
    expect(response.body.message).toContain('property organisationId should not exist');
    expect(response.body.message).toContain('property color should not exist');
  });

  it('refuses wrong types without coercing them', async () => {
    const response = await post('/companies', { body: { name: 42 } });
    expect(response.status).toBe(400);
    expect(response.body.errors?.[0]?.field).toBe('name');
    const query = await api.request<ErrorBody>('GET', `${base}/companies?limit=abc`, {
      token: org.owner.token,
    });
    expect(query.status).toBe(400);
    const tooMany = await api.request<ErrorBody>('GET', `${base}/companies?limit=101`, {
      token: org.owner.token,
    });
    expect(tooMany.status).toBe(400);
    const unknownQuery = await api.request<ErrorBody>('GET', `${base}/companies?evil=1`, {
      token: org.owner.token,
    });
    expect(unknownQuery.status).toBe(400);
  });

  it('answers 400 to garbage JSON and to a body that is not an object', async () => {
    const garbage = await post('/companies', { rawBody: '{"name": "x",' });
    expect(garbage.status).toBe(400);
    expect(garbage.body.message).toMatch(/JSON/i);
    const array = await post('/companies', { body: [1, 2] });
    expect(array.status).toBe(400);
  });

  it('answers 413 to a payload over the 1 MiB body limit', async () => {
    const response = await post('/companies', {
      body: { name: 'big', addressLine1: 'x'.repeat(1_100_000) },
    });
    expect(response.status).toBe(413);
  });

  it('answers 400 to an id that is not a UUID', async () => {
    const company = await api.request<ErrorBody>('GET', `${base}/companies/not-a-uuid`, {
      token: org.owner.token,
    });
    expect(company.status).toBe(400);
    expect(company.body.message).toMatch(/uuid/i);
    const organisation = await api.request<ErrorBody>('GET', '/organisations/not-a-uuid', {
      token: org.owner.token,
    });
    expect(organisation.status).toBe(400);
    expect(organisation.body.message).toBe('organisationId must be a UUID');
  });

  it('answers 409 to a duplicate, naming the constraint, and writes nothing', async () => {
    expect(
      (await post('/companies', { body: { name: 'First', pharowCompanyId: 'ph-1' } })).status,
    ).toBe(201);
    const before = await api.count('crm.companies', org.organisationId);
    const duplicate = await post('/companies', {
      body: { name: 'Second', pharowCompanyId: 'ph-1' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.message).toContain('companies_pharow_company_id_key');
    expect(await api.count('crm.companies', org.organisationId)).toBe(before);
    const person = await post('/people', { body: { lastName: 'Dup' } });
    const first = await post('/positions', {
      body: { personId: (person.body as unknown as { id: string }).id, companyId: org.companyId },
    });
    expect(first.status).toBe(201);
    const again = await post('/positions', {
      body: { personId: (person.body as unknown as { id: string }).id, companyId: org.companyId },
    });
    expect(again.status).toBe(409);
  });

  it('answers 409 to a position e-mail already used in the organisation, case-insensitively', async () => {
    const personId = async (lastName: string): Promise<string> =>
      ((await post('/people', { body: { lastName } })).body as unknown as { id: string }).id;
    const first = await post('/positions', {
      body: {
        personId: await personId('Mail-one'),
        companyId: org.companyId,
        email: 'jeanne@acme.fr',
      },
    });
    expect(first.status).toBe(201);
    const before = await api.count('crm.positions', org.organisationId);
    const duplicate = await post('/positions', {
      body: {
        personId: await personId('Mail-two'),
        companyId: org.companyId,
        email: 'Jeanne@ACME.fr',
      },
    });
    expect(duplicate.status).toBe(409);
    // The key is on email_key (lower(email), V20251231_200000); the answer still names email.
    expect(duplicate.body.message).toBe(
      'email already exists on positions (constraint positions_email_key)',
    );
    expect(await api.count('crm.positions', org.organisationId)).toBe(before);
  });

  it('answers 409 to an organisation slug that is taken', async () => {
    const first = await api.request('POST', '/organisations', {
      token: org.owner.token,
      body: { name: 'One', slug: 'taken-slug' },
    });
    expect(first.status).toBe(201);
    const second = await api.request<ErrorBody>('POST', '/organisations', {
      token: org.owner.token,
      body: { name: 'Two', slug: 'taken-slug' },
    });
    expect(second.status).toBe(409);
  });

  it("answers 422 to a position pointing at a company that is not this organisation's", async () => {
    const other = await organisationWithData(api, 'owner@other.example.fr', 'Other');
    const before = await api.count('crm.positions', org.organisationId);
    const response = await post('/positions', {
      body: { personId: org.personId, companyId: other.companyId },
    });
    expect(response.status).toBe(422);
    expect(response.text).not.toContain('Other company');
    expect(await api.count('crm.positions', org.organisationId)).toBe(before);
  });

  it('answers 404 to a resource that does not exist, and 400 to an empty name on update', async () => {
    const missing = await api.request(
      'PATCH',
      `${base}/companies/7b3f1c2e-1111-4000-8000-000000000000`,
      {
        token: org.owner.token,
        body: { name: 'x' },
      },
    );
    expect(missing.status).toBe(404);
    const empty = await api.request<ErrorBody>('PATCH', `${base}/companies/${org.companyId}`, {
      token: org.owner.token,
      body: { name: '' },
    });
    expect(empty.status).toBe(400);
  });
});
