import { createServer, type AddressInfo } from 'node:net';
import {
  CursorCodec,
  asOrganisationId,
  createRepositories,
  runInTenantTransaction,
} from '@outreach/db';
import { DovecotServer, freePort } from '@outreach/devstack';
import { mailboxSecretAad, SecretKeyRing } from '@outreach/secrets';
import { testRedisUrl } from '@outreach/testing';
import { createHttpApp } from '@outreach/service-kit/http';
import { SMTPServer } from 'smtp-server';
import { apiService } from '../src/api.definition.js';
import { DEV_MAILBOX_SECRET_KEYS } from '../src/config/api-config.schema.js';
import { mailboxBody } from './cross-tenant/delivery.cases.js';
import { ApiHarness, type ApiResponse, type RequestOptions } from './support/api-harness.js';
import { memberWithRole, organisationWithData, type OrgFixture } from './support/fixtures.js';

interface Mailbox {
  id: string;
  emailAddress: string;
  status: string;
  lastError: string | null;
  verifiedAt: string | null;
  imap: { host: string; port: number; security: string; username: string } | null;
  warmup: {
    startPerDay: number;
    incrementPerDay: number;
    targetPerDay: number;
    startedOn: string;
  } | null;
}

type Probe = { ok: true } | { ok: false; error: string };

interface Verification {
  smtp: Probe;
  imap: Probe | null;
  mailbox: Mailbox;
}

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: { field: string; messages: string[] }[];
}

const unique = Math.random().toString(36).slice(2);
const SMTP_USER = 'sender@smtp.test';
const SMTP_PASSWORD = `smtp-Pa55-${unique}`;
const IMAP_PASSWORD = `imap-Pa55-${unique}`;
const WRONG_PASSWORD = `wrong-Pa55-${unique}`;
const PASSWORDS = [SMTP_PASSWORD, IMAP_PASSWORD, WRONG_PASSWORD];
const TIMEOUT_MS = 1_500;

