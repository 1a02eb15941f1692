import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { freePort } from '@outreach/devstack';
import { createHttpApp } from '@outreach/service-kit/http';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@outreach/testing';
import { apiService } from '../src/api.definition.js';

const silent = { write: (): void => undefined };

describe('api health (e2e)', () => {
  let database: TestDatabase;
  const open: NestFastifyApplication[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((app) => app.close()));
  });

  async function boot(overrides: Record<string, string | undefined> = {}): Promise<string> {
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: testRedisUrl(),
      LOG_LEVEL: 'warn',
      HEALTH_CHECK_TIMEOUT_MS: '500',
      ...overrides,
    };
    const { app } = await createHttpApp(apiService, env, { logDestination: silent });
    open.push(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    return app.getUrl();
  }

  it('answers ready with PostgreSQL and Redis up', async () => {
    const url = await boot();
    const response = await fetch(`${url}/health/ready`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { status: string; details: Record<string, unknown> };
    expect(body.status).toBe('ok');
    expect(body.details).toMatchObject({
      database: { status: 'up' },
      redis: { status: 'up' },
    });
  });

  it('answers live', async () => {
    const url = await boot();
    const response = await fetch(`${url}/health/live`);
    expect(response.status).toBe(200);
  });

  it('answers 503 naming Redis when Redis does not answer', async () => {
    const url = await boot({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const response = await fetch(`${url}/health/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { details: Record<string, { status: string }> };
    expect(body.details.redis?.status).toBe('down');
    expect(body.details.database?.status).toBe('up');
  });

  it('answers 503 naming the database when PostgreSQL does not answer', async () => {
    const url = await boot({
      DATABASE_URL: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`,
    });
    const response = await fetch(`${url}/health/ready`);
    expect(response.status).toBe(503);
    const body = (await response.json()) as { details: Record<string, { status: string }> };
    expect(body.details.database?.status).toBe('down');
    expect(body.details.redis?.status).toBe('up');
  });

  it('refuses to start without DATABASE_URL, naming it', async () => {
    await expect(
      createHttpApp(
        apiService,
        { REDIS_URL: testRedisUrl(), PORT: '70000' },
        {
          logDestination: silent,
        },
      ),
    ).rejects.toThrow(
      'Invalid configuration: PORT: expected a number between 1 and 65535; DATABASE_URL: required',
    );
  });
});
