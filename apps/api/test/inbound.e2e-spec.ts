import { randomUUID } from 'node:crypto';
import { MAX_PUSHED_MESSAGE_BYTES, QUEUE_PREFIX } from '@outreach/jobs';
import { testRedisUrl } from '@outreach/testing';
import { Redis } from 'ioredis';
import { mailboxBody } from './cross-tenant/delivery.cases.js';
import { ApiHarness } from './support/api-harness.js';
import { organisationWithData, type OrgFixture } from './support/fixtures.js';

const RAW = [
  'From: Claire Dupont <claire@dupont.example.fr>',
  'To: sender@example.fr',
  'Subject: Re: Bonjour',
  `Message-ID: <${randomUUID()}@dupont.example.fr>`,
  'Content-Type: text/plain; charset=utf-8',
  '',
  'Oui, appelez-moi.',
  '',
].join('\r\n');

/**
 * POST /inbound/:mailboxId (push of a raw RFC 822 message) and the per-mailbox secret that
 * authenticates it; the worker side (process-message) is tested in apps/worker.
 */
describe('inbound push (e2e)', () => {
  let api: ApiHarness;
  let a: OrgFixture;
  let b: OrgFixture;
  let redis: Redis;
  let mailboxId: string;
  let secret: string;

  beforeAll(async () => {
    api = await ApiHarness.start();
    a = await organisationWithData(api, 'owner@inbound-a.example.fr', 'Inbound A');
    b = await organisationWithData(api, 'owner@inbound-b.example.fr', 'Inbound B');
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
    const mailbox = await api.request<{ id: string }>(
      'POST',
      `/organisations/${a.organisationId}/mailboxes`,
      { token: a.owner.token, body: mailboxBody() },
    );
    mailboxId = mailbox.body.id;
  });

  afterAll(async () => {
    await redis.quit();
    await api.stop();
  });

  const push = (id: string, body: string, headers: Record<string, string> = {}) =>
    api.request<{ accepted?: boolean; jobId?: string; message?: string }>(
      'POST',
      `/inbound/${id}`,
      { rawBody: body, headers: { 'content-type': 'message/rfc822', ...headers } },
    );

  it('generates a secret shown once, stored only as a hash, for the mailbox of the caller’s organisation only', async () => {
    const generated = await api.request<{ mailboxId: string; secret: string }>(
      'POST',
      `/organisations/${a.organisationId}/mailboxes/${mailboxId}/inbound-secret`,
      { token: a.owner.token },
    );
    expect(generated.status).toBe(201);
    expect(generated.body.mailboxId).toBe(mailboxId);
    expect(generated.body.secret).toMatch(/^inb_[A-Za-z0-9_-]{43}$/);
    secret = generated.body.secret;
    const stored = await api.admin.query<{ hash: Buffer }>(
      'SELECT inbound_secret_hash AS hash FROM delivery.mailboxes WHERE id = $1',
      [mailboxId],
    );
    expect(stored.rows[0]?.hash).toHaveLength(32);
    expect(stored.rows[0]?.hash.toString('utf8')).not.toContain(secret);
    const shown = await api.request<Record<string, unknown>>(
      'GET',
      `/organisations/${a.organisationId}/mailboxes/${mailboxId}`,
      { token: a.owner.token },
    );
    expect(JSON.stringify(shown.body)).not.toMatch(/inbound|secret/i);
    const elsewhere = await api.request(
      'POST',
      `/organisations/${b.organisationId}/mailboxes/${mailboxId}/inbound-secret`,
      { token: b.owner.token },
    );
    expect(elsewhere.status).toBe(404);
  });

  it('answers 401, the same way, to a missing or wrong secret and to an unknown mailbox', async () => {
    const answers: { status: number; body: { message?: string } }[] = await Promise.all([
      push(mailboxId, RAW),
      push(mailboxId, RAW, { authorization: 'Bearer inb_wrong' }),
      push(mailboxId, RAW, { authorization: `Basic ${secret}` }),
      push(randomUUID(), RAW, { authorization: `Bearer ${secret}` }),
      push('not-a-uuid', RAW, { authorization: `Bearer ${secret}` }),
    ]);
    for (const answer of answers) {
      expect(answer.status).toBe(401);
      expect(answer.body.message).toBe('send Authorization: Bearer <the mailbox inbound secret>');
    }
  });

  it('enqueues a pushed message for the worker with the mailbox’s organisation (202)', async () => {
    const accepted = await push(mailboxId, RAW, { authorization: `Bearer ${secret}` });
    expect(accepted.status).toBe(202);
    expect(accepted.body.accepted).toBe(true);
    const job = await redis.hgetall(
      `${QUEUE_PREFIX}:outreach.inbound:${String(accepted.body.jobId)}`,
    );
    expect(job.name).toBe('process-message');
    const data = JSON.parse(job.data ?? '{}') as Record<string, string>;
    expect(data).toMatchObject({ organisationId: a.organisationId, mailboxId });
    expect(Buffer.from(data.raw ?? '', 'base64').toString('utf8')).toBe(RAW);
    const octets = await push(mailboxId, RAW.replace('Oui', 'Non'), {
      authorization: `Bearer ${secret}`,
      'content-type': 'application/octet-stream',
    });
    expect(octets.status).toBe(202);
  });

  it('refuses a body that is not a message (400) and one over the size limit (413)', async () => {
    const auth = { authorization: `Bearer ${secret}` };
    const notMail = await push(mailboxId, '\u0000\u0001 binary', auth);
    expect(notMail.status).toBe(400);
    expect(notMail.body.message).toMatch(/RFC 822/);
    const huge = await push(mailboxId, `${RAW}${'x'.repeat(MAX_PUSHED_MESSAGE_BYTES)}`, auth);
    expect(huge.status).toBe(413);
  });

  it('lets a campaign exit the whole company on a reply (exitCompanyOnReply, default false)', async () => {
    const base = `/organisations/${a.organisationId}/campaigns`;
    const plain = await api.request<{ id: string; exitCompanyOnReply: boolean }>('POST', base, {
      token: a.owner.token,
      body: { name: 'Sans effet société' },
    });
    expect(plain.status).toBe(201);
    expect(plain.body.exitCompanyOnReply).toBe(false);
    const patched = await api.request<{ exitCompanyOnReply: boolean }>(
      'PATCH',
      `${base}/${plain.body.id}`,
      { token: a.owner.token, body: { exitCompanyOnReply: true } },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.exitCompanyOnReply).toBe(true);
    const bad = await api.request('POST', base, {
      token: a.owner.token,
      body: { name: 'Mauvais', exitCompanyOnReply: 'yes' },
    });
    expect(bad.status).toBe(400);
  });

  it('stops accepting the old secret once a new one is generated', async () => {
    const renewed = await api.request<{ secret: string }>(
      'POST',
      `/organisations/${a.organisationId}/mailboxes/${mailboxId}/inbound-secret`,
      { token: a.owner.token },
    );
    expect((await push(mailboxId, RAW, { authorization: `Bearer ${secret}` })).status).toBe(401);
    const fresh = await push(mailboxId, RAW.replace('Oui', 'Peut-être'), {
      authorization: `Bearer ${renewed.body.secret}`,
    });
    expect(fresh.status).toBe(202);
  });
});
