import { freePort } from '@outreach/devstack';
import { createDataSource } from '@outreach/db';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '@outreach/db/testing';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { HttpServiceHarness, testServiceEnv } from '@outreach/testing/http';
import type { DataSource } from 'typeorm';
import { trackerService } from '../src/tracker.definition.js';
import { inOrg, markSent } from './support/tracker-fixtures.js';

/*
 * One-click unsubscribe (RFC 8058) end to end: the page, the POST, what it stores (suppression,
 * enrollment exit, tasks cancelled), the same answer for tokens that name nothing, and a 500
 * (retry) rather than a 200 when the database cannot store it.
 */
describe('tracker unsubscribe (e2e)', () => {
  const harness = new HttpServiceHarness(trackerService);
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;
  let url: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'tracker-unsub-e2e' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
    await markSent(dataSource, fixture.a.organisationId, fixture.a.message.id);
    url = await harness.boot(testServiceEnv(database.appUrl));
  });

  afterAll(async () => {
    await harness.closeAll();
    await dataSource.destroy();
    await database.drop();
  });

  /** The one-click POST as Gmail or Apple Mail sends it: a form body, no cookie. */
  async function oneClick(
    path: string,
    multipart = false,
  ): Promise<{ status: number; body: string }> {
    const body = multipart ? new FormData() : 'List-Unsubscribe=One-Click';
    if (body instanceof FormData) body.set('List-Unsubscribe', 'One-Click');
    const response = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: multipart
        ? { connection: 'close' }
        : { connection: 'close', 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    return { status: response.status, body: await response.text() };
  }

  /** What organisation A has stored about its message's recipient. */
  async function storedForA() {
    const { a } = fixture;
    return inOrg(dataSource, a.organisationId, async (repos) => {
      const suppressions = await repos.suppressions.list(a.organisationId, {
        filters: { reason: 'unsubscribed' },
      });
      const enrollment = await repos.campaignEnrollments.find(a.organisationId, a.enrollment.id);
      const task = await repos.tasks.find(a.organisationId, a.task.id);
      return {
        suppressions: suppressions.items.map((s) => ({
          kind: s.kind,
          value: s.value,
          sourceMessageId: s.sourceMessageId,
        })),
        enrollment: {
          status: enrollment?.status,
          exitReason: enrollment?.exitReason,
          exitMessageId: enrollment?.exitMessageId,
        },
        taskStatus: task?.status,
      };
    });
  }

  it('shows a confirmation page in French and English that unsubscribes nobody by itself', async () => {
    const response = await fetch(`${url}/u/${fixture.a.pixel.token}`, {
      headers: { connection: 'close' },
    });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain('Me désinscrire');
    expect(html).toContain('Unsubscribe me');
    expect(html).toContain('<form method="post">');
    expect((await storedForA()).suppressions).toEqual([]);
  });

  it('suppresses the address, exits the enrollment with the message and cancels its tasks; again changes nothing', async () => {
    const { a } = fixture;
    const first = await oneClick(`/u/${a.pixel.token}`);
    expect(first.status).toBe(200);
    expect(first.body).toContain('You are unsubscribed');
    const expected = {
      suppressions: [{ kind: 'email', value: a.message.toEmail, sourceMessageId: a.message.id }],
      enrollment: { status: 'exited', exitReason: 'unsubscribed', exitMessageId: a.message.id },
      taskStatus: 'cancelled',
    };
    expect(await storedForA()).toEqual(expected);
    const again = await oneClick(`/u/${a.pixel.token}`, true);
    expect(again).toEqual(first);
    expect(await storedForA()).toEqual(expected);
  });

  it('answers unknown, forged, malformed and huge tokens exactly as a real one, storing nothing', async () => {
    const { a, b } = fixture;
    const real = await oneClick(`/u/${a.pixel.token}`);
    const [, secretA = ''] = a.pixel.token.split('.');
    const [prefixB = ''] = b.pixel.token.split('.');
    for (const path of [
      `/u/${prefixB}.${secretA}`,
      `/u/${b.pixel.token.slice(0, -2)}xx`,
      '/u/not-a-token',
      '/u/%E0%A4%A',
      `/u/${'A'.repeat(1_500)}`,
    ]) {
      const answer = await oneClick(path);
      expect({ path: path.slice(0, 40), ...answer }).toEqual({ path: path.slice(0, 40), ...real });
      const page = await fetch(`${url}${path}`, { headers: { connection: 'close' } });
      expect([path.slice(0, 40), page.status]).toEqual([path.slice(0, 40), 200]);
    }
    const bStored = await inOrg(dataSource, b.organisationId, async (repos) => ({
      suppressions: (await repos.suppressions.list(b.organisationId)).items.length,
      enrollment: (await repos.campaignEnrollments.find(b.organisationId, b.enrollment.id))?.status,
    }));
    expect(bStored).toEqual({ suppressions: 0, enrollment: 'active' });
  });

  it('answers 500 (so that the client retries), never 200, when the database cannot store it', async () => {
    const deadDatabase = `postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`;
    const down = await harness.boot(testServiceEnv(deadDatabase));
    const response = await fetch(`${down}/u/${fixture.b.pixel.token}`, {
      method: 'POST',
      headers: { connection: 'close', 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('Please try again');
  });
});
