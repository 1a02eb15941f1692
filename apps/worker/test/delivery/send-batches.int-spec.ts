import { randomUUID } from 'node:crypto';
import {
  createDataSource,
  newTrackingToken,
  runTenantStatement,
  runTenantStatements,
  SendTaskRepository,
  type OpeningRead,
  type OrganisationId,
  type OutboundMessageDraft,
  type SendCaps,
} from '@outreach/db';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { enrollProspects, seedCampaign, select, type EngineFixture } from './engine-fixture.js';

/**
 * The engine's statements for a batch of sends (V20251231_500000), against PostgreSQL 18: each
 * merged statement (OpeningRead.merge, as TenantDatabase.batchedStatement runs it) gives every
 * send the answer its statement alone gives, and writes the same rows.
 */
describe('send statements merged for a batch (PostgreSQL 18)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'send-batches-test' });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await database.drop();
  });

  /** The statements as ONE merged statement (one transaction), each one's answer read from it. */
  async function merged<R>(
    organisationId: OrganisationId,
    statements: OpeningRead<R>[],
  ): Promise<R[]> {
    const merges = statements.map(({ merge }) => {
      if (!merge) throw new Error('a statement without merge');
      return merge;
    });
    const [first] = merges;
    if (!first) return [];
    const [rows = []] = await runTenantStatements(dataSource, organisationId, [
      first.sql(merges.map(({ item }) => item)),
    ]);
    return merges.map((merge, index) => merge.read(rows, index));
  }

  interface TaskRef {
    id: string;
    enrollment_id: string;
    position_id: string;
    email: string;
  }

  function pendingTasks(fixture: EngineFixture): Promise<TaskRef[]> {
    return select<TaskRef>(
      dataSource,
      fixture.organisationId,
      `SELECT t.id, t.enrollment_id, e.position_id, p.email::text AS email
         FROM outreach.tasks t
         JOIN outreach.campaign_enrollments e
           ON e.organisation_id = t.organisation_id AND e.id = t.enrollment_id
         JOIN crm.positions p ON p.organisation_id = e.organisation_id AND p.id = e.position_id
        WHERE t.status = 'pending' ORDER BY t.id`,
    );
  }

  function draft(fixture: EngineFixture, task: TaskRef): OutboundMessageDraft {
    return {
      taskId: task.id,
      enrollmentId: task.enrollment_id,
      positionId: task.position_id,
      mailboxId: fixture.mailboxId,
      fromEmail: 'sophie@example.com',
      fromName: 'Sophie Martin',
      toEmail: task.email,
      subject: `Bonjour ${task.id.slice(0, 8)}`,
      bodyText: 'Un mot.\tAvec une tabulation, un \\N et une apostrophe : l’équipe d’Alice.',
      bodyHtml: '<p>Un mot.</p>',
      messageId: `<${randomUUID()}@example.com>`,
      inReplyTo: null,
      experimentId: null,
      variantId: null,
      token: newTrackingToken(fixture.organisationId),
    };
  }

  function caps(fixture: EngineFixture, task: TaskRef, limits: Partial<SendCaps> = {}): SendCaps {
    return {
      campaignId: fixture.campaignId,
      day: '2026-12-01',
      shard: Number.parseInt(task.id.slice(-1), 16),
      mailboxAllowance: 10_000,
      campaignLimit: 10_000,
      spacingMs: 0,
      unlockedHeadroom: 1_000,
      now: new Date(),
      ...limits,
    };
  }

  function write(fixture: EngineFixture, task: TaskRef, limits: Partial<SendCaps> = {}) {
    return SendTaskRepository.writeSendingWithinCaps(
      fixture.organisationId,
      draft(fixture, task),
      caps(fixture, task, limits),
    );
  }

  const messageColumns = [
    'status',
    'task_id',
    'enrollment_id',
    'position_id',
    'mailbox_id',
    'from_email',
    'from_name',
    'to_email',
    'subject',
    'body_text',
    'body_html',
    'message_id',
    'in_reply_to',
    'error',
  ]
    .map((column) => `m.${column}`)
    .join(', ');

  async function messagesOf(fixture: EngineFixture, taskIds: string[]) {
    return select<Record<string, unknown>>(
      dataSource,
      fixture.organisationId,
      `SELECT ${messageColumns}, px.token
         FROM outreach.messages m
         LEFT JOIN tracking.pixels px ON px.organisation_id = m.organisation_id AND px.message_id = m.id
        WHERE m.task_id = ANY ($1) ORDER BY m.task_id`,
      [taskIds],
    );
  }

  async function dailySends(fixture: EngineFixture): Promise<number> {
    const [row] = await select<{ sends: number }>(
      dataSource,
      fixture.organisationId,
      `SELECT coalesce(sum(sends), 0)::int AS sends FROM delivery.daily_sends WHERE mailbox_id = $1`,
      [fixture.mailboxId],
    );
    return row?.sends ?? -1;
  }

  it('reads every task’s context in one statement, as the single read does; null for a task it cannot see', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: 2525 }, [{}, { delayDays: 2 }]);
    const other = await seedCampaign(dataSource, { smtpPort: 2525 }, [{}]);
    await enrollProspects(dataSource, fixture, 3);
    await enrollProspects(dataSource, other, 1);
    const tasks = await pendingTasks(fixture);
    const [foreign] = await pendingTasks(other);
    const ids = [...tasks.map(({ id }) => id), randomUUID(), foreign?.id ?? ''];
    const org = fixture.organisationId;

    const single = [];
    for (const id of ids) {
      single.push(
        await runTenantStatement(dataSource, org, SendTaskRepository.contextLookup(org, id)),
      );
    }
    const together = await merged(
      org,
      ids.map((id) => SendTaskRepository.contextLookup(org, id)),
    );

    expect(together).toEqual(single);
    expect(together.map(({ context }) => context?.task.id ?? null)).toEqual([
      ...tasks.map(({ id }) => id),
      null,
      null,
    ]);
    expect(together.every(({ organisationExists }) => organisationExists)).toBe(true);
    expect(together[0]?.context?.nextStep?.id).toBe(fixture.stepIds[1]);

    // An organisation that does not exist: said for every task of the batch.
    const ghost = randomUUID() as OrganisationId;
    const none = await merged(
      ghost,
      ids.slice(0, 2).map((id) => SendTaskRepository.contextLookup(ghost, id)),
    );
    expect(none).toEqual([
      { organisationExists: false, context: null },
      { organisationExists: false, context: null },
    ]);
  });

  it('writes the drafts of a batch far from every cap together: the same messages, pixels and counts as one by one', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: 2525 }, [{}]);
    await enrollProspects(dataSource, fixture, 6);
    const tasks = await pendingTasks(fixture);
    const alone = tasks.slice(0, 3);
    const batch = tasks.slice(3);
    const org = fixture.organisationId;

    const aloneStatements = alone.map((task) => write(fixture, task));
    for (const statement of aloneStatements) await runTenantStatement(dataSource, org, statement);
    const answers = await merged(
      org,
      batch.map((task) => write(fixture, task)),
    );

    expect(answers.map(({ written }) => written !== null)).toEqual([true, true, true]);
    const messages = await messagesOf(
      fixture,
      batch.map(({ id }) => id),
    );
    expect(messages).toHaveLength(3);
    for (const [index, message] of messages.entries()) {
      expect(message).toMatchObject({ status: 'sending', task_id: batch[index]?.id, error: null });
      expect(message.body_text).toBe(draft(fixture, tasks[0] as TaskRef).bodyText);
      expect(answers[index]?.written?.token).toBe(message.token);
    }
    // The same columns as written one by one (but the task's own values).
    const one = await messagesOf(fixture, [alone[0]?.id ?? '']);
    expect(Object.keys(messages[0] ?? {})).toEqual(Object.keys(one[0] ?? {}));
    expect(await dailySends(fixture)).toBe(6);
  });

  it('near a cap, writes the batch’s drafts one by one under the mailbox lock: no more than the cap, the rest told the counts', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: 2525 }, [{}]);
    await enrollProspects(dataSource, fixture, 4);
    const tasks = await pendingTasks(fixture);
    const org = fixture.organisationId;

    const answers = await merged(
      org,
      tasks.map((task) => write(fixture, task, { mailboxAllowance: 3 })),
    );

    expect(answers.filter(({ written }) => written !== null)).toHaveLength(3);
    const refused = answers.filter(({ written }) => written === null);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.counts).toMatchObject({ mailboxSends: 3, campaignSends: 3 });
    expect(await dailySends(fixture)).toBe(3);
    const messages = await messagesOf(
      fixture,
      tasks.map(({ id }) => id),
    );
    expect(messages).toHaveLength(3);
  });

  it('with a minimum spacing, writes one draft of the batch and tells the others the latest send', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: 2525, minSpacingSeconds: 60 }, [{}]);
    await enrollProspects(dataSource, fixture, 3);
    const tasks = await pendingTasks(fixture);

    const answers = await merged(
      fixture.organisationId,
      tasks.map((task) => write(fixture, task, { spacingMs: 60_000 })),
    );

    expect(answers.filter(({ written }) => written !== null)).toHaveLength(1);
    for (const answer of answers.filter(({ written }) => written === null)) {
      expect(answer.counts.mailboxSends).toBe(1);
      expect(answer.counts.lastMailboxSendAt).toBeInstanceOf(Date);
    }
    expect(await dailySends(fixture)).toBe(1);
  });

  it('writes nothing of a batch when one of its tasks already has a message that is not queued', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: 2525 }, [{}]);
    await enrollProspects(dataSource, fixture, 3);
    const tasks = await pendingTasks(fixture);
    const org = fixture.organisationId;
    const [sent] = tasks;
    if (!sent) throw new Error('no task');
    await runTenantStatement(dataSource, org, write(fixture, sent));

    await expect(
      merged(
        org,
        tasks.map((task) => write(fixture, task)),
      ),
    ).rejects.toThrow(/already has a message that is not queued/);
    expect(
      await messagesOf(
        fixture,
        tasks.map(({ id }) => id),
      ),
    ).toHaveLength(1);
    expect(await dailySends(fixture)).toBe(1);
  });

  it('refuses a batch written for another organisation than the transaction’s (row-level security)', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: 2525 }, [{}]);
    const intruder = await seedCampaign(dataSource, { smtpPort: 2525 }, [{}]);
    await enrollProspects(dataSource, fixture, 2);
    const tasks = await pendingTasks(fixture);
    const statements = tasks.map((task) => write(fixture, task));
    const merge = statements[0]?.merge;
    if (!merge) throw new Error('no merge');

    await expect(
      runTenantStatements(dataSource, intruder.organisationId, [
        merge.sql(statements.map((statement) => statement.merge?.item ?? '')),
      ]),
    ).rejects.toThrow(/row-level security/);
    expect(
      await messagesOf(
        fixture,
        tasks.map(({ id }) => id),
      ),
    ).toHaveLength(0);
  });

  it('records a batch of sent messages as record_sent does each: sent, completed, the next step due or the enrollment completed', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: 2525 }, [{}, { delayDays: 3 }]);
    await enrollProspects(dataSource, fixture, 4);
    const tasks = await pendingTasks(fixture);
    const org = fixture.organisationId;
    const written: string[] = [];
    for (const task of tasks) {
      const answer = await runTenantStatement(dataSource, org, write(fixture, task));
      written.push(answer.written?.id ?? '');
    }
    const sentAt = new Date('2026-12-01T09:30:00.000Z');
    const dueAt = new Date('2026-12-04T09:30:00.000Z');
    const records = tasks.map((task, index) =>
      SendTaskRepository.recordSentStatement(org, {
        taskId: task.id,
        messageRowId: written[index] ?? '',
        enrollmentId: task.enrollment_id,
        campaignId: fixture.campaignId,
        sentAt,
        // Every other one at its last step.
        next: index % 2 === 0 ? { stepId: fixture.stepIds[1] ?? '', dueAt } : null,
      }),
    );
    // The first alone, the others merged.
    const [first, ...rest] = records;
    if (!first) throw new Error('no record');
    await runTenantStatement(dataSource, org, first);
    await merged(org, rest);

    const state = await select<{
      message: string;
      sent_at: Date;
      task: string;
      enrollment: string;
      current_step_id: string | null;
      next_due_at: Date | null;
    }>(
      dataSource,
      org,
      `SELECT m.status AS message, m.sent_at, t.status AS task, e.status AS enrollment,
              e.current_step_id,
              (SELECT n.due_at FROM outreach.tasks n
                WHERE n.enrollment_id = e.id AND n.step_id = $2) AS next_due_at
         FROM outreach.tasks t
         JOIN outreach.messages m ON m.organisation_id = t.organisation_id AND m.task_id = t.id
         JOIN outreach.campaign_enrollments e
           ON e.organisation_id = t.organisation_id AND e.id = t.enrollment_id
        WHERE t.id = ANY ($1) ORDER BY t.id`,
      [tasks.map(({ id }) => id), fixture.stepIds[1]],
    );
    expect(state).toEqual(
      tasks.map((_, index) =>
        index % 2 === 0
          ? {
              message: 'sent',
              sent_at: sentAt,
              task: 'completed',
              enrollment: 'active',
              current_step_id: fixture.stepIds[1],
              next_due_at: dueAt,
            }
          : {
              message: 'sent',
              sent_at: sentAt,
              task: 'completed',
              enrollment: 'completed',
              current_step_id: null,
              next_due_at: null,
            },
      ),
    );
  });
});
