import { SignJWT } from 'jose';
import { mintDevToken } from '@outreach/tenancy/http';
import { DEV_AUTH_JWT_SECRET } from '../src/config/api-config.schema.js';
import { ApiHarness } from './support/api-harness.js';

describe('authentication (e2e)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start();
    await api.user('known@example.fr');
  });

  afterAll(async () => {
    await api.stop();
  });

  const create = (headers: Record<string, string>) =>
    api.request<{ message: string }>('POST', '/organisations', { headers, body: { name: 'X' } });

  it.each([
    [{}, 'missing Authorization header: expected `Bearer <token>`'],
    [
      { authorization: 'Basic a2V5OnNlY3JldA==' },
      'malformed Authorization header: expected `Bearer <token>`',
    ],
    [
      { authorization: 'Bearer not-a-jwt' },
      'malformed Authorization header: expected `Bearer <token>`',
    ],
    [{ authorization: 'Bearer aaa.bbb.ccc' }, 'malformed token'],
  ])('refuses %j with 401', async (headers, message) => {
    const response = await create(headers);
    expect(response.status).toBe(401);
    expect(response.body.message).toBe(message);
  });

  it('refuses an expired token', async () => {
    const token = await mintDevToken({
      secret: DEV_AUTH_JWT_SECRET,
      email: 'known@example.fr',
      expiresInSeconds: -120,
    });
    const response = await create({ authorization: `Bearer ${token}` });
    expect([response.status, response.body.message]).toEqual([401, 'token expired']);
  });

  it('refuses a token signed with another secret', async () => {
    const token = await mintDevToken({
      secret: 'another-secret-another-secret-another',
      email: 'known@example.fr',
    });
    const response = await create({ authorization: `Bearer ${token}` });
    expect([response.status, response.body.message]).toEqual([401, 'token signature invalid']);
  });

  it('refuses a token with an algorithm that is not pinned', async () => {
    const token = await new SignJWT({ email: 'known@example.fr' })
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('x')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(DEV_AUTH_JWT_SECRET));
    const response = await create({ authorization: `Bearer ${token}` });
    expect([response.status, response.body.message]).toEqual([
      401,
      'token algorithm not allowed: expected HS256',
    ]);
  });

  it('refuses a valid token for an e-mail that is no user', async () => {
    const token = await mintDevToken({ secret: DEV_AUTH_JWT_SECRET, email: 'stranger@example.fr' });
    const response = await create({ authorization: `Bearer ${token}` });
    expect([response.status, response.body.message]).toEqual([
      401,
      'no user with e-mail stranger@example.fr',
    ]);
  });

  it('maps the e-mail claim case-insensitively and lets the user create an organisation', async () => {
    const token = await mintDevToken({ secret: DEV_AUTH_JWT_SECRET, email: 'KNOWN@Example.FR' });
    const response = await api.request<{ role: string; slug: string }>('POST', '/organisations', {
      token,
      body: { name: 'Équipe Ventes' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ role: 'owner', slug: 'equipe-ventes' });
  });

  it('serves health, the OpenAPI document and Swagger UI without a token', async () => {
    expect((await api.request('GET', '/health/live')).status).toBe(200);
    const document = await api.request<{ paths: Record<string, unknown>; components: unknown }>(
      'GET',
      '/docs-json',
    );
    expect(document.status).toBe(200);
    expect(Object.keys(document.body.paths)).toContain('/organisations/{organisationId}/companies');
    expect(document.body.components).toMatchObject({
      securitySchemes: { bearer: { scheme: 'bearer' } },
    });
    const paths = document.body.paths as Record<
      string,
      Record<string, { operationId: string; parameters?: { name: string; in: string }[] }>
    >;
    const operations = Object.values(paths).flatMap((methods) => Object.values(methods));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    const listCompanies = paths['/organisations/{organisationId}/companies']?.get;
    expect(
      listCompanies?.parameters
        ?.filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['cursor', 'direction', 'domain', 'limit', 'pharowCompanyId', 'siren', 'sort']);
    const ui = await api.request('GET', '/docs');
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
  });
});
