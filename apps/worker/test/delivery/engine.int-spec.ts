import type { INestApplicationContext } from '@nestjs/common';
import { createDataSource } from '@outreach/db';
import {
  deliveryQueue,
  JobProducer,
  QUEUE_PREFIX,
  redisConnectionOptions,
  type SendStepResult,
} from '@outreach/jobs';
import { Queue, QueueEvents } from 'bullmq';
import { freePort, RedisServer, SmtpSink } from '@outreach/devstack';
import { silentLog, testServiceEnv } from '@outreach/testing/http';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { simpleParser } from 'mailparser';
import type { DataSource } from 'typeorm';
import { createWorker } from '../../src/worker.factory.js';
import {
  enrollProspects,
  eventually,
  inTenant,
  seedCampaign,
  select,
  type EngineFixture,
} from './engine-fixture.js';

const TRACKER = 'https://t.example.test';

interface TaskRow {
  id: string;
  status: string;
  attempts: number;
  last_error: string | null;
  due_at: Date;
  next_attempt_at: Date | null;
  step_id: string;
}

/**
 * The sequence engine in one worker (in process) against PostgreSQL 18, its own Redis and a
 * real SMTP server (smtp-server): claim → send-step → SMTP → record → next step.
 */
describe('sequence engine (PostgreSQL 18, Redis, SMTP)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let redis: RedisServer;
  let sink: SmtpSink;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'engine-test' });
    await dataSource.initialize();
    redis = new RedisServer({ port: await freePort() });
    await redis.start();
    sink = await SmtpSink.start({ auth: { username: 'sink-user', password: 'sink-password' } });
    const env = testServiceEnv(database.appUrl, {
      PORT: String(await freePort()),
      REDIS_URL: redis.url,
      CLAIM_EVERY_MS: '200',
      TRACKER_PUBLIC_URL: TRACKER,
    });
    ({ app: worker } = await createWorker(env, { logDestination: silentLog }));
  });

  afterAll(async () => {
    await worker.close();
    await sink.stop();
    await redis.stop();
    await dataSource.destroy();
    await database.drop();
  });

  afterEach(() => {
    sink.setBehaviour({});
  });

  const tasks = (fixture: EngineFixture): Promise<TaskRow[]> =>
    select<TaskRow>(
      dataSource,
      fixture.organisationId,
      `SELECT t.id, t.status, t.attempts, t.last_error, t.due_at, t.next_attempt_at, t.step_id
         FROM outreach.tasks t ORDER BY t.created_at, t.id`,
    );

  const mailsTo = (address: string) =>
    sink.received.filter((mail) =>
      mail.to.some((to) => to.toLowerCase() === address.toLowerCase()),
    );

  it('sends the first step once to each prospect, records it and schedules the next in the window', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [
      {},
      { delayDays: 2, subject: 'Relance', body: 'Je me permets de revenir vers vous.' },
    ]);
    const enrollments = await enrollProspects(dataSource, fixture, 5);
    const messages = await eventually(
      async () => {
        const rows = await select<{
          id: string;
          status: string;
          message_id: string;
          to_email: string;
          subject: string;
          sent_at: Date;
          token: string;
        }>(
          dataSource,
          fixture.organisationId,
          `SELECT m.id, m.status, m.message_id, m.to_email, m.subject, m.sent_at, p.token
             FROM outreach.messages m JOIN tracking.pixels p ON p.message_id = m.id
            WHERE m.status = 'sent'`,
        );
        return rows.length === 5 ? rows : undefined;
      },
      20_000,
      'five sent messages',
    );
    // Exactly one mail per message at the SMTP server, carrying the recorded Message-ID.
    for (const message of messages) {
      expect(sink.countsByMessageId().get(message.message_id)).toBe(1);
      const [mail] = mailsTo(message.to_email);
      const parsed = await simpleParser(mail?.raw ?? Buffer.alloc(0));
      expect(parsed.messageId).toBe(message.message_id);
      expect(parsed.subject).toBe('Bonjour Claire');
      expect(message.subject).toBe('Bonjour Claire');
      expect(mail?.raw.toString()).toMatch(
        /(^|\r\n)List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/,
      );
      const head = (mail?.raw.toString() ?? '').split('\r\n\r\n')[0]?.replace(/\r\n[ \t]+/g, ' ');
      const unsubscribe = /^List-Unsubscribe: (.*)$/m.exec(head ?? '')?.[1] ?? '';
      expect(unsubscribe).toContain(`${TRACKER}/u/${message.token}`);
      expect(unsubscribe).toContain('mailto:');
      expect(parsed.text).toContain(`${TRACKER}/u/${message.token}`);
      expect(parsed.html).toContain(`${TRACKER}/p/${message.token}.gif`);
      expect(parsed.from?.text).toContain('Sophie Martin');
    }
    expect(sink.duplicates()).toEqual([]);

    const rows = await tasks(fixture);
    const first = rows.filter((task) => task.step_id === fixture.stepIds[0]);
    const second = rows.filter((task) => task.step_id === fixture.stepIds[1]);
    expect(first.map((task) => task.status)).toEqual(Array(5).fill('completed'));
    expect(second).toHaveLength(5);
    for (const task of second) {
      expect(task.status).toBe('pending');
      const sentAt = Math.min(...messages.map((m) => new Date(m.sent_at).getTime()));
      const delay = new Date(task.due_at).getTime() - sentAt;
      expect(delay).toBeGreaterThan(2 * 86_400_000 - 60_000);
      expect(delay).toBeLessThan(2 * 86_400_000 + 60_000);
    }
    const current = await select<{ current_step_id: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT current_step_id FROM outreach.campaign_enrollments WHERE id = ANY ($1)`,
      [enrollments],
    );
    expect(current.map((row) => row.current_step_id)).toEqual(Array(5).fill(fixture.stepIds[1]));
  });

  it('sends a later step as a reply in the thread, then completes the enrollment', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [
      { subject: 'Votre prospection' },
      { delayDays: 3, subject: 'ignored when replying', body: 'Un petit rappel.' },
    ]);
    const [enrollment = ''] = await enrollProspects(dataSource, fixture, 1, {
      email: () => `thread-${fixture.organisationId.slice(0, 8)}@dupont.example.fr`,
    });
    const first = await eventually(
      async () =>
        (
          await select<{ message_id: string }>(
            dataSource,
            fixture.organisationId,
            `SELECT message_id FROM outreach.messages WHERE status = 'sent'`,
          )
        )[0],
      20_000,
      'the first message',
    );
    // Bring the second step forward instead of waiting three days.
    await inTenant(dataSource, fixture.organisationId, (manager) =>
      manager.query(`UPDATE outreach.tasks SET due_at = now() WHERE status = 'pending'`),
    );
    await eventually(
      async () => {
        const [row] = await select<{ status: string }>(
          dataSource,
          fixture.organisationId,
          `SELECT status FROM outreach.campaign_enrollments WHERE id = $1`,
          [enrollment],
        );
        return row?.status === 'completed' ? row : undefined;
      },
      20_000,
      'the enrollment to complete',
    );
    const mails = mailsTo(`thread-${fixture.organisationId.slice(0, 8)}@dupont.example.fr`);
    expect(mails).toHaveLength(2);
    const reply = await simpleParser(mails[1]?.raw ?? Buffer.alloc(0));
    expect(reply.subject).toBe('Re: Votre prospection');
    expect(reply.inReplyTo).toBe(first.message_id);
    expect(reply.references).toEqual(first.message_id);
  });

  it('skips suppressed domains and prospects missing a template value, with the reason, sending nothing', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    await inTenant(dataSource, fixture.organisationId, (manager) =>
      manager.query(
        `INSERT INTO delivery.suppressions (organisation_id, kind, value, reason)
         VALUES ($1, 'domain', 'blocked.example.fr', 'manual')`,
        [fixture.organisationId],
      ),
    );
    const [suppressed = ''] = await enrollProspects(dataSource, fixture, 1, {
      email: () => 'anyone@sales.blocked.example.fr',
    });
    const [nameless = ''] = await enrollProspects(dataSource, fixture, 1, { firstName: null });
    const rows = await eventually(
      async () => {
        const found = await tasks(fixture);
        return found.every((task) => task.status === 'skipped') ? found : undefined;
      },
      20_000,
      'both tasks skipped',
    );
    expect(rows.map((task) => task.last_error).sort()).toEqual([
      'suppressed: domain blocked.example.fr (manual)',
      'the subject needs values this prospect lacks: person.first_name',
    ]);
    const enrollments = await select<{ id: string; status: string; exit_reason: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT id, status, exit_reason FROM outreach.campaign_enrollments`,
    );
    expect(enrollments.find((row) => row.id === suppressed)).toMatchObject({
      status: 'exited',
      exit_reason: 'manual',
    });
    expect(enrollments.find((row) => row.id === nameless)).toMatchObject({
      status: 'exited',
      exit_reason: 'error',
    });
    expect(mailsTo('anyone@sales.blocked.example.fr')).toHaveLength(0);
    const messages = await select(
      dataSource,
      fixture.organisationId,
      `SELECT 1 FROM outreach.messages`,
    );
    expect(messages).toHaveLength(0);
  });

  it('a 5xx on the recipient: message bounced, address suppressed, enrollment exited', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}, { delayDays: 1 }]);
    const address = `nobody-${fixture.organisationId.slice(0, 8)}@dupont.example.fr`;
    sink.setBehaviour({ rejectRecipients: (rcpt) => rcpt === address });
    const [enrollment = ''] = await enrollProspects(dataSource, fixture, 1, {
      email: () => address,
    });
    const [message] = await eventually(
      async () => {
        const rows = await select<{ status: string; error: string }>(
          dataSource,
          fixture.organisationId,
          `SELECT status, error FROM outreach.messages WHERE status = 'bounced'`,
        );
        return rows.length > 0 ? rows : undefined;
      },
      20_000,
      'a bounced message',
    );
    expect(message?.error).toMatch(/550/);
    const [suppression] = await select<{ value: string; reason: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT value, reason FROM delivery.suppressions`,
    );
    expect(suppression).toEqual({ value: address, reason: 'hard_bounce' });
    const [exited] = await select<{ status: string; exit_reason: string; caused_by: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT e.status, e.exit_reason, m.status AS caused_by
         FROM outreach.campaign_enrollments e
         JOIN outreach.messages m ON m.id = e.exit_message_id
        WHERE e.id = $1`,
      [enrollment],
    );
    // The exit names the bounced message that caused it.
    expect(exited).toEqual({ status: 'exited', exit_reason: 'bounced', caused_by: 'bounced' });
    const [task] = await tasks(fixture);
    expect(task?.status).toBe('failed');
    expect(task?.last_error).toMatch(/^bounced: /);
    expect(await tasks(fixture)).toHaveLength(1); // no next step
  });

  it('a 4xx is retried later with backoff, the message queued, the attempt used', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    const address = `later-${fixture.organisationId.slice(0, 8)}@dupont.example.fr`;
    sink.setBehaviour({ tempFailRecipients: (rcpt) => rcpt === address });
    await enrollProspects(dataSource, fixture, 1, { email: () => address });
    const [task] = await eventually(
      async () => {
        const rows = await tasks(fixture);
        return rows[0]?.status === 'pending' && rows[0].attempts === 1 ? rows : undefined;
      },
      8_000,
      `the task to wait for a retry ${JSON.stringify(await tasks(fixture))}`,
    );
    expect(task?.last_error).toMatch(/451/);
    expect(new Date(task?.next_attempt_at ?? 0).getTime()).toBeGreaterThan(Date.now());
    const [message] = await select<{ status: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT status FROM outreach.messages`,
    );
    expect(message?.status).toBe('queued');
  });

  it('a refused login puts the mailbox in error and the sends wait without using attempts', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port, password: 'wrong' }, [
      {},
    ]);
    await enrollProspects(dataSource, fixture, 1);
    const [mailbox] = await eventually(
      async () => {
        const rows = await select<{ status: string; last_error: string }>(
          dataSource,
          fixture.organisationId,
          `SELECT status, last_error FROM delivery.mailboxes`,
        );
        return rows[0]?.status === 'error' ? rows : undefined;
      },
      20_000,
      'the mailbox in error',
    );
    expect(mailbox?.last_error).toMatch(/auth/i);
    expect(mailbox?.last_error).not.toContain('wrong');
    const [task] = await tasks(fixture);
    expect(task).toMatchObject({ status: 'pending', attempts: 0 });
    expect(task?.last_error).toMatch(/refused the login/);
  });

  it('waits outside the sending window and for a paused enrollment, without using attempts', async () => {
    const hour = new Date().getUTCHours();
    const closed: [string, string] = hour < 12 ? ['13:00', '14:00'] : ['01:00', '02:00'];
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}], {
      window: closed,
    });
    await enrollProspects(dataSource, fixture, 1);
    const [task] = await eventually(
      async () => {
        const rows = await tasks(fixture);
        return rows[0]?.next_attempt_at ? rows : undefined;
      },
      20_000,
      'the task deferred',
    );
    expect(task).toMatchObject({ status: 'pending', attempts: 0 });
    expect(task?.last_error).toBe('waiting: outside the sending window');
    const next = new Date(task?.next_attempt_at ?? 0);
    expect(next.getUTCHours()).toBe(Number(closed[0].slice(0, 2)));
    expect(next.getUTCMinutes()).toBe(0);

    const open = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    const [paused = ''] = await enrollProspects(dataSource, open, 1);
    await inTenant(dataSource, open.organisationId, (manager) =>
      manager.query(`UPDATE outreach.campaign_enrollments SET status = 'paused' WHERE id = $1`, [
        paused,
      ]),
    );
    const [waiting] = await eventually(
      async () => {
        const rows = await tasks(open);
        return rows[0]?.last_error ? rows : undefined;
      },
      20_000,
      'the paused enrollment’s task deferred',
    );
    expect(waiting).toMatchObject({ status: 'pending', attempts: 0 });
    expect(waiting?.last_error).toBe('waiting: the enrollment is paused');
    const messages = await select(
      dataSource,
      open.organisationId,
      `SELECT 1 FROM outreach.messages`,
    );
    expect(messages).toHaveLength(0);
  });

  it('stops at the mailbox’s daily cap and waits for the next day’s opening, without using attempts', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port, dailyCap: 2 }, [{}]);
    await enrollProspects(dataSource, fixture, 4);
    const rows = await eventually(
      async () => {
        const found = await tasks(fixture);
        const sent = found.filter((task) => task.status === 'completed').length;
        const waiting = found.filter((task) => task.last_error?.startsWith('waiting: mailbox'));
        return sent === 2 && waiting.length === 2 ? found : undefined;
      },
      20_000,
      'two sends and two tasks waiting for tomorrow',
    );
    for (const task of rows.filter((row) => row.status === 'pending')) {
      expect(task.attempts).toBe(0);
      expect(task.last_error).toMatch(/sent its 2 e-mails of \d{4}-\d{2}-\d{2}/);
      const tomorrow = new Date();
      tomorrow.setUTCHours(24, 0, 0, 0);
      expect(new Date(task.next_attempt_at ?? 0).getTime()).toBe(tomorrow.getTime());
    }
    const [counter] = await select<{ sends: number }>(
      dataSource,
      fixture.organisationId,
      `SELECT sum(sends)::int AS sends FROM delivery.daily_sends`,
    );
    expect(counter?.sends).toBe(2);
    expect(
      await select(dataSource, fixture.organisationId, `SELECT 1 FROM outreach.messages`),
    ).toHaveLength(2);
  });

  it('assigns A/B variants once per enrollment by weight and sends each variant’s content', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    const [experiment] = await inTenant(dataSource, fixture.organisationId, async (manager) => {
      const rows = await manager.query<Array<{ id: string }>>(
        `INSERT INTO outreach.step_experiments (organisation_id, step_id, name, status, started_at)
         VALUES ($1, $2, 'Objet', 'running', now()) RETURNING id`,
        [fixture.organisationId, fixture.stepIds[0]],
      );
      await manager.query(
        `INSERT INTO outreach.step_experiment_variants
                (organisation_id, experiment_id, key, weight, subject_template, body_template)
         VALUES ($1, $2, 'A', 1, 'Variante A pour {{ company.name }}', 'Corps A'),
                ($1, $2, 'B', 1, 'Variante B pour {{ company.name }}', 'Corps B')`,
        [fixture.organisationId, rows[0]?.id],
      );
      return rows;
    });
    await enrollProspects(dataSource, fixture, 20);
    const rows = await eventually(
      async () => {
        const found = await select<{ key: string; subject: string; assigned: string }>(
          dataSource,
          fixture.organisationId,
          `SELECT v.key, m.subject, a.variant_id AS assigned
             FROM outreach.messages m
             JOIN outreach.step_experiment_variants v ON v.id = m.variant_id
             JOIN outreach.enrollment_step_variant_assignments a
               ON a.enrollment_id = m.enrollment_id AND a.experiment_id = m.step_experiment_id
            WHERE m.status = 'sent'`,
        );
        return found.length === 20 ? found : undefined;
      },
      30_000,
      'twenty sent messages',
    );
    const keys = new Set(rows.map((row) => row.key));
    expect(keys).toEqual(new Set(['A', 'B']));
    for (const row of rows)
      expect(row.subject).toMatch(new RegExp(`^Variante ${row.key} pour Dupont`));
    const assignments = await select(
      dataSource,
      fixture.organisationId,
      `SELECT 1 FROM outreach.enrollment_step_variant_assignments WHERE experiment_id = $1`,
      [experiment?.id],
    );
    expect(assignments).toHaveLength(20);
  });

  it('never re-sends a message left in sending: without IMAP it fails as uncertain', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}, { delayDays: 1 }]);
    const [enrollment = ''] = await enrollProspects(dataSource, fixture, 1);
    // What a worker that died between SMTP and commit leaves: the task running with an expired
    // lease, its message written (sending) and perhaps delivered.
    const messageId = `<left-${fixture.organisationId}@example.com>`;
    await inTenant(dataSource, fixture.organisationId, async (manager) => {
      await manager.query(
        `UPDATE outreach.tasks SET status = 'running', locked_by = 'dead-worker',
                locked_until = now() - interval '1 second', attempts = 1
          WHERE enrollment_id = $1`,
        [enrollment],
      );
      await manager.query(
        `INSERT INTO outreach.messages
                (organisation_id, direction, status, enrollment_id, task_id, mailbox_id, from_email,
                 to_email, subject, body_text, message_id)
         SELECT t.organisation_id, 'outbound', 'sending', t.enrollment_id, t.id, $2,
                'sophie@example.com', 'claire@example.fr', 'Bonjour', 'Bonjour', $3
           FROM outreach.tasks t WHERE t.enrollment_id = $1`,
        [enrollment, fixture.mailboxId, messageId],
      );
    });
    const [task] = await eventually(
      async () => {
        const rows = await tasks(fixture);
        return rows[0]?.status === 'failed' ? rows : undefined;
      },
      20_000,
      'the task failed as uncertain',
    );
    expect(task?.last_error).toMatch(/^uncertain: /);
    const [message] = await select<{ status: string; error: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT status, error FROM outreach.messages`,
    );
    expect(message?.status).toBe('failed');
    expect(message?.error).toMatch(/^uncertain: /);
    expect(sink.countsByMessageId().get(messageId)).toBeUndefined();
    expect(await tasks(fixture)).toHaveLength(1);
  });

  it('a send job cannot reach another organisation’s task', async () => {
    const victim = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    const attacker = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    // Due tomorrow: the scheduler leaves it alone, only the forged job could touch it.
    await enrollProspects(dataSource, victim, 1, {}, new Date(Date.now() + 86_400_000));
    const [task] = await tasks(victim);
    const connection = redisConnectionOptions(redis.url);
    const producer = new JobProducer({ connection });
    const queue = new Queue(deliveryQueue.name, { connection, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(deliveryQueue.name, { connection, prefix: QUEUE_PREFIX });
    try {
      await events.waitUntilReady();
      const { jobId } = await producer.enqueue(
        deliveryQueue,
        'send-step',
        { organisationId: attacker.organisationId, taskId: task?.id ?? '' },
        { jobId: `cross-${task?.id ?? ''}` },
      );
      const job = await queue.getJob(jobId);
      const result = (await job?.waitUntilFinished(events, 20_000)) as SendStepResult;
      expect(result).toEqual({ taskId: task?.id, outcome: 'stale', reason: 'no such task' });
    } finally {
      await events.close();
      await queue.close();
      await producer.close();
    }
    const [after] = await tasks(victim);
    expect(after).toMatchObject({ status: 'pending', attempts: 0, last_error: null });
    expect(
      await select(dataSource, victim.organisationId, `SELECT 1 FROM outreach.messages`),
    ).toHaveLength(0);
  });

  it('a send job naming an organisation that does not exist fails at once, its task untouched', async () => {
    const fixture = await seedCampaign(dataSource, { smtpPort: sink.port }, [{}]);
    await enrollProspects(dataSource, fixture, 1, {}, new Date(Date.now() + 86_400_000));
    const [task] = await tasks(fixture);
    const connection = redisConnectionOptions(redis.url);
    const producer = new JobProducer({ connection });
    const queue = new Queue(deliveryQueue.name, { connection, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(deliveryQueue.name, { connection, prefix: QUEUE_PREFIX });
    const nobody = '00000000-0000-4000-8000-000000000000';
    try {
      await events.waitUntilReady();
      const { jobId } = await producer.enqueue(
        deliveryQueue,
        'send-step',
        { organisationId: nobody, taskId: task?.id ?? '' },
        { jobId: `nobody-${task?.id ?? ''}`, attempts: 3 },
      );
      const job = await queue.getJob(jobId);
      await expect(job?.waitUntilFinished(events, 20_000)).rejects.toThrow(
        `job payload organisationId ${nobody} names no organisation`,
      );
      const failed = await queue.getJob(jobId);
      expect(failed?.attemptsMade).toBe(1);
    } finally {
      await events.close();
      await queue.close();
      await producer.close();
    }
    const [after] = await tasks(fixture);
    expect(after).toMatchObject({ status: 'pending', attempts: 0, last_error: null });
  });
});