/** A local port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  return port;
}

describe('mailboxes (e2e): CRUD, encrypted passwords, verify, roles, bad input', () => {
  let api: ApiHarness;
  let org: OrgFixture;
  let base: string;
  let smtp: SMTPServer;
  let smtpPort: number;
  let refusedPort: number;
  /** Every response text of this file, checked for passwords at the end. */
  const seen: string[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      secure: false,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      logger: false,
      onAuth(auth, _session, callback) {
        if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) {
          callback(null, { user: auth.username });
        } else {
          callback(new Error('Invalid username or password'));
        }
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    smtpPort = (smtp.server.address() as AddressInfo).port;
    refusedPort = await closedPort();
    api = await ApiHarness.start(
      { MAILBOX_VERIFY_TIMEOUT_MS: String(TIMEOUT_MS), LOG_LEVEL: 'trace' },
      { captureLogs: true },
    );
    org = await organisationWithData(api, 'owner@mail.example.fr', 'Mail');
    base = `/organisations/${org.organisationId}/mailboxes`;
  });

  afterAll(async () => {
    await api.stop();
    await new Promise<void>((resolve) => {
      smtp.close(() => {
        resolve();
      });
    });
  });

  async function call<T>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const response = await api.request<T>(method, `${base}${path}`, {
      token: org.owner.token,
      ...options,
    });
    seen.push(response.text);
    return response;
  }

  const localMailbox = (address: string, extra: Record<string, unknown> = {}) => ({
    ...mailboxBody(address),
    smtp: {
      host: '127.0.0.1',
      port: smtpPort,
      security: 'none',
      username: SMTP_USER,
      password: SMTP_PASSWORD,
    },
    ...extra,
  });

  const count = () => api.count('delivery.mailboxes', org.organisationId);

  it('creates a mailbox and never answers its passwords; they are stored sealed under the current key', async () => {
    const created = await call<Mailbox>('POST', '', {
      body: localMailbox('jean@mail.example.fr', {
        imap: {
          host: '127.0.0.1',
          port: refusedPort,
          security: 'none',
          username: 'jean',
          password: IMAP_PASSWORD,
        },
        warmup: { startPerDay: 10, incrementPerDay: 5, targetPerDay: 100 },
        dailyCap: 150,
        minSpacingSeconds: 90,
      }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      emailAddress: 'jean@mail.example.fr',
      status: 'active',
      imap: { host: '127.0.0.1', port: refusedPort, security: 'none', username: 'jean' },
      warmup: {
        startPerDay: 10,
        incrementPerDay: 5,
        targetPerDay: 100,
        startedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/) as unknown,
      },
    });
    expect(Object.keys(created.body).sort()).toEqual(
      [
        'createdAt',
        'dailyCap',
        'displayName',
        'emailAddress',
        'id',
        'imap',
        'lastError',
        'lastErrorAt',
        'minSpacingSeconds',
        'smtp',
        'status',
        'updatedAt',
        'verifiedAt',
        'warmup',
      ].sort(),
    );
    for (const response of [
      await call('GET', `/${created.body.id}`),
      await call('GET', ''),
      await call('PATCH', `/${created.body.id}`, { body: { displayName: 'Jean D.' } }),
    ]) {
      expect(response.status).toBe(200);
      expect(response.text).not.toMatch(/password|secret|encrypted|Pa55/i);
    }
    const { rows } = await api.admin.query<{
      smtp_password_encrypted: Buffer;
      imap_password_encrypted: Buffer;
      secret_key_id: string;
    }>(
      'SELECT smtp_password_encrypted, imap_password_encrypted, secret_key_id FROM delivery.mailboxes WHERE id = $1',
      [created.body.id],
    );
    const row = rows[0];
    if (!row) throw new Error('mailbox row missing');
    expect(row.secret_key_id).toBe('dev');
    expect(row.smtp_password_encrypted.includes(Buffer.from(SMTP_PASSWORD))).toBe(false);
    const ring = SecretKeyRing.parse(DEV_MAILBOX_SECRET_KEYS);
    const aad = (field: 'smtp_password' | 'imap_password') =>
      mailboxSecretAad(org.organisationId, created.body.id, field);
    expect(ring.decrypt(row.smtp_password_encrypted, 'dev', aad('smtp_password'))).toBe(
      SMTP_PASSWORD,
    );
    expect(ring.decrypt(row.imap_password_encrypted, 'dev', aad('imap_password'))).toBe(
      IMAP_PASSWORD,
    );
    // Bound to its field: the SMTP ciphertext does not open as the IMAP password.
    expect(() => ring.decrypt(row.smtp_password_encrypted, 'dev', aad('imap_password'))).toThrow();
  });

  it('verifies against a real SMTP server: ok, then the server’s own refusal, then ok again', async () => {
    const created = await call<Mailbox>('POST', '', {
      body: localMailbox('verify@mail.example.fr'),
    });
    const verify = () => call<Verification>('POST', `/${created.body.id}/verify`);
    const ok = await verify();
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({
      smtp: { ok: true },
      imap: null,
      mailbox: { status: 'active', lastError: null },
    });
    expect(ok.body.mailbox.verifiedAt).toEqual(expect.any(String));

    await call('PATCH', `/${created.body.id}`, { body: { smtp: { password: WRONG_PASSWORD } } });
    const refused = await verify();
    expect(refused.status).toBe(200);
    expect(refused.body.smtp).toEqual({
      ok: false,
      error: expect.stringContaining('Invalid username or password') as unknown,
    });
    expect(refused.body.mailbox).toMatchObject({
      status: 'error',
      lastError: expect.stringContaining('smtp: ') as unknown,
    });

    await call('PATCH', `/${created.body.id}`, { body: { smtp: { password: SMTP_PASSWORD } } });
    const again = await verify();
    expect(again.body).toMatchObject({
      smtp: { ok: true },
      mailbox: { status: 'active', lastError: null },
    });
  });

  it('answers a refused connection and an unroutable host as errors within the timeout, never a 500', async () => {
    for (const host of ['127.0.0.1', '10.255.255.1']) {
      const created = await call<Mailbox>('POST', '', {
        body: localMailbox(`down-${host.replace(/\./g, '-')}@mail.example.fr`, {
          smtp: {
            host,
            port: host === '127.0.0.1' ? refusedPort : 25,
            security: 'starttls',
            username: 'u',
            password: SMTP_PASSWORD,
          },
        }),
      });
      const started = Date.now();
      const response = await call<Verification>('POST', `/${created.body.id}/verify`);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS * 3 + 2_000);
      expect(response.status).toBe(200);
      expect(response.body.smtp.ok).toBe(false);
      expect(response.body.mailbox.status).toBe('error');
    }
  });

  it('answers a refused IMAP connection beside a working SMTP login', async () => {
    const created = await call<Mailbox>('POST', '', {
      body: localMailbox('imap@mail.example.fr', {
        imap: {
          host: '127.0.0.1',
          port: refusedPort,
          security: 'none',
          username: 'imap',
          password: IMAP_PASSWORD,
        },
      }),
    });
    const response = await call<Verification>('POST', `/${created.body.id}/verify`);
    expect(response.status).toBe(200);
    expect(response.body.smtp).toEqual({ ok: true });
    expect(response.body.imap).toEqual({
      ok: false,
      error: expect.stringMatching(/ECONNREFUSED|refused/i) as unknown,
    });
    expect(response.body.mailbox).toMatchObject({
      status: 'error',
      lastError: expect.stringContaining('imap: ') as unknown,
    });
  });

  it('logs in to a real IMAP server (dovecot) and answers its refusal of a wrong password', async () => {
    const dovecot = new DovecotServer({
      port: await freePort(),
      users: [{ username: 'box@imap.test', password: IMAP_PASSWORD }],
    });
    await dovecot.start();
    try {
      const imap = {
        host: '127.0.0.1',
        port: dovecot.port,
        security: 'none',
        username: 'box@imap.test',
      };
      const created = await call<Mailbox>('POST', '', {
        body: localMailbox('dovecot@mail.example.fr', {
          imap: { ...imap, password: IMAP_PASSWORD },
        }),
      });
      const ok = await call<Verification>('POST', `/${created.body.id}/verify`);
      expect(ok.body).toMatchObject({
        smtp: { ok: true },
        imap: { ok: true },
        mailbox: { status: 'active' },
      });
      await call('PATCH', `/${created.body.id}`, { body: { imap: { password: WRONG_PASSWORD } } });
      const refused = await call<Verification>('POST', `/${created.body.id}/verify`);
      expect(refused.status).toBe(200);
      expect(refused.body.imap).toEqual({
        ok: false,
        error: expect.stringMatching(/AUTHENTICATIONFAILED|Authentication failed/i) as unknown,
      });
      expect(refused.body.mailbox.status).toBe('error');
    } finally {
      await dovecot.stop();
    }
  });

  it('changes IMAP and the warm-up ramp as a whole, keeps passwords it is not given', async () => {
    const created = await call<Mailbox>('POST', '', {
      body: localMailbox('patch@mail.example.fr'),
    });
    const path = `/${created.body.id}`;
    const partial = await call<ErrorBody>('PATCH', path, {
      body: { imap: { host: 'imap.example.fr', port: 993 } },
    });
    expect(partial.status).toBe(400);
    expect(partial.body.message).toContain(
      'adding IMAP needs host, port, security, username and password (missing security, username, password)',
    );
    const added = await call<Mailbox>('PATCH', path, {
      body: {
        imap: {
          host: 'imap.example.fr',
          port: 993,
          security: 'tls',
          username: 'patch',
          password: IMAP_PASSWORD,
        },
      },
    });
    expect(added.body.imap).toEqual({
      host: 'imap.example.fr',
      port: 993,
      security: 'tls',
      username: 'patch',
    });
    const moved = await call<Mailbox>('PATCH', path, {
      body: { imap: { port: 143, security: 'starttls' } },
    });
    expect(moved.body.imap).toMatchObject({ port: 143, security: 'starttls' });
    const removed = await call<Mailbox>('PATCH', path, {
      body: { imap: null, warmup: { startPerDay: 5, incrementPerDay: 0, targetPerDay: 5 } },
    });
    expect(removed.body).toMatchObject({ imap: null, warmup: { startPerDay: 5, targetPerDay: 5 } });
    expect((await call<Mailbox>('PATCH', path, { body: { warmup: null } })).body.warmup).toBeNull();
    // The SMTP password was never given again: verify still logs in.
    expect((await call<Verification>('POST', `${path}/verify`)).body.smtp).toEqual({ ok: true });
  });

  it('refuses to delete a mailbox a campaign uses (409, pause it instead); deletes an unused one', async () => {
    const used = await call<Mailbox>('POST', '', { body: localMailbox('used@mail.example.fr') });
    const organisationId = asOrganisationId(org.organisationId);
    await runInTenantTransaction(api.seeding, organisationId, (manager) =>
      createRepositories(manager, new CursorCodec('mailboxes-e2e-cursor-secret')).campaigns.create(
        organisationId,
        {
          name: 'Uses the mailbox',
          mailboxId: used.body.id,
        },
      ),
    );
    const refused = await call<ErrorBody>('DELETE', `/${used.body.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.message).toContain('used by a campaign');
    expect(refused.body.message).toContain('pause it instead');
    const paused = await call<Mailbox>('PATCH', `/${used.body.id}`, { body: { status: 'paused' } });
    expect(paused.body.status).toBe('paused');
    const unused = await call<Mailbox>('POST', '', {
      body: localMailbox('unused@mail.example.fr'),
    });
    expect((await call('DELETE', `/${unused.body.id}`)).status).toBe(204);
    expect((await call('GET', `/${unused.body.id}`)).status).toBe(404);
  });

  it('answers 4xx naming the problem for bad input, writing nothing', async () => {
    const before = await count();
    const good = localMailbox('bad@mail.example.fr');
    const cases: [string, unknown, number, string][] = [
      ['no smtp', { emailAddress: 'x@mail.example.fr' }, 400, 'smtp'],
      ['bad address', { ...good, emailAddress: 'not-an-address' }, 400, 'emailAddress'],
      ['bad host', { ...good, smtp: { ...good.smtp, host: 'smtp host!' } }, 400, 'smtp.host'],
      ['port 0', { ...good, smtp: { ...good.smtp, port: 0 } }, 400, 'smtp.port'],
      ['security ssl', { ...good, smtp: { ...good.smtp, security: 'ssl' } }, 400, 'smtp.security'],
      ['empty password', { ...good, smtp: { ...good.smtp, password: '' } }, 400, 'smtp.password'],
      [
        'imap without password',
        { ...good, imap: { host: 'i.fr', port: 993, security: 'tls', username: 'u' } },
        400,
        'imap.password',
      ],
      ['partial warm-up', { ...good, warmup: { startPerDay: 10 } }, 400, 'warmup.incrementPerDay'],
      [
        'target below start',
        { ...good, warmup: { startPerDay: 10, incrementPerDay: 1, targetPerDay: 5 } },
        400,
        'warmup.targetPerDay',
      ],
      ['status error', { ...good, status: 'error' }, 400, 'status'],
      ['cap 0', { ...good, dailyCap: 0 }, 400, 'dailyCap'],
      ['unknown field', { ...good, secretKeyId: 'k9' }, 400, 'secretKeyId'],
    ];
    for (const [name, body, status, field] of cases) {
      const response = await call<ErrorBody>('POST', '', { body });
      expect({
        name,
        status: response.status,
        fields: response.body.errors?.map((e) => e.field),
      }).toEqual({
        name,
        status,
        fields: expect.arrayContaining([field]) as unknown,
      });
    }
    expect(await count()).toBe(before);
    await call('POST', '', { body: good });
    const duplicate = await call<ErrorBody & { constraint?: string }>('POST', '', {
      body: { ...good, emailAddress: 'BAD@mail.example.fr' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.constraint).toBe('mailboxes_email_address_key');
    expect((await call('GET', '/not-a-uuid')).status).toBe(400);
    expect((await call('POST', '/00000000-0000-4000-8000-000000000000/verify')).status).toBe(404);
    expect(
      (await call('PATCH', '/00000000-0000-4000-8000-000000000000', { body: { dailyCap: 5 } }))
        .status,
    ).toBe(404);
    expect(await count()).toBe(before + 1);
  });

  it('lets viewers and members read; only admins and owners write or verify (403)', async () => {
    const created = await call<Mailbox>('POST', '', {
      body: localMailbox('roles@mail.example.fr'),
    });
    const viewer = await memberWithRole(api, org, 'viewer@mail.example.fr', 'viewer');
    const member = await memberWithRole(api, org, 'member@mail.example.fr', 'member');
    const admin = await memberWithRole(api, org, 'admin@mail.example.fr', 'admin');
    const before = await count();
    for (const who of [viewer, member]) {
      expect((await call('GET', '', { token: who.token })).status).toBe(200);
      expect((await call('GET', `/${created.body.id}`, { token: who.token })).status).toBe(200);
      for (const [method, path, body] of [
        ['POST', '', localMailbox('nope@mail.example.fr')],
        ['PATCH', `/${created.body.id}`, { dailyCap: 1 }],
        ['DELETE', `/${created.body.id}`, undefined],
        ['POST', `/${created.body.id}/verify`, undefined],
      ] as const) {
        const response = await call<ErrorBody>(method, path, { token: who.token, body });
        expect({ method, path, status: response.status }).toEqual({ method, path, status: 403 });
        expect(response.body.message).toContain('does not grant "mailboxes:write"');
      }
    }
    expect(await count()).toBe(before);
    expect(
      (await call('POST', '', { token: admin.token, body: localMailbox('admin@mail.example.fr') }))
        .status,
    ).toBe(201);
    expect((await call('POST', `/${created.body.id}/verify`, { token: admin.token })).status).toBe(
      200,
    );
  });

  it('rotates keys: an older key still opens, a write re-seals both passwords with the current one', async () => {
    const created = await call<Mailbox>('POST', '', {
      body: localMailbox('rotate@mail.example.fr', {
        imap: {
          host: '127.0.0.1',
          port: refusedPort,
          security: 'none',
          username: 'r',
          password: IMAP_PASSWORD,
        },
      }),
    });
    // A second api on the same database whose ring has a new current key, the old one second.
    const newKey = Buffer.alloc(32, 9).toString('base64');
    const { app } = await createHttpApp(
      apiService,
      {
        DATABASE_URL: api.database.appUrl,
        REDIS_URL: testRedisUrl(),
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        MAILBOX_VERIFY_TIMEOUT_MS: String(TIMEOUT_MS),
        MAILBOX_SECRET_KEYS: `k2:${newKey},${DEV_MAILBOX_SECRET_KEYS}`,
      },
      { logDestination: { write: () => undefined } },
    );
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const url = `${await app.getUrl()}/organisations/${org.organisationId}/mailboxes/${created.body.id}`;
      const post = async (path: string, body?: unknown) => {
        const response = await fetch(`${url}${path}`, {
          method: body === undefined ? 'POST' : 'PATCH',
          headers: {
            authorization: `Bearer ${org.owner.token}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        const text = await response.text();
        seen.push(text);
        return { status: response.status, body: JSON.parse(text) as Verification & Mailbox };
      };
      // Sealed under `dev`, opened by the new ring (dev is its second key).
      expect((await post('/verify')).body.smtp).toEqual({ ok: true });
      const keyOf = async () =>
        (
          await api.admin.query<{ secret_key_id: string }>(
            'SELECT secret_key_id FROM delivery.mailboxes WHERE id = $1',
            [created.body.id],
          )
        ).rows[0]?.secret_key_id;
      expect(await keyOf()).toBe('dev');
      expect((await post('', { dailyCap: 120 })).status).toBe(200);
      expect(await keyOf()).toBe('k2');
      const ring = SecretKeyRing.parse(`k2:${newKey}`);
      const { rows } = await api.admin.query<{ smtp: Buffer; imap: Buffer }>(
        'SELECT smtp_password_encrypted AS smtp, imap_password_encrypted AS imap FROM delivery.mailboxes WHERE id = $1',
        [created.body.id],
      );
      const row = rows[0];
      if (!row) throw new Error('mailbox row missing');
      expect(
        ring.decrypt(
          row.smtp,
          'k2',
          mailboxSecretAad(org.organisationId, created.body.id, 'smtp_password'),
        ),
      ).toBe(SMTP_PASSWORD);
      expect(
        ring.decrypt(
          row.imap,
          'k2',
          mailboxSecretAad(org.organisationId, created.body.id, 'imap_password'),
        ),
      ).toBe(IMAP_PASSWORD);
      // The first api (dev key only) cannot open k2 any more: verify says so, as a 200.
      const stale = await call<Verification>('POST', `/${created.body.id}/verify`);
      expect(stale.status).toBe(200);
      expect(stale.body.smtp).toEqual({
        ok: false,
        error: expect.stringContaining(
          'cannot be decrypted (secret key "k2" is not in the key ring): set the password again',
        ) as unknown,
      });
    } finally {
      await app.close();
    }
  });

  it('documents the delivery routes in OpenAPI (passwords write-only, the CSV upload as multipart)', async () => {
    const docs = await api.request<{
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
      components: {
        schemas: Record<string, { properties?: Record<string, { writeOnly?: boolean }> }>;
      };
    }>('GET', '/docs-json');
    expect(docs.status).toBe(200);
    const paths = Object.keys(docs.body.paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/organisations/{organisationId}/mailboxes',
        '/organisations/{organisationId}/mailboxes/{mailboxId}',
        '/organisations/{organisationId}/mailboxes/{mailboxId}/verify',
        '/organisations/{organisationId}/suppressions',
        '/organisations/{organisationId}/suppressions/{suppressionId}',
        '/organisations/{organisationId}/suppressions/import',
      ]),
    );
    expect(docs.body.components.schemas.MailServerDto?.properties?.password?.writeOnly).toBe(true);
    expect(
      Object.keys(
        docs.body.paths['/organisations/{organisationId}/suppressions/import']?.post?.requestBody
          ?.content ?? {},
      ),
    ).toEqual(['multipart/form-data']);
  });

  it('never shows a password in any response or in the logs', () => {
    expect(seen.length).toBeGreaterThan(30);
    expect(api.logs.length).toBeGreaterThan(10);
    for (const password of PASSWORDS) {
      expect(seen.filter((text) => text.includes(password))).toEqual([]);
      expect(api.logs.filter((line) => line.includes(password))).toEqual([]);
    }
  });
});
