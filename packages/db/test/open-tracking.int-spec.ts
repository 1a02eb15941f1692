import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/data-source.factory.js';
import { InvalidInputError } from '../src/errors/invalid-input.error.js';
import type { OrganisationId } from '../src/organisation-id.js';
import { CursorCodec } from '../src/repositories/cursor.codec.js';
import { exitEnrollment } from '../src/repositories/enrollment-exit.js';
import type { MessageOpenTally } from '../src/repositories/open-stats.repository.js';
import { createRepositories, type Repositories } from '../src/repositories/repositories.factory.js';
import { SystemDatabase } from '../src/system/index.js';
import { runInTenantTransaction } from '../src/tenant-transaction.js';
import {
  seedOrganisation,
  seedTwoOrganisations,
  uniqueSuffix,
  type OrganisationFixture,
  type TwoOrganisationFixture,
} from '../src/testing/factories.js';

const codec = new CursorCodec('open-tracking-int-spec-secret');

describe('open tracking and exits on PostgreSQL 18 (as outreach_app_user, under RLS)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'db-open-tracking' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  const inOrg = <T>(org: OrganisationId, work: (repos: Repositories) => Promise<T>): Promise<T> =>
    runInTenantTransaction(dataSource, org, (manager) => work(createRepositories(manager, codec)));

  const at = (iso: string) => new Date(iso);
  const tally = (messageId: string, changes: Partial<MessageOpenTally> = {}): MessageOpenTally => ({
    messageId,
    human: 1,
    proxy: 0,
    bot: 0,
    firstOpenAt: at('2025-12-28T10:00:00Z'),
    lastOpenAt: at('2025-12-28T10:00:00Z'),
    firstHumanOpenAt: at('2025-12-28T10:00:00Z'),
    lastHumanOpenAt: at('2025-12-28T10:00:00Z'),
    lastKind: 'human',
    lastReason: 'mail_client',
    lastUserAgent: 'Mozilla/5.0 Thunderbird',
    lastIpClass: 'residential',
    lastIpNetwork: '192.0.2.0/24',
    ...changes,
  });

  /** A second enrollment of the fixture's campaign with its own task and sent message. */
  async function sentMessage(
    org: OrganisationFixture,
    options: { variant?: boolean } = {},
  ): Promise<{ enrollmentId: string; taskId: string; messageId: string }> {
    const suffix = uniqueSuffix();
    return inOrg(org.organisationId, async (r) => {
      const person = await r.people.create(org.organisationId, {
        firstName: 'Prénom',
        lastName: suffix,
      });
      const position = await r.positions.create(org.organisationId, {
        personId: person.id,
        companyId: org.company.id,
        email: `p-${suffix}@example.fr`,
        emailStatus: 'valid',
      });
      const enrollment = await r.campaignEnrollments.create(org.organisationId, {
        campaignId: org.campaign.id,
        positionId: position.id,
        currentStepId: org.step.id,
      });
      const task = await r.tasks.create(org.organisationId, {
        campaignId: org.campaign.id,
        enrollmentId: enrollment.id,
        stepId: org.step.id,
        dueAt: new Date(),
      });
      const message = await r.messages.create(org.organisationId, {
        direction: 'outbound',
        status: 'sent',
        sentAt: new Date('2025-12-28T09:00:00Z'),
        enrollmentId: enrollment.id,
        taskId: task.id,
        positionId: position.id,
        ...(options.variant
          ? { stepExperimentId: org.experiment.id, variantId: org.variant.id }
          : {}),
        fromEmail: 'sales@example.com',
        toEmail: `p-${suffix}@example.fr`,
        subject: 'Bonjour',
      });
      return { enrollmentId: enrollment.id, taskId: task.id, messageId: message.id };
    });
  }

  describe('exitEnrollment', () => {
    it('exits an active enrollment with its reason and message, and cancels its open tasks', async () => {
      const org = await seedOrganisation(dataSource);
      const id = org.organisationId;
      const exited = await runInTenantTransaction(dataSource, id, (manager) =>
        exitEnrollment(manager, id, {
          enrollmentId: org.enrollment.id,
          reason: 'unsubscribed',
          messageId: org.message.id,
        }),
      );
      expect(exited).toBe(true);
      const [enrollment, task] = await inOrg(id, (r) =>
        Promise.all([
          r.campaignEnrollments.find(id, org.enrollment.id),
          r.tasks.find(id, org.task.id),
        ]),
      );
      expect(enrollment).toMatchObject({
        status: 'exited',
        exitReason: 'unsubscribed',
        exitMessageId: org.message.id,
      });
      expect(enrollment?.exitedAt).toBeInstanceOf(Date);
      expect(task).toMatchObject({ status: 'cancelled', lockedBy: null, lockedUntil: null });
      expect(task?.lastError).toContain('unsubscribed');

      // Again (or for another reason): nothing changes.
      const again = await inOrg(id, (r) =>
        r.enrollmentExits.exit(id, {
          enrollmentId: org.enrollment.id,
          reason: 'bounced',
          messageId: null,
        }),
      );
      expect(again).toBe(false);
      expect(
        await inOrg(id, (r) => r.campaignEnrollments.find(id, org.enrollment.id)),
      ).toMatchObject({ exitReason: 'unsubscribed', exitMessageId: org.message.id });
    });

    it('leaves a completed enrollment alone, and refuses bad input saying which field', async () => {
      const org = await seedOrganisation(dataSource);
      const id = org.organisationId;
      await inOrg(id, (r) =>
        r.campaignEnrollments.update(id, org.enrollment.id, {
          status: 'completed',
          completedAt: new Date(),
        }),
      );
      expect(
        await inOrg(id, (r) =>
          r.enrollmentExits.exit(id, {
            enrollmentId: org.enrollment.id,
            reason: 'replied',
            messageId: null,
          }),
        ),
      ).toBe(false);
      expect(await inOrg(id, (r) => r.tasks.find(id, org.task.id))).toMatchObject({
        status: 'pending',
      });
      await expect(
        inOrg(id, (r) =>
          r.enrollmentExits.exit(id, { enrollmentId: 'nope', reason: 'manual', messageId: null }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'id' });
      await expect(
        inOrg(id, (r) =>
          r.enrollmentExits.exit(id, {
            enrollmentId: org.enrollment.id,
            reason: 'bored' as 'manual',
            messageId: null,
          }),
        ),
      ).rejects.toMatchObject({ name: 'InvalidInputError', field: 'exit_reason' });
    });

    it("cannot exit another organisation's enrollment", async () => {
      const a = fixture.a;
      const b = fixture.b.organisationId;
      expect(
        await inOrg(b, (r) =>
          r.enrollmentExits.exit(b, {
            enrollmentId: a.enrollment.id,
            reason: 'manual',
            messageId: null,
          }),
        ),
      ).toBe(false);
      // A's id as the organisation under B's transaction: row-level security hides A's rows.
      expect(
        await inOrg(b, (r) =>
          r.enrollmentExits.exit(a.organisationId, {
            enrollmentId: a.enrollment.id,
            reason: 'manual',
            messageId: null,
          }),
        ),
      ).toBe(false);
      const org = a.organisationId;
      expect(
        await inOrg(org, (r) => r.campaignEnrollments.find(org, a.enrollment.id)),
      ).toMatchObject({ status: 'active' });
    });

    it('keeps the exit when its message is deleted (exit_message_id set to null)', async () => {
      const org = await seedOrganisation(dataSource);
      const id = org.organisationId;
      const sent = await sentMessage(org);
      await inOrg(id, (r) =>
        r.enrollmentExits.exit(id, {
          enrollmentId: sent.enrollmentId,
          reason: 'bounced',
          messageId: sent.messageId,
        }),
      );
      await inOrg(id, (r) => r.messages.delete(id, sent.messageId));
      expect(
        await inOrg(id, (r) => r.campaignEnrollments.find(id, sent.enrollmentId)),
      ).toMatchObject({
        status: 'exited',
        exitReason: 'bounced',
        exitMessageId: null,
      });
    });
  });

  describe('OpenStatsRepository', () => {
    it('creates the row on a first open, then adds up, keeping first/last and the latest details', async () => {
      const org = await seedOrganisation(dataSource);
      const id = org.organisationId;
      const sent = await sentMessage(org);
      expect(await inOrg(id, (r) => r.openStats.record(id, [tally(sent.messageId)]))).toBe(1);
      await inOrg(id, (r) =>
        r.openStats.record(id, [
          tally(sent.messageId, {
            human: 0,
            proxy: 2,
            bot: 1,
            firstOpenAt: at('2025-12-28T08:00:00Z'),
            lastOpenAt: at('2025-12-28T11:00:00Z'),
            firstHumanOpenAt: null,
            lastHumanOpenAt: null,
            lastKind: 'proxy',
            lastReason: 'apple_mpp',
            lastIpClass: 'apple_mpp',
            lastIpNetwork: '2001:db8:1::/48',
          }),
        ]),
      );
      // An older batch arriving late changes counts, not the "last" details.
      await inOrg(id, (r) =>
        r.openStats.record(id, [
          tally(sent.messageId, {
            firstOpenAt: at('2025-12-28T09:30:00Z'),
            lastOpenAt: at('2025-12-28T09:30:00Z'),
            firstHumanOpenAt: at('2025-12-28T09:30:00Z'),
            lastHumanOpenAt: at('2025-12-28T09:30:00Z'),
          }),
        ]),
      );
      const stats = await inOrg(id, (r) => r.openStats.forMessage(id, sent.messageId));
      expect(stats).toEqual({
        messageId: sent.messageId,
        status: 'sent',
        opened: true,
        totalOpens: 5,
        humanOpens: 2,
        machineOpens: 3,
        proxyOpens: 2,
        botOpens: 1,
        firstOpenAt: at('2025-12-28T08:00:00Z'),
        lastOpenAt: at('2025-12-28T11:00:00Z'),
        firstHumanOpenAt: at('2025-12-28T09:30:00Z'),
        lastHumanOpenAt: at('2025-12-28T10:00:00Z'),
        lastOpenKind: 'proxy',
        lastOpenReason: 'apple_mpp',
      });
      const [row] = await dataSource.query<{ last_ip_network: string }[]>(
        'SELECT last_ip_network FROM tracking.message_open_stats WHERE message_id = $1',
        [sent.messageId],
      );
      // outreach_app_user outside a tenant transaction sees nothing (RLS); read it in one.
      expect(row).toBeUndefined();
      const network = await runInTenantTransaction(dataSource, id, (manager) =>
        manager.query<{ last_ip_network: string }[]>(
          'SELECT last_ip_network FROM tracking.message_open_stats WHERE organisation_id = $1 AND message_id = $2',
          [id, sent.messageId],
        ),
      );
      expect(network[0]?.last_ip_network).toBe('2001:db8:1::/48');
    });

    it('refuses a whole address, two tallies of one message and non-UUID ids, writing nothing', async () => {
      const org = await seedOrganisation(dataSource);
      const id = org.organisationId;
      const sent = await sentMessage(org);
      for (const network of [
        '192.0.2.17/32',
        '192.0.2.17',
        '2001:db8::1/128',
        '2001:db8:1:2::/64',
      ]) {
        await expect(
          inOrg(id, (r) =>
            r.openStats.record(id, [tally(sent.messageId, { lastIpNetwork: network })]),
          ),
        ).rejects.toThrow(InvalidInputError);
      }
      await expect(
        inOrg(id, (r) => r.openStats.record(id, [tally(sent.messageId), tally(sent.messageId)])),
      ).rejects.toMatchObject({ field: 'message_id' });
      await expect(inOrg(id, (r) => r.openStats.record(id, [tally('x')]))).rejects.toThrow(
        InvalidInputError,
      );
      expect(await inOrg(id, (r) => r.openStats.forMessage(id, sent.messageId))).toMatchObject({
        totalOpens: 0,
        opened: false,
      });
    });

    it('finds the tracked outbound messages with their send time, only in the organisation', async () => {
      const a = fixture.a;
      const idA = a.organisationId;
      const tracked = await inOrg(idA, (r) =>
        r.openStats.trackedMessages(idA, [a.message.id, fixture.b.message.id]),
      );
      expect(tracked).toEqual([{ messageId: a.message.id, sentAt: null }]);
      const b = fixture.b.organisationId;
      expect(await inOrg(b, (r) => r.openStats.forMessage(b, a.message.id))).toBeNull();
      expect(await inOrg(b, (r) => r.openStats.forCampaign(b, a.campaign.id))).toBeNull();
    });

    it('sums a campaign, its steps and variants over delivered messages, with rates', async () => {
      const org = await seedOrganisation(dataSource);
      const id = org.organisationId;
      const plain = await sentMessage(org);
      const variant = await sentMessage(org, { variant: true });
      await sentMessage(org, { variant: true }); // delivered, never opened
      await inOrg(id, (r) =>
        r.openStats.record(id, [
          tally(plain.messageId, { human: 2 }),
          tally(variant.messageId, {
            human: 0,
            proxy: 1,
            firstHumanOpenAt: null,
            lastHumanOpenAt: null,
            lastKind: 'proxy',
            lastReason: 'apple_mpp',
          }),
        ]),
      );
      const stats = await inOrg(id, (r) => r.openStats.forCampaign(id, org.campaign.id));
      // The fixture's own message is queued: not delivered, not counted.
      expect(stats?.total).toEqual({
        delivered: 3,
        uniqueHumanOpens: 1,
        totalOpens: 3,
        humanOpens: 2,
        machineOpens: 1,
        machineOpenedMessages: 1,
        openRate: 1 / 3,
        machineOpenedRate: 1 / 3,
      });
      expect(stats?.steps).toEqual([
        expect.objectContaining({
          stepId: org.step.id,
          stepOrder: 1,
          delivered: 3,
          uniqueHumanOpens: 1,
        }),
      ]);
      expect(stats?.variants).toEqual([
        expect.objectContaining({
          variantId: org.variant.id,
          variantKey: 'A',
          delivered: 2,
          uniqueHumanOpens: 0,
          machineOpens: 1,
          openRate: 0,
          machineOpenedRate: 0.5,
        }),
      ]);
    });
  });

  describe('SystemDatabase.resolveTrackingTokens', () => {
    it('resolves many tokens in one call and leaves out malformed, unknown and re-prefixed ones', async () => {
      const system = new SystemDatabase(dataSource);
      const [, secretA = ''] = fixture.a.pixel.token.split('.');
      const [prefixB = ''] = fixture.b.pixel.token.split('.');
      const forged = `${prefixB}.${secretA}`;
      const resolved = await system.resolveTrackingTokens([
        fixture.a.pixel.token,
        fixture.b.pixel.token,
        fixture.a.pixel.token,
        forged,
        'x'.repeat(10_000),
        '%00%ff',
      ]);
      expect([...resolved.entries()].sort()).toEqual(
        [
          [
            fixture.a.pixel.token,
            { organisationId: fixture.a.organisationId, messageId: fixture.a.message.id },
          ],
          [
            fixture.b.pixel.token,
            { organisationId: fixture.b.organisationId, messageId: fixture.b.message.id },
          ],
        ].sort(),
      );
      expect((await system.resolveTrackingTokens([])).size).toBe(0);
    });
  });
});
