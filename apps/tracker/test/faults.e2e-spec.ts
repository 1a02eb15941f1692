import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createDataSource, type OrganisationId } from '@outreach/db';
import { seedOrganisation, type OrganisationFixture } from '@outreach/db/testing';
import { freePort } from '@outreach/devstack';
import { createTestDatabase, testRedisUrl, type TestDatabase } from '@outreach/testing';
import { HttpServiceHarness, testServiceEnv } from '@outreach/testing/http';
import type { DataSource } from 'typeorm';
import { trackerService } from '../src/tracker.definition.js';
import { OwnPostgres } from './support/own-postgres.js';
import {
  eventually,
  fetchPixel,
  inOrg,
  markSent,
  metricValue,
} from './support/tracker-fixtures.js';

/*
 * Faults: PostgreSQL stopped and started again under a running tracker (opens wait in the
 * bounded buffer, what overflows is counted), and the tracker killed with SIGTERM as a real
 * process with opens still buffered (they are written before it exits).
 */
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const NO_LIMITS = { OPEN_SOURCE_LIMIT_PER_MINUTE: '0', OPEN_PIXEL_SOURCE_LIMIT_PER_MINUTE: '0' };

async function opens(url: string, token: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 50) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, () =>
        fetchPixel(`${url}/p/${token}.gif`),
      ),
    );
    expect(answers.every((answer) => answer.status === 200 && answer.type === 'image/gif')).toBe(
      true,
    );
  }
}

async function totalOpens(dataSource: DataSource, org: OrganisationFixture): Promise<number> {
  const id: OrganisationId = org.organisationId;
  const stats = await inOrg(dataSource, id, (repos) =>
    repos.openStats.forMessage(id, org.message.id),
  );
  return stats?.totalOpens ?? 0;
}

describe('tracker faults (e2e)', () => {
  describe('PostgreSQL stopped and restarted under the tracker', () => {
    const harness = new HttpServiceHarness(trackerService);
    let own: OwnPostgres;
    let dataSource: DataSource;
    let org: OrganisationFixture;
    let url: string;

    beforeAll(async () => {
      own = await OwnPostgres.start('tracker-outage-');
      dataSource = createDataSource({ url: own.appUrl, applicationName: 'tracker-outage-test' });
      await dataSource.initialize();
      org = await seedOrganisation(dataSource);
      await markSent(dataSource, org.organisationId, org.message.id);
      url = await harness.boot(
        testServiceEnv(own.appUrl, {
          ...NO_LIMITS,
          OPEN_FLUSH_INTERVAL_MS: '50',
          OPEN_BUFFER_CAPACITY: '1000',
        }),
      );
    }, 120_000);

    afterAll(async () => {
      await harness.closeAll();
      await dataSource.destroy();
      await own.stop();
    });

    it('keeps opens in the buffer while it is down, counts the overflow, and writes the rest when it returns', async () => {
      await opens(url, org.pixel.token, 20);
      expect(
        await eventually(
          () => totalOpens(dataSource, org),
          (n) => n === 20,
        ),
      ).toBe(20);

      await own.server.stop();
      await opens(url, org.pixel.token, 1_050);
      const metrics = async () =>
        (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();
      const during = await metrics();
      expect(metricValue(during, 'tracker_opens_received_total', 'outcome="overflow"')).toBe(50);
      expect(metricValue(during, 'tracker_open_buffer_size')).toBe(1_000);

      await own.server.start();
      expect(
        await eventually(
          () => totalOpens(dataSource, org),
          (n) => n === 1_020,
          30_000,
        ),
      ).toBe(1_020);
      const after = await metrics();
      expect(metricValue(after, 'tracker_open_buffer_size')).toBe(0);
      expect(metricValue(after, 'tracker_open_flush_failures_total')).toBeGreaterThan(0);
    }, 90_000);
  });

  describe('SIGTERM of the tracker process', () => {
    let database: TestDatabase;
    let dataSource: DataSource;
    let org: OrganisationFixture;
    let child: ChildProcess | undefined;

    beforeAll(async () => {
      if (!existsSync(MAIN)) {
        throw new Error(`${MAIN} is missing: run pnpm --filter @outreach/tracker build first`);
      }
      database = await createTestDatabase();
      dataSource = createDataSource({
        url: database.appUrl,
        applicationName: 'tracker-sigterm-test',
      });
      await dataSource.initialize();
      org = await seedOrganisation(dataSource);
      await markSent(dataSource, org.organisationId, org.message.id);
    });

    afterAll(async () => {
      child?.kill('SIGKILL');
      await dataSource.destroy();
      await database.drop();
    });

    it('writes every buffered open before it exits', async () => {
      const port = await freePort();
      child = spawn(process.execPath, [MAIN], {
        env: {
          ...process.env,
          ...NO_LIMITS,
          DATABASE_URL: database.appUrl,
          REDIS_URL: testRedisUrl(),
          PORT: String(port),
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          // Nothing is flushed on the clock during the test: only the shutdown drain writes.
          OPEN_FLUSH_INTERVAL_MS: '60000',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<string>((resolve) =>
        child?.once('exit', (code, signal) => {
          resolve(signal ?? `code ${String(code)}`);
        }),
      );
      const url = `http://127.0.0.1:${port}`;
      const live = await eventually(
        () =>
          fetch(`${url}/health/live`, { headers: { connection: 'close' } }).then(
            (response) => response.status,
            () => 0,
          ),
        (status) => status === 200,
      );
      expect(live).toBe(200);

      await opens(url, org.pixel.token, 500);
      expect(await totalOpens(dataSource, org)).toBe(0);
      child.kill('SIGTERM');
      // Nest closes the app (HTTP server, then the drain, then the pool) and re-raises the signal.
      expect(await exited).toBe('SIGTERM');
      expect(stderr).not.toMatch(/not written|error/i);
      expect(await totalOpens(dataSource, org)).toBe(500);
    }, 60_000);
  });
});
