import { createDataSource, type OrganisationId } from '@outreach/db';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '@outreach/db/testing';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { HttpServiceHarness, testServiceEnv } from '@outreach/testing/http';
import type { DataSource } from 'typeorm';
import { TRANSPARENT_GIF } from '../src/pixel/transparent-gif.js';
import { trackerService } from '../src/tracker.definition.js';
import {
  THUNDERBIRD,
  eventually,
  fetchPixel,
  inOrg,
  markSent,
  metricValue,
  sentMessageToken,
} from './support/tracker-fixtures.js';

/*
 * Recording opens end to end: the tracker (in process, on fastify) against PostgreSQL 18 with
 * the real migrations, as outreach_app_user under row-level security. Every open is buffered
 * and written by the flusher; the tests read what a user of the api would see.
 */
describe('tracker records opens (e2e)', () => {
  const harness = new HttpServiceHarness(trackerService);
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;
  let url: string;

  const statsOf = (organisationId: OrganisationId, messageId: string) =>
    inOrg(dataSource, organisationId, (repos) =>
      repos.openStats.forMessage(organisationId, messageId),
    );
  const metrics = async () =>
    (await fetch(`${url}/metrics`, { headers: { connection: 'close' } })).text();

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'tracker-e2e' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
    for (const org of [fixture.a, fixture.b]) {
      await markSent(dataSource, org.organisationId, org.message.id);
    }
    url = await harness.boot(
      testServiceEnv(database.appUrl, {
        OPEN_FLUSH_INTERVAL_MS: '50',
        OPEN_PIXEL_SOURCE_LIMIT_PER_MINUTE: '10',
      }),
    );
  });

  afterAll(async () => {
    await harness.closeAll();
    await dataSource.destroy();
    await database.drop();
  });

  it('counts people and machines apart, with the reason of the last open and no whole address', async () => {
    const { a } = fixture;
    const pixel = `${url}/p/${a.pixel.token}.gif`;
    const fetches: Record<string, string>[] = [
      { 'user-agent': THUNDERBIRD },
      { 'user-agent': THUNDERBIRD },
      { 'user-agent': 'Mozilla/5.0' }, // Apple Mail Privacy Protection
      { 'user-agent': 'Mozilla/5.0 (compatible; Barracuda Sentinel)' },
      { 'user-agent': THUNDERBIRD, 'sec-purpose': 'prefetch' },
      {
        'user-agent':
          'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)',
      },
    ];
    for (const headers of fetches) {
      const answer = await fetchPixel(pixel, headers);
      expect([answer.status, answer.type, answer.bytes.equals(TRANSPARENT_GIF)]).toEqual([
        200,
        'image/gif',
        true,
      ]);
    }
    const stats = await eventually(
      () => statsOf(a.organisationId, a.message.id),
      (value) => value?.totalOpens === 6,
    );
    expect(stats).toMatchObject({
      opened: true,
      totalOpens: 6,
      humanOpens: 3,
      machineOpens: 3,
      proxyOpens: 1,
      botOpens: 2,
      lastOpenKind: 'human',
      lastOpenReason: 'google_image_proxy',
    });
    const stored = await inOrg(dataSource, a.organisationId, (repos) =>
      repos.messageOpenStats.list(a.organisationId, { filters: { messageId: a.message.id } }),
    );
    expect(stored.items[0]?.lastIpNetwork).toBe('127.0.0.0/24');
  });

  it('takes the client address from X-Forwarded-For only when the proxy is trusted', async () => {
    const { a } = fixture;
    const networkOfLastOpen = async () => {
      const stored = await inOrg(dataSource, a.organisationId, (repos) =>
        repos.messageOpenStats.list(a.organisationId, { filters: { messageId: a.message.id } }),
      );
      return stored.items[0];
    };
    const countBefore = (await networkOfLastOpen())?.openCount ?? 0;
    const forwarded = { 'user-agent': THUNDERBIRD, 'x-forwarded-for': '203.0.113.77' };
    // The default tracker trusts nobody: the header is ignored, the socket's address counts.
    await fetchPixel(`${url}/p/${a.pixel.token}.gif`, forwarded);
    expect(
      await eventually(networkOfLastOpen, (row) => row?.openCount === countBefore + 1),
    ).toMatchObject({ lastIpNetwork: '127.0.0.0/24' });
    // Behind a trusted load balancer (here: the loopback address), the client's address counts.
    const behindProxy = await harness.boot(
      testServiceEnv(database.appUrl, { OPEN_FLUSH_INTERVAL_MS: '50', TRUST_PROXY: '127.0.0.1' }),
    );
    await fetchPixel(`${behindProxy}/p/${a.pixel.token}.gif`, forwarded);
    expect(
      await eventually(networkOfLastOpen, (row) => row?.openCount === countBefore + 2),
    ).toMatchObject({ lastIpNetwork: '203.0.113.0/24' });
  });

  it('counts an open seconds after the send as a machine (too soon)', async () => {
    const { b } = fixture;
    await markSent(dataSource, b.organisationId, b.message.id, new Date());
    await fetchPixel(`${url}/p/${b.pixel.token}.gif`);
    const stats = await eventually(
      () => statsOf(b.organisationId, b.message.id),
      (value) => value?.totalOpens === 1,
    );
    expect(stats).toMatchObject({
      opened: false,
      humanOpens: 0,
      botOpens: 1,
      lastOpenReason: 'too_soon',
    });
    await markSent(dataSource, b.organisationId, b.message.id);
  });

  it('answers the image to bad input and records nothing against any organisation', async () => {
    const { a, b } = fixture;
    const before = await Promise.all([
      statsOf(a.organisationId, a.message.id),
      statsOf(b.organisationId, b.message.id),
    ]);
    const [, secretA = ''] = a.pixel.token.split('.');
    const [prefixB = ''] = b.pixel.token.split('.');
    // A message deleted after its mail went out: its pixel goes with it.
    const { messageId, token: deleted } = await sentMessageToken(
      dataSource,
      a.organisationId,
      a.position.id,
      'gone@example.fr',
    );
    await inOrg(dataSource, a.organisationId, (repos) =>
      repos.messages.delete(a.organisationId, messageId),
    );
    const unknownBefore = metricValue(
      await metrics(),
      'tracker_opens_ignored_total',
      'reason="unknown_token"',
    );
    const paths = [
      `/p/${'A'.repeat(10_240)}.gif`,
      `/p/${a.pixel.token.slice(0, 23)}${'x'.repeat(10_000)}.gif`,
      '/p/%E0%A4%A.gif',
      '/p/%00%ff%fe.gif',
      `/p/${encodeURIComponent("'; DROP TABLE tracking.pixels; --")}.gif`,
      `/p/${prefixB}.${secretA}.gif`, // A's secret under B's organisation prefix
      `/p/${deleted}.gif`,
      `/p/${a.pixel.token}`, // no .gif: still the image, still an open of A
    ];
    for (const path of paths) {
      const answer = await fetchPixel(`${url}${path}`);
      expect({ path: path.slice(0, 60), status: answer.status, type: answer.type }).toEqual({
        path: path.slice(0, 60),
        status: 200,
        type: 'image/gif',
      });
      expect(answer.bytes.equals(TRANSPARENT_GIF)).toBe(true);
    }
    // The forged and the deleted tokens reach the flusher and are ignored there.
    const text = await eventually(
      metrics,
      (value) =>
        metricValue(value, 'tracker_opens_ignored_total', 'reason="unknown_token"') >=
        unknownBefore + 2,
    );
    expect(metricValue(text, 'tracker_opens_ignored_total', 'reason="unknown_token"')).toBe(
      unknownBefore + 2,
    );
    const after = await eventually(
      () => statsOf(a.organisationId, a.message.id),
      (value) => value?.totalOpens === (before[0]?.totalOpens ?? 0) + 1,
    );
    expect(after?.totalOpens).toBe((before[0]?.totalOpens ?? 0) + 1);
    expect(await statsOf(b.organisationId, b.message.id)).toEqual(before[1]);
  });

  it('counts a flood from one address only up to its limit, without holding up other pixels', async () => {
    const { b } = fixture;
    const target = await sentMessageToken(
      dataSource,
      b.organisationId,
      b.position.id,
      'f@example.fr',
    );
    const flood = await Promise.all(
      Array.from({ length: 200 }, () => fetchPixel(`${url}/p/${target.token}.gif`)),
    );
    expect(
      flood.every((answer) => answer.status === 200 && answer.bytes.equals(TRANSPARENT_GIF)),
    ).toBe(true);
    // The same source opening another message is still counted.
    const { a } = fixture;
    const otherBefore = (await statsOf(a.organisationId, a.message.id))?.totalOpens ?? 0;
    await fetchPixel(`${url}/p/${a.pixel.token}.gif`);
    await eventually(
      () => statsOf(a.organisationId, a.message.id),
      (value) => value?.totalOpens === otherBefore + 1,
    );
    // 10 per pixel and source per minute (OPEN_PIXEL_SOURCE_LIMIT_PER_MINUTE).
    const stats = await eventually(
      () => statsOf(b.organisationId, target.messageId),
      (value) => (value?.totalOpens ?? 0) >= 10,
    );
    expect(stats?.totalOpens).toBe(10);
    expect(
      metricValue(await metrics(), 'tracker_opens_received_total', 'outcome="rate_limited"'),
    ).toBeGreaterThanOrEqual(190);
  });
});
