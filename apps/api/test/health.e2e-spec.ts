import { freePort } from '@outreach/devstack';
import { createHttpApp } from '@outreach/service-kit/http';
import { HttpServiceHarness, getHealth, silentLog, testServiceEnv } from '@outreach/testing/http';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@outreach/testing';
import { apiService } from '../src/api.definition.js';

describe('api health (e2e)', () => {
  const harness = new HttpServiceHarness(apiService);
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  afterEach(() => harness.closeAll());

  it('answers ready with PostgreSQL and Redis up', async () => {
    const url = await harness.boot(testServiceEnv(database.url));
    const { status, body } = await getHealth(`${url}/health/ready`);
    expect(status).toBe(200);
    expect(body.status).toBe('ok');
    expect(body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('answers live', async () => {
    const url = await harness.boot(testServiceEnv(database.url));
    expect((await getHealth(`${url}/health/live`)).status).toBe(200);
  });

  it('answers 503 naming Redis when Redis does not answer', async () => {
    const env = testServiceEnv(database.url, {
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
    });
    const url = await harness.boot(env);
    const { status, body } = await getHealth(`${url}/health/ready`);
    expect(status).toBe(503);
    expect(body.details.redis?.status).toBe('down');
    expect(body.details.database?.status).toBe('up');
  });

  it('answers 503 naming the database when PostgreSQL does not answer', async () => {
    const deadDatabase = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`;
    const url = await harness.boot(testServiceEnv(deadDatabase));
    const { status, body } = await getHealth(`${url}/health/ready`);
    expect(status).toBe(503);
    expect(body.details.database?.status).toBe('down');
    expect(body.details.redis?.status).toBe('up');
  });

  it('refuses to start with a bad environment, naming each variable', async () => {
    const env = { REDIS_URL: testRedisUrl(), PORT: '70000' };
    await expect(createHttpApp(apiService, env, { logDestination: silentLog })).rejects.toThrow(
      'Invalid configuration: PORT: expected a number between 1 and 65535; DATABASE_URL: required',
    );
  });
});
