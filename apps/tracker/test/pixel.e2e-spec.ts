import { freePort } from '@outreach/devstack';
import { HttpServiceHarness, getHealth, testServiceEnv } from '@outreach/testing/http';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { TRANSPARENT_GIF } from '../src/pixel/transparent-gif.js';
import { trackerService } from '../src/tracker.definition.js';

describe('tracker (e2e)', () => {
  const harness = new HttpServiceHarness(trackerService);
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database.drop();
  });

  afterEach(() => harness.closeAll());

  async function pixel(url: string): Promise<Response> {
    return fetch(url, { headers: { connection: 'close', 'user-agent': 'Mozilla/5.0' } });
  }

  it('answers ready with PostgreSQL and Redis up', async () => {
    const url = await harness.boot(testServiceEnv(database.url));
    const { status, body } = await getHealth(`${url}/health/ready`);
    expect(status).toBe(200);
    expect(body.details).toMatchObject({ database: { status: 'up' }, redis: { status: 'up' } });
  });

  it('serves a 1x1 transparent GIF that is never cached', async () => {
    const url = await harness.boot(testServiceEnv(database.url));
    const response = await pixel(`${url}/p/0000000000000000-abcdefabcdefabcdefabcdef.gif`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/gif');
    expect(response.headers.get('cache-control')).toContain('no-store');
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(TRANSPARENT_GIF)).toBe(true);
    expect(bytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
  });

  it('serves the image for a bogus token and while the database is down', async () => {
    const deadDatabase = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`;
    const url = await harness.boot(testServiceEnv(deadDatabase));
    expect((await getHealth(`${url}/health/ready`)).status).toBe(503);
    for (const token of ['not-a-token', '%00%ff', 'x'.repeat(500)]) {
      const response = await pixel(`${url}/p/${token}.gif`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/gif');
    }
  });
});
