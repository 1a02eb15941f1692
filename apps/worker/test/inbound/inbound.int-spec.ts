import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import {
  createDataSource,
  createRepositories,
  CursorCodec,
  type OrganisationId,
} from '@outreach/db';
import {
  DovecotServer,
  freePort,
  OpenAiCompatibleServer,
  RedisServer,
  SmtpSink,
} from '@outreach/devstack';
import { inboundQueue, JobProducer, redisConnectionOptions } from '@outreach/jobs';
import { silentLog, testServiceEnv } from '@outreach/testing/http';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import { createWorker } from '../../src/worker.factory.js';
import {
  enrollProspects,
  eventually,
  inTenant,
  seedCampaign,
  select,
  type EngineFixture,
} from '../delivery/engine-fixture.js';

/** Dovecot users: each campaign's mailbox reads its own (other organisations never see it). */
const USERS = Array.from({ length: 12 }, (_, i) => ({
  username: `inbox-${String(i + 1)}`,
  password: `imap-secret-${String(i + 1)}`,
}));
type ImapUser = (typeof USERS)[number];

interface Sent {
  enrollmentId: string;
  messageRowId: string;
  messageId: string;
  toEmail: string;
  subject: string;
}

interface InboundRow {
  id: string;
  inbound_class: string;
  replied_to_message_id: string | null;
  enrollment_id: string | null;
  reply_text: string | null;
  classification_reason: string;
  returns_on: string | null;
}

/**
 * Inbound mail end to end in one worker (in process): the engine sends step 1 through a real
 * SMTP server, the prospect's answer lands in a real Dovecot (Maildir delivery), the worker's
 * IMAP sync (IDLE, polling every second) reads it, and the enrollment exits, pauses or is
 * suppressed in PostgreSQL 18 — or nothing changes, for another organisation's message.
 */
