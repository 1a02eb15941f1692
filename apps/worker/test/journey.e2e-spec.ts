import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  AppProcess,
  DovecotServer,
  freePort,
  RedisServer,
  type PgBouncerServer,
  SmtpSink,
} from '@outreach/devstack';
import {
  ApiClient,
  runJourney,
  type ActedMessage,
  type JourneyResult,
  type StatsFigures,
} from '@outreach/devstack/journey';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import { startTestBouncer } from './delivery/worker-process.js';

/*
 * The whole product once, as real processes: the built api, worker and tracker (dist/main.js)
 * against PostgreSQL 18 behind pgBouncer (transaction mode), a Redis of their own, an SMTP
 * server (SmtpSink) and an IMAP server (Dovecot). The journey (`@outreach/devstack/journey`, the
 * same code `pnpm demo` runs against the local stack) imports the sample Pharow CSV through the
 * api, builds a three-step campaign with an A/B test on step 1, enrolls 12 prospects, lets the
 * worker send, opens pixels as people and as Apple's proxy, unsubscribes one prospect in one
 * click, has one address refused by the SMTP server (bounce), and delivers a reply and an
 * auto-reply into the mailbox's IMAP inbox. Every count the api reports is then checked against
 * what the journey did.
 */

const root = fileURLToPath(new URL('../../../', import.meta.url));
const main = (app: string): string => join(root, `apps/${app}/dist/main.js`);
const SAMPLE = join(root, 'packages/pharow/fixtures/pharow-sample.csv');
const MAILBOX = { username: 'ventes@demo.example.fr', password: 'journey-imap-password' };
const ENROLLED = 12;
const TOO_SOON_SECONDS = 2;

