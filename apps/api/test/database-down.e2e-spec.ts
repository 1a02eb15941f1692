import { freePort } from '@outreach/devstack';
import { mintDevToken } from '@outreach/tenancy/http';
import { DEV_AUTH_JWT_SECRET } from '../src/config/api-config.schema.js';
import { ApiHarness } from './support/api-harness.js';

describe('database unavailable (e2e)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await ApiHarness.start({
      DATABASE_URL: `postgres://outreach_app_user:x@127.0.0.1:${await freePort()}/none`,
    });
  });

  afterAll(async () => {
    await api.stop();
  });

  it('starts anyway and answers 503, not 500, to authenticated routes', async () => {
    const token = await mintDevToken({ secret: DEV_AUTH_JWT_SECRET, email: 'a@b.fr' });
    const response = await api.request<{ message: string }>('POST', '/organisations', {
      token,
      body: { name: 'X' },
    });
    expect([response.status, response.body.message]).toEqual([
      503,
      'database unavailable, retry later',
    ]);
    expect((await api.request('GET', '/health/live')).status).toBe(200);
  });
});
