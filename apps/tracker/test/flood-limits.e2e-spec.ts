import { createDataSource, type OrganisationId } from '@outreach/db';
import { seedOrganisation, type OrganisationFixture } from '@outreach/db/testing';
import { RedisServer, freePort } from '@outreach/devstack';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { HttpServiceHarness, testServiceEnv } from '@outreach/testing/http';
import type { DataSource } from 'typeorm';
import { trackerService } from '../src/tracker.definition.js';
import {
  THUNDERBIRD,
  eventually,
  fetchPixel,
  inOrg,
  markSent,
  metricValue,
} from './support/tracker-fixtures.js';

/*
 * The flood limits across tracker processes: two trackers (one Redis, one PostgreSQL 18) count
 * a source's fetches of one pixel together, so the pair records the limit, not twice it; and
 * with the Redis of the shared counters killed, opens are still recorded on each process's
 * in-memory limit (counted as a failed check), never lost.
 */
const PIXEL_LIMIT = 3;
const FETCHES_PER_TRACKER = 4;

describe('flood limits shared by every tracker (e2e)', () => {
  const harness = new HttpServiceHarness(trackerService);
  let database: TestDatabase;
  let dataSource: DataSource;
  let org: OrganisationFixture;
  let redis: RedisServer;

  const totalOpens = async (): Promise<number> => {
    const id: OrganisationId = org.organisationId;
    const stats = await inOrg(dataSource, id, (repos) =>
      repos.openStats.forMessage(id, org.message.id),
    );
    return stats?.totalOpens ?? 0;
  };
  const metrics = async (url: string) =>
    (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
  const fetchFrom = async (url: string, times: number) => {
    for (let i = 0; i < times; i += 1) {
      const answer = await fetchPixel(`${url}/p/${org.pixel.token}.gif`, {
        'user-agent': THUNDERBIRD,
      });
      expect(answer.status).toBe(200);
    }
  };
  /** The counters are per minute: start well inside one so the fetches share a window. */
  const awayFromMinuteEdge = async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((r) => setTimeout(r, 60_500 - intoMinute));
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'tracker-flood-e2e' });
    await dataSource.initialize();
    redis = new RedisServer({ port: await freePort() });
    await redis.start();
  });

  afterEach(async () => {
    await harness.closeAll();
  });

  afterAll(async () => {
    await redis.stop();
    await dataSource.destroy();
    await database.drop();
  });

  const env = (redisUrl: string) =>
    testServiceEnv(database.appUrl, {
      REDIS_URL: redisUrl,
      OPEN_FLUSH_INTERVAL_MS: '50',
      OPEN_SHARED_LIMIT_TIMEOUT_MS: '300',
      OPEN_PIXEL_SOURCE_LIMIT_PER_MINUTE: String(PIXEL_LIMIT),
    });

  it('records one source’s fetches of a pixel up to the limit across two trackers, not per tracker', async () => {
    org = await seedOrganisation(dataSource, { name: 'flood-shared' });
    await markSent(dataSource, org.organisationId, org.message.id);
    const first = await harness.boot(env(redis.url));
    const second = await harness.boot(env(redis.url));
    await awayFromMinuteEdge();

    // Each tracker alone lets PIXEL_LIMIT of its FETCHES_PER_TRACKER through its memory.
    await fetchFrom(first, FETCHES_PER_TRACKER);
    await fetchFrom(second, FETCHES_PER_TRACKER);

    const ignored = async () =>
      metricValue(await metrics(first), 'tracker_opens_ignored_total', 'reason="rate_limited"') +
      metricValue(await metrics(second), 'tracker_opens_ignored_total', 'reason="rate_limited"');
    // 2 × PIXEL_LIMIT buffered, PIXEL_LIMIT of them over the shared limit.
    expect(await eventually(ignored, (count) => count >= PIXEL_LIMIT)).toBe(PIXEL_LIMIT);
    expect(await eventually(totalOpens, (count) => count >= PIXEL_LIMIT)).toBe(PIXEL_LIMIT);
    await new Promise((r) => setTimeout(r, 300));
    expect(await totalOpens()).toBe(PIXEL_LIMIT);
  });

  it('records opens on the in-memory limits when the shared counters’ Redis is killed', async () => {
    org = await seedOrganisation(dataSource, { name: 'flood-redis-down' });
    await markSent(dataSource, org.organisationId, org.message.id);
    const own = new RedisServer({ port: await freePort() });
    await own.start();
    const url = await harness.boot(env(own.url));
    await own.stop();
    await awayFromMinuteEdge();

    await fetchFrom(url, FETCHES_PER_TRACKER);

    expect(await eventually(totalOpens, (count) => count >= PIXEL_LIMIT)).toBe(PIXEL_LIMIT);
    expect(metricValue(await metrics(url), 'tracker_flood_check_failures_total')).toBeGreaterThan(
      0,
    );
  });
});
