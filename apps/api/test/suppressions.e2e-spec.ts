import { csvUpload } from './cross-tenant/delivery.cases.js';
import { ApiHarness } from './support/api-harness.js';
import { memberWithRole, organisationWithData, type OrgFixture } from './support/fixtures.js';

interface Suppression {
  id: string;
  kind: string;
  value: string;
  reason: string;
  note: string | null;
}

interface ErrorBody {
  statusCode: number;
  message: string;
  errors?: { field: string; messages: string[] }[];
  existing?: Suppression;
}

interface ImportAnswer {
  added: number;
  alreadySuppressed: number;
  invalidCount: number;
  invalid: { row: number; value: string; reason: string }[];
}

describe('suppressions (e2e): add, list, remove, CSV import, roles, bad input', () => {
  let api: ApiHarness;
  let org: OrgFixture;
  let base: string;
  let viewer: { token: string };
  let member: { token: string };
  let admin: { token: string };

  beforeAll(async () => {
    api = await ApiHarness.start();
    org = await organisationWithData(api, 'owner@suppr.example.fr', 'Suppr');
    base = `/organisations/${org.organisationId}/suppressions`;
    viewer = await memberWithRole(api, org, 'viewer@suppr.example.fr', 'viewer');
    member = await memberWithRole(api, org, 'member@suppr.example.fr', 'member');
    admin = await memberWithRole(api, org, 'admin@suppr.example.fr', 'admin');
  });

  afterAll(async () => {
    await api.stop();
  });

  const count = () => api.count('delivery.suppressions', org.organisationId);
  const add = (body: unknown, token = org.owner.token) =>
    api.request<Suppression & ErrorBody>('POST', base, { token, body });
  const upload = (csv: string, query = '', token = org.owner.token) =>
    api.request<ImportAnswer & ErrorBody>('POST', `${base}/import${query}`, {
      token,
      body: csvUpload(csv),
    });

  it('adds an address and a domain, normalised, with reason manual by default', async () => {
    const email = await add({ email: '  Jean.Dupont@Exemple.FR ', note: 'asked by phone' });
    expect(email.status).toBe(201);
    expect(email.body).toMatchObject({
      kind: 'email',
      value: 'Jean.Dupont@exemple.fr',
      reason: 'manual',
      note: 'asked by phone',
    });
    const domain = await add({ domain: 'Concurrent.FR.', reason: 'complaint' });
    expect(domain.status).toBe(201);
    expect(domain.body).toMatchObject({
      kind: 'domain',
      value: 'concurrent.fr',
      reason: 'complaint',
    });
  });

  it('answers 409 naming the existing entry for a duplicate (any case), writing nothing', async () => {
    const first = await add({ email: 'twice@exemple.fr' });
    const before = await count();
    const again = await add({ email: 'TWICE@exemple.fr', reason: 'unsubscribed' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('email twice@exemple.fr is already suppressed');
    expect(again.body.message).toContain(first.body.id);
    expect(again.body.existing).toMatchObject({ id: first.body.id, reason: 'manual' });
    expect(await count()).toBe(before);
  });

  it('lists with cursor pagination and kind, reason and value filters', async () => {
    for (const email of ['p1@page.fr', 'p2@page.fr', 'p3@page.fr']) {
      expect((await add({ email, reason: 'hard_bounce' })).status).toBe(201);
    }
    const first = await api.request<{ items: Suppression[]; nextCursor: string | null }>(
      'GET',
      `${base}?reason=hard_bounce&limit=2`,
      { token: viewer.token },
    );
    expect(first.status).toBe(200);
    expect(first.body.items.map((s) => s.value)).toEqual(['p1@page.fr', 'p2@page.fr']);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.request<{ items: Suppression[]; nextCursor: string | null }>(
      'GET',
      `${base}?reason=hard_bounce&limit=2&cursor=${encodeURIComponent(first.body.nextCursor ?? '')}`,
      { token: viewer.token },
    );
    expect(second.body).toEqual({
      items: [expect.objectContaining({ value: 'p3@page.fr' })],
      nextCursor: null,
    });
    const byKind = await api.request<{ items: Suppression[] }>('GET', `${base}?kind=domain`, {
      token: org.owner.token,
    });
    expect(byKind.body.items.every((s) => s.kind === 'domain')).toBe(true);
    const byValue = await api.request<{ items: Suppression[] }>('GET', `${base}?value=P2@PAGE.FR`, {
      token: org.owner.token,
    });
    expect(byValue.body.items.map((s) => s.value)).toEqual(['p2@page.fr']);
  });

  it('removes an entry (204), then 404', async () => {
    const entry = await add({ domain: 'removed.fr' });
    const path = `${base}/${entry.body.id}`;
    expect((await api.request('DELETE', path, { token: admin.token })).status).toBe(204);
    expect((await api.request('DELETE', path, { token: admin.token })).status).toBe(404);
  });

  describe('CSV import', () => {
    it('reads an email/domain header, normalises, skips repeats and lists refused rows', async () => {
      await add({ email: 'already@csv.fr' });
      const csv = [
        'Name,Email,Domain',
        'A,Un@CSV.fr,',
        'B,,Blocked-CSV.fr',
        'C,already@csv.fr,',
        'D,un@csv.fr,',
        'E,not-an-address,',
        'F,,a@b.fr',
        'G,,',
      ].join('\r\n');
      const response = await upload(csv, '?reason=unsubscribed');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        added: 2,
        alreadySuppressed: 2,
        invalidCount: 3,
        invalid: [
          {
            row: 6,
            value: 'not-an-address',
            reason: '"not-an-address" is a domain, not an e-mail address: use domain',
          },
          {
            row: 7,
            value: 'a@b.fr',
            reason: '"a@b.fr" is an e-mail address, not a domain: use email',
          },
          { row: 8, value: '', reason: 'no email and no domain on this row' },
        ],
      });
      const listed = await api.request<{ items: Suppression[] }>(
        'GET',
        `${base}?reason=unsubscribed`,
        {
          token: org.owner.token,
        },
      );
      expect(listed.body.items.map((s) => [s.kind, s.value]).sort()).toEqual([
        ['domain', 'blocked-csv.fr'],
        ['email', 'Un@csv.fr'],
      ]);
    });

    it('reads a single column of values without a header (an @ makes an address)', async () => {
      const response = await upload('solo@single.fr\nsingle-domain.fr\n\n"quoted@single.fr"\n');
      expect(response.body).toMatchObject({ added: 3, alreadySuppressed: 0, invalidCount: 0 });
    });

    it('adds 20,000 rows set-based in one request', async () => {
      const before = await count();
      const rows = Array.from({ length: 20_000 }, (_, i) => `bulk-${i}@volume.fr`);
      const started = Date.now();
      const response = await upload(`email\n${rows.join('\n')}\n`);
      expect(response.status).toBe(200);
      expect(response.body.added).toBe(20_000);
      expect(await count()).toBe(before + 20_000);
      expect(Date.now() - started).toBeLessThan(15_000);
    });

    it('refuses more than 100,000 rows and files over 10 MB (413), adding nothing', async () => {
      const before = await count();
      const rows = Array.from({ length: 100_001 }, (_, i) => `r${i}@over.fr`);
      const tooMany = await upload(`email\n${rows.join('\n')}\n`);
      expect(tooMany.status).toBe(413);
      expect(tooMany.body.message).toContain('more than 100000 rows');
      const big = `email\n${'x'.repeat(10 * 1_048_576)}@big.fr\n`;
      const tooBig = await upload(big);
      expect(tooBig.status).toBe(413);
      expect(tooBig.body.message).toContain('larger than 10 MB');
      expect(await count()).toBe(before);
    });

    it('answers 400 saying what to send for a wrong upload, adding nothing', async () => {
      const before = await count();
      const cases: [string, Promise<{ status: number; body: ErrorBody }>, string][] = [
        ['several columns, no header', upload('a@x.fr,b@x.fr\n'), 'expected a header row'],
        ['broken quotes', upload('email\n"open@x.fr\n'), 'the file is not valid CSV'],
        ['empty file', upload(''), 'the file is empty'],
        [
          'JSON instead of a file',
          api.request<ErrorBody>('POST', `${base}/import`, {
            token: org.owner.token,
            body: { email: 'x@y.fr' },
          }),
          'send the CSV as multipart/form-data',
        ],
        [
          'no file part',
          api.request<ErrorBody>('POST', `${base}/import`, {
            token: org.owner.token,
            body: (() => {
              const form = new FormData();
              form.append('note', 'no file');
              return form;
            })(),
          }),
          'no file part',
        ],
        ['a bad reason', upload('email\nq@x.fr\n', '?reason=bored'), 'reason'],
      ];
      for (const [name, call, message] of cases) {
        const response = await call;
        expect({ name, status: response.status, message: response.body.message }).toEqual({
          name,
          status: 400,
          message: expect.stringContaining(message) as unknown,
        });
      }
      expect(await count()).toBe(before);
    });
  });

  it('answers 400 naming the field for bad single adds, writing nothing', async () => {
    const before = await count();
    const cases: [unknown, string, string][] = [
      [{}, 'email', 'give exactly one of email (an address) or domain (a whole domain)'],
      [{ email: 'a@b.fr', domain: 'b.fr' }, 'domain', 'give exactly one of'],
      [{ email: 'example.fr' }, 'email', 'is a domain, not an e-mail address: use domain'],
      [{ domain: 'x@example.fr' }, 'domain', 'is an e-mail address, not a domain: use email'],
      [{ domain: 'localhost' }, 'domain', 'is not a domain name'],
      [{ email: 'a@b.fr', reason: 'because' }, 'reason', 'reason must be one of'],
      [{ email: 'a@b.fr', note: 'n'.repeat(1001) }, 'note', 'note must be shorter'],
      [
        { email: 'a@b.fr', sourceMessageId: '00000000-0000-4000-8000-000000000000' },
        'sourceMessageId',
        'should not exist',
      ],
      [{ email: 42 }, 'email', 'email must be a string'],
    ];
    for (const [body, field, message] of cases) {
      const response = await add(body);
      expect({
        body,
        status: response.status,
        fields: response.body.errors?.map((e) => e.field),
      }).toEqual({
        body,
        status: 400,
        fields: [field],
      });
      expect(response.body.message).toContain(message);
    }
    expect(
      (await api.request('DELETE', `${base}/not-a-uuid`, { token: org.owner.token })).status,
    ).toBe(400);
    expect(
      (await api.request('GET', `${base}?kind=phone`, { token: org.owner.token })).status,
    ).toBe(400);
    expect(await count()).toBe(before);
  });

  it('lets viewers and members read; only admins and owners write (403, nothing written)', async () => {
    const entry = await add({ email: 'roles@suppr.fr' });
    const before = await count();
    for (const who of [viewer, member]) {
      expect((await api.request('GET', base, { token: who.token })).status).toBe(200);
      const writes = [
        await add({ email: 'nope@suppr.fr' }, who.token),
        await upload('email\nnope2@suppr.fr\n', '', who.token),
        await api.request<ErrorBody>('DELETE', `${base}/${entry.body.id}`, { token: who.token }),
      ];
      for (const response of writes) {
        expect(response.status).toBe(403);
        expect(response.body.message).toContain('does not grant "suppressions:write"');
      }
    }
    expect(await count()).toBe(before);
    expect((await add({ email: 'by-admin@suppr.fr' }, admin.token)).status).toBe(201);
    expect((await upload('email\nby-admin2@suppr.fr\n', '', admin.token)).status).toBe(200);
  });
});