describe('the journey (e2e): import → campaign → sends → opens, answers, unsubscribe → stats', () => {
  const dir = mkdtempSync(join(tmpdir(), 'outreach-journey-'));
  chmodSync(dir, 0o755);
  let database: TestDatabase;
  let redis: RedisServer;
  let bouncer: PgBouncerServer;
  let sink: SmtpSink;
  let imap: DovecotServer;
  const apps: AppProcess[] = [];
  /** What beforeAll started, stopped in reverse order whatever failed. */
  const stops: Array<() => Promise<unknown>> = [];
  let apiUrl: string;
  let token: string;
  let databaseUrl: string;
  let result: JourneyResult;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    stops.push(() => database.drop());
    redis = new RedisServer({ port: await freePort(), dir });
    await redis.start();
    stops.push(() => redis.stop());
    ({ bouncer, url: databaseUrl } = await startTestBouncer(database, dir, 20));
    stops.push(() => bouncer.stop());
    sink = await SmtpSink.start();
    stops.push(() => sink.stop());
    imap = new DovecotServer({ port: await freePort(), users: [MAILBOX], sentFolder: 'Sent' });
    await imap.start();
    stops.push(() => imap.stop());

    const common = { DATABASE_URL: databaseUrl, REDIS_URL: redis.url, NODE_ENV: 'test' };
    const start = async (app: string, env: Record<string, string>): Promise<AppProcess> => {
      const started = await AppProcess.start({
        main: main(app),
        env: { ...common, ...env },
        startTimeoutMs: 90_000,
      });
      apps.push(started);
      return started;
    };
    const api = await start('api', {});
    const tracker = await start('tracker', {
      OPEN_TOO_SOON_SECONDS: String(TOO_SOON_SECONDS),
      OPEN_FLUSH_INTERVAL_MS: '100',
    });
    await start('worker', {
      TRACKER_PUBLIC_URL: tracker.url,
      CLAIM_EVERY_MS: '200',
      INBOUND_POLL_INTERVAL_MS: '1000',
    });
    apiUrl = api.url;
    token = await mintToken('owner@journey.example.fr');

    result = await journey().catch((error: unknown) => {
      // The journey's steps and the apps' warnings say where it stopped.
      const logs = apps.map((app) => `${app.url}: ${app.log.slice(-3_000)}`).join('\n');
      throw new Error(`${String(error)}\n${lines.join('\n')}\n${logs}`, { cause: error });
    });
  }, 360_000);

  const journey = async (): Promise<JourneyResult> =>
    runJourney({
      apiUrl,
      token,
      csv: { fileName: 'pharow-sample.csv', bytes: readFileSync(SAMPLE) },
      mailbox: {
        emailAddress: MAILBOX.username,
        displayName: 'Équipe Ventes',
        smtp: { host: sink.host, port: sink.port },
        imap: { host: imap.host, port: imap.port, ...MAILBOX },
      },
      enroll: ENROLLED,
      mails: () => sink.received,
      rejectAtSmtp: (address) => {
        sink.setBehaviour({ rejectRecipients: (rcpt) => rcpt === address });
      },
      reportBounce: true,
      tooSoonSeconds: TOO_SOON_SECONDS,
      inboundWaitMs: 60_000,
      timeoutMs: 90_000,
      log: (line) => {
        lines.push(line);
        if (process.env.JOURNEY_LOG) process.stderr.write(`journey: ${line}\n`);
      },
      label: 'journey',
    });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill()));
    for (const stop of stops.reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  /** The api's token command, as the README documents it (creates the user, prints a token). */
  async function mintToken(email: string): Promise<string> {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [join(root, 'apps/api/dist/cli/mint-token.js'), '--email', email],
      { env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test' } },
    );
    return stdout.trim();
  }

  /** The bounce the SMTP server refused (its message never reached the server). */
  const isRefused = (message: ActedMessage): boolean =>
    !sink.received.some((mail) => mail.to.includes(message.toEmail));

  type Where = (message: { stepOrder: number; variantKey: string | null }) => boolean;
  const count = (messages: ActedMessage[], where: Where) => messages.filter(where).length;
  const unique = (messages: ActedMessage[], where: Where) =>
    new Set(messages.filter(where).map((message) => message.messageId)).size;

  /** Every figure of `GET …/stats` for the messages `where` selects, from what the journey did. */
  function expected(where: Where): Omit<StatsFigures, 'enrolled' | 'rates'> {
    const outbound = result.messages
      .map((message) => ({
        ...message,
        variantKey: message.variantId ? (result.variants.get(message.variantId) ?? null) : null,
      }))
      .filter(where);
    const sent = outbound.filter((message) => ['sent', 'bounced'].includes(message.status)).length;
    const bounced = outbound.filter((message) => message.status === 'bounced').length;
    const { humanOpens, proxyOpens, replies, autoReplies, unsubscribes } = result.actions;
    return {
      sent,
      delivered: sent - bounced,
      bounced,
      hardBounced: bounced,
      softBounced: 0,
      uniqueHumanOpens: unique(humanOpens, where),
      totalOpens: count(humanOpens, where) + count(proxyOpens, where),
      humanOpens: count(humanOpens, where),
      machineOpens: count(proxyOpens, where),
      humanReplies: count(replies, where),
      autoReplies: count(autoReplies, where),
      unsubscribes: count(unsubscribes, where),
    };
  }

  it('sends steps 1 and 2 at once, to the refused address only step 1, and step 3 waits', () => {
    const outbound = result.messages;
    const status = (wanted: string) => outbound.filter((message) => message.status === wanted);
    // 12 × steps 1 and 2, less the refused address's step 2; step 3 is due tomorrow.
    expect(outbound).toHaveLength(ENROLLED * 2 - 1);
    expect(outbound.filter((message) => message.stepOrder === 1)).toHaveLength(ENROLLED);
    expect(outbound.filter((message) => message.stepOrder === 2)).toHaveLength(ENROLLED - 1);
    // Two bounces: one refused by the SMTP server, one reported later by a DSN read from IMAP.
    expect(result.actions.bounces).toHaveLength(2);
    expect(result.actions.bounces.filter(isRefused)).toHaveLength(1);
    expect(
      status('bounced')
        .map((message) => message.id)
        .sort(),
    ).toEqual(result.actions.bounces.map((message) => message.messageId).sort());
    expect(status('sent')).toHaveLength(ENROLLED * 2 - 3);
    // At the SMTP server: every accepted message exactly once (the reported one was accepted).
    expect(sink.duplicates()).toEqual([]);
    expect(sink.received).toHaveLength(ENROLLED * 2 - 2);
    // Step 1 split between the two variants, both used.
    const keys = outbound
      .filter((message) => message.stepOrder === 1)
      .map((message) => result.variants.get(message.variantId ?? ''));
    expect(new Set(keys)).toEqual(new Set(['A', 'B']));
  });

  it('reports every count of the campaign, per step and per A/B variant (GET …/stats)', () => {
    const stats = result.stats;
    expect(stats).not.toBeNull();
    if (stats === null) return;
    expect(result.actions.humanOpens.length).toBeGreaterThan(0);
    expect(result.actions.proxyOpens.length).toBeGreaterThan(0);
    expect(stats.total).toMatchObject({ ...expected(() => true), enrolled: ENROLLED });
    expect(stats.total).toMatchObject({
      humanReplies: 1,
      autoReplies: 1,
      unsubscribes: 1,
      bounced: 2,
      hardBounced: 2,
    });
    expect(stats.total.rates.open).toEqual({
      numerator: stats.total.uniqueHumanOpens,
      denominator: stats.total.delivered,
      rate: stats.total.uniqueHumanOpens / stats.total.delivered,
    });
    expect(stats.steps.map((step) => step.stepOrder)).toEqual([1, 2, 3]);
    for (const step of stats.steps) {
      expect({ step: step.stepOrder, ...step }).toMatchObject({
        step: step.stepOrder,
        ...expected((message) => message.stepOrder === step.stepOrder),
      });
    }
    expect(stats.variants.map((variant) => variant.variantKey).sort()).toEqual(['A', 'B']);
    for (const variant of stats.variants) {
      const assigned = result.messages.filter(
        (message) => message.stepOrder === 1 && message.variantId === variant.variantId,
      ).length;
      expect({ key: variant.variantKey, ...variant }).toMatchObject({
        key: variant.variantKey,
        enrolled: assigned,
        ...expected((message) => message.variantKey === variant.variantKey),
      });
    }
  });

  it('states the A/B verdict on the human open rate (GET …/experiments)', () => {
    const decision = result.experiments?.experiments[0];
    expect(result.experiments?.experiments).toHaveLength(1);
    expect(decision).toMatchObject({ experimentId: result.experimentId, metric: 'open_rate' });
    // 12 prospects cannot decide anything: the api says so and how many more it needs.
    expect(decision?.assessment.verdict).toBe('not_enough_data');
    for (const variant of decision?.assessment.variants ?? []) {
      const where: Where = (message) =>
        message.stepOrder === 1 && message.variantKey === variant.key;
      const figures = expected(where);
      expect(variant).toMatchObject({
        delivered: figures.delivered,
        conversions: figures.uniqueHumanOpens,
      });
      expect(variant.sampleNeeded).toBeGreaterThan(0);
    }
  });

  it('stops the sequence for who answered, unsubscribed or bounced; pauses who is away', async () => {
    const api = new ApiClient(apiUrl, token);
    const org = `/organisations/${result.organisationId}`;
    const enrollments = await api.all<{
      status: string;
      exitReason: string | null;
      pausedUntil: string | null;
    }>(`${org}/campaigns/${result.campaignId}/enrollments`);
    const state = (enrollment: { status: string; exitReason: string | null }) =>
      `${enrollment.status}${enrollment.exitReason ? ` ${enrollment.exitReason}` : ''}`;
    expect(enrollments.map(state).sort()).toEqual(
      [
        ...Array<string>(ENROLLED - 5).fill('active'),
        'exited bounced', // refused at RCPT
        'exited bounced', // the DSN read from IMAP
        'exited replied',
        'exited unsubscribed',
        'paused', // out of office until 15 January
      ].sort(),
    );
    const paused = enrollments.find((enrollment) => enrollment.status === 'paused');
    expect(paused?.pausedUntil?.slice(5, 10)).toMatch(/^01-1[56]$/);
    // Step 3 (a day later) waits for the active and the paused; it is cancelled for the three
    // who stopped after step 2 (the refused address never got that far).
    const tasks = await api.all<{ status: string; stepId: string; lastError: string | null }>(
      `${org}/campaigns/${result.campaignId}/tasks`,
    );
    const third = tasks.filter((task) => task.stepId === result.stepIds[2]);
    expect(third.map((task) => task.lastError ?? task.status).sort()).toEqual(
      [
        ...Array<string>(ENROLLED - 4).fill('pending'),
        'cancelled: the enrollment exited (bounced)',
        'cancelled: the enrollment exited (replied)',
        'cancelled: the enrollment exited (unsubscribed)',
      ].sort(),
    );
    const [unsubscribed] = result.actions.unsubscribes as [ActedMessage];
    const suppressions = await api.all<{ value: string; reason: string }>(`${org}/suppressions`);
    const byValue = (a: { value: string }, b: { value: string }) => a.value.localeCompare(b.value);
    expect(suppressions.map(({ value, reason }) => ({ value, reason })).sort(byValue)).toEqual(
      [
        ...result.actions.bounces.map((message) => ({
          value: message.toEmail,
          reason: 'hard_bounce',
        })),
        { value: unsubscribed.toEmail, reason: 'unsubscribed' },
      ].sort(byValue),
    );
  });

  it('reads the reply, the auto-reply and the bounce report from IMAP', () => {
    expect(result.actions.replies).toHaveLength(1);
    expect(result.actions.autoReplies).toHaveLength(1);
    const reported = result.actions.bounces.find((message) => !isRefused(message));
    const senders = result.inbound.map((message) => (message as { fromEmail?: string }).fromEmail);
    expect(senders.sort()).toEqual(
      [
        result.actions.replies[0]?.toEmail,
        result.actions.autoReplies[0]?.toEmail,
        `mailer-daemon@${reported?.toEmail.split('@')[1] ?? ''}`,
      ].sort(),
    );
  });

  it("keeps the campaign from another organisation's users", async () => {
    const stranger = new ApiClient(apiUrl, await mintToken('stranger@journey.example.fr'));
    const other = await stranger.call<{ id: string }>('POST', '/organisations', { name: 'Autre' });
    for (const organisationId of [result.organisationId, other.id]) {
      for (const route of ['stats', 'experiments', 'open-stats', 'messages']) {
        const path = `/organisations/${organisationId}/campaigns/${result.campaignId}/${route}`;
        expect({ path, status: (await stranger.raw('GET', path)).status }).toEqual({
          path,
          status: 404,
        });
      }
    }
  });
});
