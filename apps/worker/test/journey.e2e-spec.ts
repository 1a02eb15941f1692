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
  PgBouncerServer,
  RedisServer,
  SmtpSink,
} from '@outreach/devstack';
import {
  ApiClient,
  runJourney,
  type ActedMessage,
  type JourneyResult,
  type OpenFigures,
} from '@outreach/devstack/journey';
import { createTestDatabase, TEST_APP_USER, type TestDatabase } from '@outreach/testing';

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
    const admin = new URL(database.url);
    bouncer = new PgBouncerServer({
      port: await freePort(),
      dir: join(dir, 'pgbouncer'),
      postgres: { host: admin.hostname, port: Number(admin.port) },
      users: [TEST_APP_USER],
      databases: [database.name],
      poolSize: 20,
    });
    await bouncer.start();
    stops.push(() => bouncer.stop());
    databaseUrl = bouncer.url({
      user: TEST_APP_USER.name,
      password: TEST_APP_USER.password,
      database: database.name,
    });
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

  const count = (
    messages: ActedMessage[],
    where: (message: ActedMessage) => boolean = () => true,
  ) => messages.filter(where).length;
  const unique = (
    messages: ActedMessage[],
    where: (message: ActedMessage) => boolean = () => true,
  ) => new Set(messages.filter(where).map((message) => message.messageId)).size;

  it('sends every step to every prospect once, but the refused address only its first', () => {
    const outbound = result.messages;
    const status = (wanted: string) => outbound.filter((message) => message.status === wanted);
    // 12 × 3 steps, less the two follow-ups of the address refused at RCPT.
    expect(outbound).toHaveLength(ENROLLED * 3 - 2);
    // Two bounces: one refused by the SMTP server, one reported later by a DSN read from IMAP.
    expect(result.actions.bounces).toHaveLength(2);
    expect(
      status('bounced')
        .map((message) => message.id)
        .sort(),
    ).toEqual(result.actions.bounces.map((message) => message.messageId).sort());
    expect(status('sent')).toHaveLength(ENROLLED * 3 - 4);
    // At the SMTP server: every accepted message exactly once (the reported one was accepted).
    expect(sink.duplicates()).toEqual([]);
    expect(sink.received).toHaveLength(ENROLLED * 3 - 3);
    // Step 1 split between the two variants, both used.
    const first = outbound.filter((message) => message.stepOrder === 1);
    expect(first).toHaveLength(ENROLLED);
    const keys = first.map((message) => result.variants.get(message.variantId ?? ''));
    expect(new Set(keys)).toEqual(new Set(['A', 'B']));
  });

  it('counts opens by people and by machines, per step and per variant, as the tracker saw them', () => {
    const { humanOpens, proxyOpens } = result.actions;
    const figures = (where: (message: ActedMessage) => boolean): Partial<OpenFigures> => ({
      uniqueHumanOpens: unique(humanOpens, where),
      humanOpens: count(humanOpens, where),
      machineOpens: count(proxyOpens, where),
      totalOpens: count(humanOpens, where) + count(proxyOpens, where),
    });
    expect(humanOpens.length).toBeGreaterThan(0);
    expect(proxyOpens.length).toBeGreaterThan(0);
    expect(result.openStats.total).toMatchObject({
      ...figures(() => true),
      delivered: ENROLLED * 3 - 4,
    });
    for (const step of result.openStats.steps) {
      expect({ step: step.stepOrder, ...step }).toMatchObject({
        step: step.stepOrder,
        ...figures((message) => message.stepOrder === step.stepOrder),
      });
    }
    expect(result.openStats.variants).toHaveLength(2);
    for (const variant of result.openStats.variants) {
      const key = result.variants.get(variant.variantId);
      expect({ key, ...variant }).toMatchObject({
        key,
        ...figures((message) => message.variantKey === key),
      });
    }
  });

  it('exits the refused enrollment and suppresses the bounced and unsubscribed addresses', async () => {
    const api = new ApiClient(apiUrl, token);
    const org = `/organisations/${result.organisationId}`;
    const enrollments = await api.all<{ status: string; exitReason: string | null }>(
      `${org}/campaigns/${result.campaignId}/enrollments`,
    );
    // Every step had gone out before the unsubscribe, the answers and the bounce report came:
    // those enrollments had completed already; the refused address exited at once.
    expect(
      enrollments.map((enrollment) => `${enrollment.status} ${enrollment.exitReason ?? ''}`).sort(),
    ).toEqual([...Array<string>(ENROLLED - 1).fill('completed '), 'exited bounced'].sort());
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
    const reported = result.actions.bounces.find(
      (message) => message.stepOrder === 1 && !isRefused(message),
    );
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
      const path = `/organisations/${organisationId}/campaigns/${result.campaignId}/open-stats`;
      expect((await stranger.raw('GET', path)).status).toBe(404);
    }
  });
});