describe('inbound mail (PostgreSQL 18, Redis, SMTP, Dovecot)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let redis: RedisServer;
  let sink: SmtpSink;
  let dovecot: DovecotServer;
  let worker: INestApplicationContext;
  const llm = new OpenAiCompatibleServer({ apiKey: 'sk-inbound-test' });

  beforeAll(async () => {
    database = await createTestDatabase();
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'inbound-test' });
    await dataSource.initialize();
    redis = new RedisServer({ port: await freePort() });
    await redis.start();
    sink = await SmtpSink.start({ auth: { username: 'sink-user', password: 'sink-password' } });
    dovecot = new DovecotServer({
      port: await freePort(),
      users: USERS,
      sentFolder: 'Sent',
      folders: [
        { name: 'Bounces' },
        { name: 'Junk', specialUse: '\\Junk' },
        { name: 'Drafts', specialUse: '\\Drafts' },
      ],
    });
    await dovecot.start();
    await llm.start();
    const env = testServiceEnv(database.appUrl, {
      // Only an organisation with a reply_classification prompt has its replies shown to it.
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: 'sk-inbound-test',
      LLM_TIMEOUT_MS: '1000',
      LLM_MAX_RETRIES: '0',
      PORT: String(await freePort()),
      REDIS_URL: redis.url,
      CLAIM_EVERY_MS: '200',
      INBOUND_POLL_INTERVAL_MS: '1000',
      INBOUND_IDLE: 'true',
      INBOUND_CONCURRENCY: '16',
      INBOUND_MAX_MESSAGE_BYTES: '1048576',
      IMAP_TIMEOUT_MS: '5000',
      TRACKER_PUBLIC_URL: 'https://t.example.test',
    });
    ({ app: worker } = await createWorker(env, {
      logDestination: process.env.INBOUND_TEST_LOG ? process.stderr : silentLog,
    }));
  });

  afterAll(async () => {
    await worker.close();
    await llm.stop();
    await dovecot.stop();
    await sink.stop();
    await redis.stop();
    await dataSource.destroy();
    await database.drop();
  });

  let usersTaken = 0;

  /**
   * A new organisation with a campaign of two steps, its mailbox reading a Dovecot user of its
   * own, `count` prospects enrolled and step 1 sent to each.
   */
  async function sentCampaign(
    count: number,
    options: { email?: (index: number) => string; exitOnReply?: boolean } = {},
  ): Promise<{ fixture: EngineFixture; sent: Sent[]; user: ImapUser }> {
    const user = USERS[usersTaken];
    usersTaken += 1;
    if (!user) throw new Error('no Dovecot user left: add some to USERS');
    const fixture = await seedCampaign(
      dataSource,
      { smtpPort: sink.port, imap: { port: dovecot.port, ...user } },
      [{}, { delayDays: 3, exitOnReply: options.exitOnReply ?? true }],
    );
    const enrollments = await enrollProspects(
      dataSource,
      fixture,
      count,
      options.email ? { email: options.email } : {},
    );
    const sent = await eventually(
      async () => {
        const rows = await select<{
          enrollment_id: string;
          id: string;
          message_id: string;
          to_email: string;
          subject: string;
        }>(
          dataSource,
          fixture.organisationId,
          `SELECT enrollment_id, id, message_id, to_email, subject FROM outreach.messages
            WHERE direction = 'outbound' AND status = 'sent'`,
        );
        return rows.length === count ? rows : undefined;
      },
      20_000,
      `${String(count)} sent messages`,
    );
    return {
      fixture,
      user,
      sent: enrollments.map((enrollmentId) => {
        const row = sent.find((message) => message.enrollment_id === enrollmentId);
        if (!row) throw new Error(`no message sent for ${enrollmentId}`);
        return {
          enrollmentId,
          messageRowId: row.id,
          messageId: row.message_id,
          toEmail: row.to_email,
          subject: row.subject,
        };
      }),
    };
  }

  const enrollment = async (org: OrganisationId, id: string) =>
    (
      await select<{
        status: string;
        exit_reason: string | null;
        exit_message_id: string | null;
        paused_until: Date | null;
        pause_message_id: string | null;
      }>(
        dataSource,
        org,
        `SELECT status, exit_reason, exit_message_id, paused_until, pause_message_id
           FROM outreach.campaign_enrollments WHERE id = $1`,
        [id],
      )
    )[0];

  const inbound = (org: OrganisationId, where = 'true', parameters: unknown[] = []) =>
    select<InboundRow>(
      dataSource,
      org,
      `SELECT id, inbound_class, replied_to_message_id, enrollment_id, reply_text,
              classification_reason, returns_on::text
         FROM outreach.messages WHERE direction = 'inbound' AND ${where} ORDER BY created_at`,
      parameters,
    );

  const actions = (org: OrganisationId, messageId: string) =>
    select<{ action: string; exit_reason: string | null; reason: string }>(
      dataSource,
      org,
      `SELECT action, exit_reason, reason FROM delivery.inbound_actions
        WHERE message_id = $1 ORDER BY created_at, action`,
      [messageId],
    );

  function reply(
    to: Sent,
    body: string,
    headers: Record<string, string> = {},
    from = to.toEmail,
  ): string {
    const lines = {
      From: `Prospect <${from}>`,
      To: 'Sophie Martin <sophie@example.com>',
      Subject: `Re: ${to.subject}`,
      Date: new Date().toUTCString(),
      'Message-ID': `<${randomUUID()}@prospect.example.fr>`,
      'In-Reply-To': to.messageId,
      References: to.messageId,
      'MIME-Version': '1.0',
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Transfer-Encoding': '8bit',
      ...headers,
    };
    return `${Object.entries(lines)
      .filter(([, value]) => value !== '')
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n')}\r\n\r\n${body}\r\n`;
  }

  it('exits the enrollment on a human reply and cancels its next step; the same message twice and our own message change nothing', async () => {
    const { fixture, sent, user } = await sentCampaign(2);
    const [first, second] = sent as [Sent, Sent];
    const raw = reply(
      first,
      `Bonjour, oui cela m'intéresse, appelez-moi jeudi.\r\n\r\nLe lun. 5 janv. 2026, Sophie a écrit :\r\n> Se désinscrire : https://t.example.test/u/x`,
    );
    dovecot.deliver(user.username, 'INBOX', raw);
    dovecot.deliver(user.username, 'INBOX', raw);
    // A copy of our own message (e.g. a BCC to the mailbox) is not a reply.
    dovecot.deliver(
      user.username,
      'INBOX',
      reply(second, 'Bonjour', { 'Message-ID': second.messageId, 'In-Reply-To': '' }),
    );
    const exited = await eventually(
      async () => {
        const row = await enrollment(fixture.organisationId, first.enrollmentId);
        return row?.status === 'exited' ? row : undefined;
      },
      20_000,
      'the replied enrollment to exit',
    );
    const rows = await inbound(fixture.organisationId);
    expect(rows).toHaveLength(1);
    const [row] = rows as [InboundRow];
    expect(row).toMatchObject({
      inbound_class: 'human_reply',
      replied_to_message_id: first.messageRowId,
      enrollment_id: first.enrollmentId,
    });
    expect(row.reply_text).toBe("Bonjour, oui cela m'intéresse, appelez-moi jeudi.");
    expect(exited).toMatchObject({ exit_reason: 'replied', exit_message_id: row.id });
    expect(await actions(fixture.organisationId, row.id)).toEqual([
      expect.objectContaining({ action: 'exited', exit_reason: 'replied' }),
    ]);
    const tasks = await select<{ enrollment_id: string; status: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT enrollment_id, status FROM outreach.tasks WHERE step_id = $1`,
      [fixture.stepIds[1]],
    );
    expect(tasks.find((task) => task.enrollment_id === first.enrollmentId)?.status).toBe(
      'cancelled',
    );
    expect(tasks.find((task) => task.enrollment_id === second.enrollmentId)?.status).toBe(
      'pending',
    );
    expect((await enrollment(fixture.organisationId, second.enrollmentId))?.status).toBe('active');
  });

  it('exits colleagues at the same company when the campaign says so, and records a reply when the next step does not exit on reply', async () => {
    const { fixture, sent, user } = await sentCampaign(3, {
      email: (i) =>
        i === 3 ? `ext.${String(i)}@elsewhere.example.org` : `p${String(i)}@acme-btp.example.fr`,
    });
    await inTenant(dataSource, fixture.organisationId, (manager) =>
      manager.query(`UPDATE outreach.campaigns SET exit_company_on_reply = true WHERE id = $1`, [
        fixture.campaignId,
      ]),
    );
    const [replier, colleague, outsider] = sent as [Sent, Sent, Sent];
    dovecot.deliver(user.username, 'INBOX', reply(replier, 'Parlons-en la semaine prochaine.'));
    await eventually(
      async () =>
        (await enrollment(fixture.organisationId, colleague.enrollmentId))?.status === 'exited'
          ? true
          : undefined,
      20_000,
      'the colleague to exit',
    );
    expect(await enrollment(fixture.organisationId, replier.enrollmentId)).toMatchObject({
      status: 'exited',
      exit_reason: 'replied',
    });
    expect((await enrollment(fixture.organisationId, outsider.enrollmentId))?.status).toBe(
      'active',
    );

    const other = await sentCampaign(1, { exitOnReply: false });
    const [only] = other.sent as [Sent];
    dovecot.deliver(other.user.username, 'INBOX', reply(only, 'Merci, je regarde.'));
    const [row] = await eventually(
      async () => {
        const rows = await inbound(other.fixture.organisationId);
        return rows.length === 1 ? rows : undefined;
      },
      20_000,
      'the reply to be stored',
    );
    expect(await actions(other.fixture.organisationId, row?.id ?? '')).toEqual([
      expect.objectContaining({
        action: 'recorded',
        reason: 'a reply; the next step does not exit on reply: the sequence goes on',
      }),
    ]);
    expect((await enrollment(other.fixture.organisationId, only.enrollmentId))?.status).toBe(
      'active',
    );
  });

  it('pauses on an out-of-office with a return date until the day after, then the engine resumes it; without a date it only records', async () => {
    const { fixture, sent, user } = await sentCampaign(2);
    const [away, vague] = sent as [Sent, Sent];
    const back = new Date(Date.now() + 10 * 86_400_000);
    const day = back.getUTCDate();
    const month =
      [
        'janvier',
        'février',
        'mars',
        'avril',
        'mai',
        'juin',
        'juillet',
        'août',
        'septembre',
        'octobre',
        'novembre',
        'décembre',
      ][back.getUTCMonth()] ?? 'janvier';
    dovecot.deliver(
      user.username,
      'INBOX',
      reply(away, `Bonjour,\r\nJe suis absente du bureau, de retour le ${String(day)} ${month}.`, {
        Subject: `Réponse automatique : ${away.subject}`,
        'Auto-Submitted': 'auto-replied',
      }),
    );
    dovecot.deliver(
      user.username,
      'INBOX',
      reply(vague, 'I am currently out of the office with limited access to e-mail.', {
        Subject: `Automatic reply: ${vague.subject}`,
        'X-Autoreply': 'yes',
      }),
    );
    const paused = await eventually(
      async () => {
        const row = await enrollment(fixture.organisationId, away.enrollmentId);
        return row?.status === 'paused' ? row : undefined;
      },
      20_000,
      'the out-of-office enrollment to pause',
    );
    const [ooo] = await inbound(fixture.organisationId, 'enrollment_id = $1', [away.enrollmentId]);
    const expectedDay = back.toISOString().slice(0, 10);
    expect(ooo).toMatchObject({ inbound_class: 'out_of_office', returns_on: expectedDay });
    // The campaign's timezone is UTC in this fixture: the day after, at midnight.
    expect(paused.paused_until?.getTime()).toBe(
      Date.parse(`${expectedDay}T00:00:00Z`) + 86_400_000,
    );
    expect(paused.pause_message_id).toBe(ooo?.id);
    const [task] = await select<{ due_at: Date }>(
      dataSource,
      fixture.organisationId,
      `SELECT due_at FROM outreach.tasks WHERE enrollment_id = $1 AND step_id = $2`,
      [away.enrollmentId, fixture.stepIds[1]],
    );
    expect(task?.due_at.getTime()).toBeGreaterThanOrEqual(paused.paused_until?.getTime() ?? 0);

    const [recorded] = await eventually(
      async () => {
        const rows = await inbound(fixture.organisationId, 'enrollment_id = $1', [
          vague.enrollmentId,
        ]);
        return rows.length === 1 ? rows : undefined;
      },
      20_000,
      'the out-of-office without a date to be stored',
    );
    expect(recorded?.inbound_class).toBe('out_of_office');
    expect((await enrollment(fixture.organisationId, vague.enrollmentId))?.status).toBe('active');

    // The return passed: the engine's context read lifts the pause and sends step 2.
    await inTenant(dataSource, fixture.organisationId, async (manager) => {
      await manager.query(
        `UPDATE outreach.campaign_enrollments SET paused_until = now() - interval '1 second' WHERE id = $1`,
        [away.enrollmentId],
      );
      await manager.query(
        `UPDATE outreach.tasks SET due_at = now() WHERE enrollment_id = $1 AND step_id = $2`,
        [away.enrollmentId, fixture.stepIds[1]],
      );
    });
    await eventually(
      async () => {
        const rows = await select<{ status: string }>(
          dataSource,
          fixture.organisationId,
          `SELECT status FROM outreach.tasks WHERE enrollment_id = $1 AND step_id = $2`,
          [away.enrollmentId, fixture.stepIds[1]],
        );
        return rows[0]?.status === 'completed' ? true : undefined;
      },
      20_000,
      'step 2 to be sent after the pause',
    );
    expect((await enrollment(fixture.organisationId, away.enrollmentId))?.status).not.toBe(
      'paused',
    );
  });

  it('suppresses and exits on a hard bounce (Bounces folder) and on an unsubscribe in words; never reads Junk or Drafts', async () => {
    const { fixture, sent, user } = await sentCampaign(3);
    const [bounced, unsubscribed, junk] = sent as [Sent, Sent, Sent];
    const dsn = [
      'From: MAILER-DAEMON@mx.example.com (Mail Delivery System)',
      'To: sophie@example.com',
      'Subject: Undelivered Mail Returned to Sender',
      `Date: ${new Date().toUTCString()}`,
      `Message-ID: <${randomUUID()}@mx.example.com>`,
      'Auto-Submitted: auto-replied',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B1"',
      '',
      '--B1',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      `<${bounced.toEmail}>: host mx said: 550 5.1.1 User unknown`,
      '',
      '--B1',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.com',
      '',
      `Final-Recipient: rfc822; ${bounced.toEmail}`,
      'Action: failed',
      'Status: 5.1.1',
      '',
      '--B1',
      'Content-Type: text/rfc822-headers',
      '',
      `To: ${bounced.toEmail}`,
      `Message-ID: ${bounced.messageId}`,
      '',
      '--B1--',
      '',
    ].join('\r\n');
    dovecot.deliver(user.username, 'Bounces', dsn);
    dovecot.deliver(
      user.username,
      'INBOX',
      reply(unsubscribed, 'Merci de me désinscrire, je ne souhaite plus recevoir vos messages.'),
    );
    dovecot.deliver(user.username, 'Junk', reply(junk, 'Oui, appelez-moi.'));
    dovecot.deliver(user.username, 'Drafts', reply(junk, 'Brouillon : oui, appelez-moi.'));
    await eventually(
      async () => {
        const a = await enrollment(fixture.organisationId, bounced.enrollmentId);
        const b = await enrollment(fixture.organisationId, unsubscribed.enrollmentId);
        return a?.status === 'exited' && b?.status === 'exited' ? true : undefined;
      },
      20_000,
      'the bounced and unsubscribed enrollments to exit',
    );
    expect(await enrollment(fixture.organisationId, bounced.enrollmentId)).toMatchObject({
      exit_reason: 'bounced',
    });
    expect(await enrollment(fixture.organisationId, unsubscribed.enrollmentId)).toMatchObject({
      exit_reason: 'unsubscribed',
    });
    const suppressions = await select<{ value: string; reason: string; source_message_id: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT value, reason, source_message_id FROM delivery.suppressions ORDER BY reason`,
    );
    expect(suppressions.map(({ value, reason }) => ({ value, reason }))).toEqual([
      { value: bounced.toEmail, reason: 'hard_bounce' },
      { value: unsubscribed.toEmail, reason: 'unsubscribed' },
    ]);
    const [outbound] = await select<{ status: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT status FROM outreach.messages WHERE id = $1`,
      [bounced.messageRowId],
    );
    expect(outbound?.status).toBe('bounced');
    // Junk and Drafts are never read: the third prospect's "reply" there changed nothing.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect((await enrollment(fixture.organisationId, junk.enrollmentId))?.status).toBe('active');
    const folders = await select<{ folder: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT folder FROM delivery.mailbox_sync_states ORDER BY folder`,
    );
    expect(folders.map((row) => row.folder)).toEqual(['Bounces', 'INBOX']);
  });

  it('lets the organisation’s reply_classification prompt refine a class decided from words, and keeps the rules’ class when the LLM fails', async () => {
    const { fixture, sent, user } = await sentCampaign(3);
    const [polite, slow, bounced] = sent as [Sent, Sent, Sent];
    const org = fixture.organisationId;
    await inTenant(dataSource, org, (manager) =>
      createRepositories(
        manager,
        new CursorCodec('inbound-test-cursor-secret'),
      ).promptVersions.createVersion(org, {
        name: 'tri des réponses',
        purpose: 'reply_classification',
        content: 'Une demande de ne plus être contacté, même polie, est une désinscription.',
      }),
    );
    const before = llm.completionRequests.length;
    // The rules see a person writing back; the organisation's prompt calls it an unsubscribe.
    llm.respondOnce({
      kind: 'reply',
      content: '{"class":"unsubscribe_request","reason":"asks not to be contacted again"}',
    });
    dovecot.deliver(
      user.username,
      'INBOX',
      reply(polite, "Merci mais ce n'est pas pour nous, inutile de revenir vers moi."),
    );
    await eventually(
      async () => (await enrollment(org, polite.enrollmentId))?.status === 'exited' || undefined,
      20_000,
      'the refined reply to exit its enrollment',
    );
    expect(await enrollment(org, polite.enrollmentId)).toMatchObject({
      exit_reason: 'unsubscribed',
    });
    const [refined] = await inbound(org, 'enrollment_id = $1', [polite.enrollmentId]);
    expect(refined?.inbound_class).toBe('unsubscribe_request');
    expect(refined?.classification_reason).toContain(
      'LLM (prompt tri des réponses v1, gpt-4o-mini): asks not to be contacted again',
    );
    expect(refined?.classification_reason).toContain('the rules said human_reply');
    const suppressed = await select<{ value: string; reason: string }>(
      dataSource,
      org,
      `SELECT value, reason FROM delivery.suppressions`,
    );
    expect(suppressed).toEqual([{ value: polite.toEmail, reason: 'unsubscribed' }]);

    // The LLM does not answer in time: the rules' class stands, and the reason says why.
    llm.respondOnce({ kind: 'reply', content: '{"class":"auto_reply"}', delayMs: 3_000 });
    dovecot.deliver(user.username, 'INBOX', reply(slow, 'Oui, appelez-moi jeudi.'));
    await eventually(
      async () => (await enrollment(org, slow.enrollmentId))?.status === 'exited' || undefined,
      20_000,
      'the reply with a failed refinement to exit its enrollment',
    );
    expect(await enrollment(org, slow.enrollmentId)).toMatchObject({ exit_reason: 'replied' });
    const [kept] = await inbound(org, 'enrollment_id = $1', [slow.enrollmentId]);
    expect(kept?.inbound_class).toBe('human_reply');
    expect(kept?.classification_reason).toMatch(
      /^a person wrote back; LLM \(prompt tri des réponses v1\) not used: the LLM did not answer within 1000 ms/,
    );

    // A bounce is decided by its delivery report: never shown to the LLM.
    dovecot.deliver(
      user.username,
      'INBOX',
      reply(bounced, 'Delivery failed', {
        From: 'MAILER-DAEMON@mx.example.com',
        Subject: 'Undelivered Mail Returned to Sender',
        'X-Failed-Recipients': bounced.toEmail,
        'Auto-Submitted': 'auto-replied',
      }),
    );
    await eventually(
      async () => (await enrollment(org, bounced.enrollmentId))?.status === 'exited' || undefined,
      20_000,
      'the bounced enrollment to exit',
    );
    expect(llm.completionRequests.length - before).toBe(2);
  });

  it('touches nothing of another organisation when its message is answered to our mailbox', async () => {
    const a = await sentCampaign(1);
    const b = await sentCampaign(1, { email: () => 'someone.else@other-org.example.fr' });
    const [theirs] = a.sent as [Sent];
    // Mailbox B receives an answer to organisation A's message.
    dovecot.deliver(b.user.username, 'INBOX', reply(theirs, 'Oui, intéressé.'));
    const [stored] = await eventually(
      async () => {
        const rows = await inbound(b.fixture.organisationId);
        return rows.length === 1 ? rows : undefined;
      },
      20_000,
      'the message to be stored in organisation B',
    );
    expect(stored).toMatchObject({ replied_to_message_id: null, enrollment_id: null });
    expect(await actions(b.fixture.organisationId, stored?.id ?? '')).toEqual([
      expect.objectContaining({ action: 'recorded' }),
    ]);
    expect((await enrollment(a.fixture.organisationId, theirs.enrollmentId))?.status).toBe(
      'active',
    );
    expect(await inbound(a.fixture.organisationId)).toEqual([]);
  });

  it('skips a malformed message, reads one in an unknown charset and one with a 30 MB attachment, and goes on with the folder', async () => {
    const { fixture, sent, user } = await sentCampaign(3);
    const [charset, big, after] = sent as [Sent, Sent, Sent];
    dovecot.deliver(user.username, 'INBOX', Buffer.from([0x00, 0xff, 0xfe, 0x0a, 0x0a, 0x01]));
    dovecot.deliver(
      user.username,
      'INBOX',
      reply(charset, 'Thank you, I am interested.', {
        'Content-Type': 'text/plain; charset="x-klingon-9"',
      }),
    );
    const attachment = Buffer.alloc(30 * 1024 * 1024, 7)
      .toString('base64')
      .replace(/.{76}/g, '$&\r\n');
    const bigRaw = reply(big, '', {
      'Content-Type': 'multipart/mixed; boundary="BIG"',
    }).replace(
      /\r\n\r\n\r\n$/,
      `\r\n\r\n--BIG\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoici notre catalogue, appelez-moi.\r\n--BIG\r\nContent-Type: application/pdf; name="catalogue.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${attachment}\r\n--BIG--\r\n`,
    );
    dovecot.deliver(user.username, 'INBOX', bigRaw);
    dovecot.deliver(user.username, 'INBOX', reply(after, 'Et moi aussi, intéressé.'));
    await eventually(
      async () => {
        const rows = await select<{ status: string }>(
          dataSource,
          fixture.organisationId,
          `SELECT status FROM outreach.campaign_enrollments WHERE status = 'exited'`,
        );
        return rows.length === 3 ? true : undefined;
      },
      40_000,
      'the three readable replies to exit their enrollments',
    );
    const rows = await inbound(fixture.organisationId);
    expect(rows.map((row) => row.inbound_class)).toEqual([
      'human_reply',
      'human_reply',
      'human_reply',
    ]);
    expect(rows.some((row) => /unknown charset x-klingon-9/.test(row.classification_reason))).toBe(
      true,
    );
  }, 60_000);

  it('processes a message pushed through the api (process-message job) like a fetched one, and three soft bounces in five sends as a hard one', async () => {
    const { fixture, sent } = await sentCampaign(2);
    const [pushed, soft] = sent as [Sent, Sent];
    const producer = new JobProducer({ connection: redisConnectionOptions(redis.url) });
    const enqueue = (raw: string) =>
      producer.enqueue(
        inboundQueue,
        'process-message',
        {
          organisationId: fixture.organisationId,
          mailboxId: fixture.mailboxId,
          raw: Buffer.from(raw).toString('base64'),
          receivedAt: new Date().toISOString(),
        },
        { jobId: randomUUID() },
      );
    const delayed = (n: number) =>
      reply(soft, `<${soft.toEmail}>: 452 4.2.2 Mailbox full (${String(n)})`, {
        From: 'MAILER-DAEMON@mx.example.com',
        Subject: 'Delayed Mail (still being retried)',
        'Content-Type': 'text/plain; charset=us-ascii',
        'X-Failed-Recipients': soft.toEmail,
        'In-Reply-To': soft.messageId,
      });
    try {
      await enqueue(reply(pushed, 'Reçu par la passerelle : oui, intéressé.'));
      await enqueue(delayed(1));
      await enqueue(delayed(2));
      await eventually(
        async () =>
          (await enrollment(fixture.organisationId, pushed.enrollmentId))?.status === 'exited'
            ? true
            : undefined,
        20_000,
        'the pushed reply to exit its enrollment',
      );
      // Two soft bounces of the same send: one send bounced softly, not three.
      expect((await enrollment(fixture.organisationId, soft.enrollmentId))?.status).toBe('active');
      // Two more sends to the address, each bounced softly: three of the last five.
      for (const n of [2, 3]) {
        const messageId = `<soft-${String(n)}-${randomUUID()}@example.com>`;
        await inTenant(dataSource, fixture.organisationId, (manager) =>
          manager.query(
            `INSERT INTO outreach.messages (organisation_id, direction, status, enrollment_id,
                    position_id, mailbox_id, from_email, to_email, subject, message_id, sent_at)
             SELECT organisation_id, 'outbound', 'sent', enrollment_id, position_id, mailbox_id,
                    from_email, to_email, subject, $2, now() + make_interval(secs => $3)
               FROM outreach.messages WHERE id = $1`,
            [soft.messageRowId, messageId, n],
          ),
        );
        await enqueue(delayed(n + 10).replace(soft.messageId, messageId));
      }
      const exited = await eventually(
        async () => {
          const row = await enrollment(fixture.organisationId, soft.enrollmentId);
          return row?.status === 'exited' ? row : undefined;
        },
        20_000,
        'three soft bounces to exit the enrollment',
      );
      expect(exited.exit_reason).toBe('bounced');
      const [suppression] = await select<{ reason: string }>(
        dataSource,
        fixture.organisationId,
        `SELECT reason FROM delivery.suppressions WHERE value = $1`,
        [soft.toEmail],
      );
      expect(suppression?.reason).toBe('hard_bounce');
    } finally {
      await producer.close();
    }
  });

  it('resumes after Dovecot is killed mid-session, and reads a folder again after its UIDVALIDITY changed without storing anything twice', async () => {
    const { fixture, sent, user } = await sentCampaign(3);
    const [first, second, third] = sent as [Sent, Sent, Sent];
    dovecot.deliver(user.username, 'INBOX', reply(first, 'Premier : intéressé.'));
    await eventually(
      async () => ((await inbound(fixture.organisationId)).length === 1 ? true : undefined),
      20_000,
      'the first reply',
    );
    const [before] = await select<{ uid_validity: string }>(
      dataSource,
      fixture.organisationId,
      `SELECT uid_validity FROM delivery.mailbox_sync_states WHERE folder = 'INBOX'`,
    );

    // The worker holds an IDLE session: kill the server under it.
    await dovecot.kill();
    dovecot.deliver(user.username, 'INBOX', reply(second, 'Deuxième : intéressé.'));
    await eventually(
      async () => {
        const rows = await select<{ last_error: string | null }>(
          dataSource,
          fixture.organisationId,
          `SELECT last_error FROM delivery.mailbox_sync_states WHERE folder = 'INBOX'`,
        );
        return rows[0]?.last_error ? rows[0].last_error : undefined;
      },
      20_000,
      'the sync error to be recorded',
    );
    // New UIDVALIDITY while the server is down (the folder was rebuilt): UIDs start over.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    dovecot.resetUidValidity(user.username, 'INBOX');
    dovecot.deliver(user.username, 'INBOX', reply(third, 'Troisième : intéressé.'));
    await dovecot.start();

    await eventually(
      async () => ((await inbound(fixture.organisationId)).length === 3 ? true : undefined),
      30_000,
      'the second and third replies after the restart',
    );
    const [afterRows] = await select<{ uid_validity: string; last_error: string | null }>(
      dataSource,
      fixture.organisationId,
      `SELECT uid_validity, last_error FROM delivery.mailbox_sync_states WHERE folder = 'INBOX'`,
    );
    expect(afterRows?.uid_validity).not.toBe(before?.uid_validity);
    expect(afterRows?.last_error).toBeNull();
    // Everything in the folder was read again; each message is stored once.
    expect(await inbound(fixture.organisationId)).toHaveLength(3);
    for (const prospect of [first, second, third]) {
      expect((await enrollment(fixture.organisationId, prospect.enrollmentId))?.status).toBe(
        'exited',
      );
    }
  }, 90_000);
});
