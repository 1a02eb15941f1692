import { connect } from 'node:net';
import pg from 'pg';
import {
  TEMPLATE_DATABASE,
  createTestDatabase,
  startTestServices,
  stopTestServices,
  testAdminUrl,
  testRedisUrl,
} from './test-services.js';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function redisPing(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.end();
      resolve(data.toString('utf8').trim());
    });
    socket.once('error', reject);
  });
}

describe('the test harness', () => {
  const previousRedisUrl = process.env.REDIS_URL;

  beforeAll(async () => {
    delete process.env.REDIS_URL; // spawn our own Redis, as on a machine without one
    await startTestServices({
      redis: true,
      prepareTemplate: async (url) => {
        await query(
          url,
          'CREATE TABLE marker (note text); INSERT INTO marker VALUES ($$template$$)',
        );
      },
    });
  }, 60_000);

  afterAll(async () => {
    await stopTestServices();
    if (previousRedisUrl !== undefined) process.env.REDIS_URL = previousRedisUrl;
  });

  it('runs PostgreSQL 18 and a Redis of its own', async () => {
    const [version] = await query<{ server_version_num: string }>(
      testAdminUrl(),
      'SHOW server_version_num',
    );
    expect(Number(version?.server_version_num) / 10_000).toBeGreaterThanOrEqual(18);
    expect(await redisPing(testRedisUrl())).toBe('+PONG');
  });

  it('clones the prepared template into isolated databases, and drops them', async () => {
    const a = await createTestDatabase();
    const b = await createTestDatabase();
    try {
      expect(a.name).not.toBe(b.name);
      expect(await query(a.url, 'SELECT note FROM marker')).toEqual([{ note: 'template' }]);
      await query(a.url, "INSERT INTO marker VALUES ('only in a')");
      expect(await query(b.url, 'SELECT note FROM marker')).toEqual([{ note: 'template' }]);
      const empty = await createTestDatabase({ empty: true });
      await expect(query(empty.url, 'SELECT 1 FROM marker')).rejects.toThrow(/does not exist/);
      await empty.drop();
    } finally {
      await a.drop();
      await b.drop();
    }
    const left = await query<{ datname: string }>(
      testAdminUrl(),
      `SELECT datname FROM pg_database WHERE datname IN ('${a.name}', '${b.name}')`,
    );
    expect(left).toEqual([]);
    expect(
      await query(
        testAdminUrl(),
        `SELECT 1 FROM pg_database WHERE datname = '${TEMPLATE_DATABASE}'`,
      ),
    ).toHaveLength(1);
  });
});
