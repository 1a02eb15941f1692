import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { QUEUE_PREFIX } from '@outreach/jobs';
import { testRedisUrl } from '@outreach/testing';
import { pharowUpload } from './cross-tenant/imports.cases.js';
import { ApiHarness } from './support/api-harness.js';
import { memberWithRole, organisationWithData, type OrgFixture } from './support/fixtures.js';

const FIXTURES = join(import.meta.dirname, '../../../packages/pharow/fixtures');
const SAMPLE = readFileSync(join(FIXTURES, 'pharow-sample.csv'));
const SAMPLE_EXCEL = readFileSync(join(FIXTURES, 'pharow-sample-excel.csv'));

interface ImportBody {
  id: string;
  status: string;
  fileName: string;
  fileSize: number;
  encoding: string;
  delimiter: string;
  listName: string | null;
  legalBasis: string;
  createdBy: string | null;
  columns: { headers: string[]; fields: (string | null)[]; unknown: string[] };
  rows: { total: number; validated: number; merged: number; rejected: number };
  percentage: number;
  statusCode?: number;
  message?: string;
}

function upload(bytes: Uint8Array | string, fileName = 'export.csv'): FormData {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'text/csv' }), fileName);
  return form;
}

describe('imports (e2e): upload, progress, list, errors.csv, roles, bad input', () => {
  let api: ApiHarness;
  let org: OrgFixture;
  let base: string;
  let viewer: { token: string };
  let member: { token: string };
  let redis: Redis;

  beforeAll(async () => {
    api = await ApiHarness.start();
    org = await organisationWithData(api, 'owner@imports.example.fr', 'Imports');
    base = `/organisations/${org.organisationId}/imports`;
    viewer = await memberWithRole(api, org, 'viewer@imports.example.fr', 'viewer');
    member = await memberWithRole(api, org, 'member@imports.example.fr', 'member');
    redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1 });
  });

  afterAll(async () => {
    await redis.quit();
    await api.stop();
  });

  const post = (body: unknown, query = '', token = org.owner.token) =>
    api.request<ImportBody>('POST', `${base}${query}`, { token, body });
  const written = async (): Promise<number[]> => [
    await api.count('imports.imports', org.organisationId),
    await api.count('imports.import_rows', org.organisationId),
  ];

  it('streams the UTF-8 sample into staging, answers 202 queued and enqueues the job', async () => {
    const response = await post(upload(SAMPLE, 'pharow-sample.csv'), '?listName=Salon%202026');
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      status: 'queued',
      fileName: 'pharow-sample.csv',
      fileSize: SAMPLE.length,
      encoding: 'utf-8',
      delimiter: ';',
      listName: 'Salon 2026',
      legalBasis: 'legitimate_interest',
      createdBy: org.owner.id,
      rows: { total: 300, validated: 0, merged: 0, rejected: 0 },
      percentage: 0,
    });
    expect(response.body.columns.unknown).toEqual([]);
    expect(response.body.columns.fields).toContain('siren');
    const staged = await api.admin.query<{ n: string }>(
      // Staged in runs (row_number = a run's first row, cells = the run's rows).
      'SELECT sum(jsonb_array_length(cells))::text AS n FROM imports.import_rows WHERE import_id = $1',
      [response.body.id],
    );
    expect(staged.rows[0]?.n).toBe('300');
    const job = await redis.hgetall(`${QUEUE_PREFIX}:outreach.imports:${response.body.id}`);
    expect(job.name).toBe('process-import');
    expect(JSON.parse(job.data ?? '{}')).toEqual({
      organisationId: org.organisationId,
      importId: response.body.id,
    });

    const progress = await api.request<ImportBody>('GET', `${base}/${response.body.id}`, {
      token: viewer.token,
    });
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ id: response.body.id, status: 'queued', percentage: 0 });
    const list = await api.request<{ items: ImportBody[]; nextCursor: string | null }>(
      'GET',
      `${base}?limit=1&status=queued`,
      { token: viewer.token },
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
  });

  it('imports a Windows-1252 Excel export with `;` (accents intact) and a UTF-8 file with BOM and `,`', async () => {
    const excel = await post(upload(SAMPLE_EXCEL));
    expect(excel.status).toBe(202);
    expect(excel.body).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(excel.body.columns.headers).toContain('Prénom');
    const cells = await api.admin.query<{ cells: string[] }>(
      'SELECT cells->0 AS cells FROM imports.import_rows WHERE import_id = $1 AND row_number = 1',
      [excel.body.id],
    );
    expect(cells.rows[0]?.cells.at(-1)).toBe('Prospects Île-de-France');
    expect(cells.rows[0]?.cells).toContain('1 rue de la République');

    const bom = `\uFEFFEntreprise,Prénom,Nom,Email\r\n"Éditions, Lefèvre",Zoé,Noël,zoe@editions.fr\r\n`;
    const utf8 = await post(upload(bom));
    expect(utf8.status).toBe(202);
    expect(utf8.body).toMatchObject({ encoding: 'utf-8', delimiter: ',', rows: { total: 1 } });
    expect(utf8.body.columns.headers[0]).toBe('Entreprise');
    const row = await api.admin.query<{ cells: string[] }>(
      'SELECT cells->0 AS cells FROM imports.import_rows WHERE import_id = $1',
      [utf8.body.id],
    );
    expect(row.rows[0]?.cells).toEqual(['Éditions, Lefèvre', 'Zoé', 'Noël', 'zoe@editions.fr']);
  });

  it('applies a mapping override and reports unknown columns without failing', async () => {
    const response = await post(
      pharowUpload(1, 'x.csv', 'Client;SIREN;Prénom;Nom;Email;Statut email;Couleur'),
      `?mapping=${encodeURIComponent('{"Client":"companyName"}')}`,
    );
    // The rows have one cell fewer than this header: staged as is, refused row by row later.
    expect(response.status).toBe(202);
    expect(response.body.columns.fields[0]).toBe('companyName');
    expect(response.body.columns.unknown).toEqual(['Couleur']);
  });

  it('streams errors.csv with formula-looking cells neutralised, in row order', async () => {
    const created = await post(pharowUpload(2));
    await api.admin.query(
      `INSERT INTO imports.import_row_errors (organisation_id, import_id, row_number, column_name, value, reason)
       VALUES ($1, $2, 2, 'Email', '@evil', 'not an e-mail address'),
              ($1, $2, 1, 'SIREN', '=HYPERLINK("http://x")', 'a SIREN is 9 digits'),
              ($1, $2, 1, 'Fiabilité', '-1+2', 'a reliability is a whole percentage'),
              ($1, $2, 2, 'Téléphone', '+33 1 23, poste 4', 'unknown')`,
      [org.organisationId, created.body.id],
    );
    const response = await fetch(`${api.baseUrl}${base}/${created.body.id}/errors.csv`, {
      headers: { authorization: `Bearer ${viewer.token}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const text = await response.text();
    const [header, ...lines] = text.split('\r\n');
    expect(header).toBe('row,column,value,reason');
    // In row order (within a row, in no particular order); the file ends with a line break.
    expect(lines.map((line) => line.slice(0, 2))).toEqual(['1,', '1,', '2,', '2,', '']);
    expect([...lines].sort()).toEqual([
      '',
      "1,Fiabilité,'-1+2,a reliability is a whole percentage",
      `1,SIREN,"'=HYPERLINK(""http://x"")",a SIREN is 9 digits`,
      "2,Email,'@evil,not an e-mail address",
      `2,Téléphone,"'+33 1 23, poste 4",unknown`,
    ]);
  });

  it('lets viewers read and members upload; viewers may not upload', async () => {
    const denied = await post(pharowUpload(), '', viewer.token);
    expect(denied.status).toBe(403);
    expect(denied.body.message).toContain('imports:write');
    const allowed = await post(pharowUpload(), '', member.token);
    expect(allowed.status).toBe(202);
    const read = await api.request('GET', base, { token: viewer.token });
    expect(read.status).toBe(200);
  });

  it('answers 404 for an unknown import id and 400 for a malformed one', async () => {
    const unknown = await api.request('GET', `${base}/00000000-0000-4000-8000-000000000000`, {
      token: viewer.token,
    });
    expect(unknown.status).toBe(404);
    const csv = await api.request(
      'GET',
      `${base}/00000000-0000-4000-8000-000000000000/errors.csv`,
      { token: viewer.token },
    );
    expect(csv.status).toBe(404);
    const malformed = await api.request('GET', `${base}/nope`, { token: viewer.token });
    expect(malformed.status).toBe(400);
  });

  describe('bad input: a 4xx naming the problem, nothing written', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const cases: [string, () => Promise<{ status: number; body: ImportBody }>, number, string][] = [
      ['not multipart', () => post({ file: 'x' }), 400, 'multipart/form-data'],
      ['not a CSV (binary)', () => post(upload(png, 'photo.png')), 400, 'not text'],
      ['an empty file', () => post(upload('')), 400, 'the file is empty'],
      [
        'a header with no separator',
        () => post(upload('just prose\nmore prose\n')),
        400,
        'no `;`, `,` or tab',
      ],
      [
        'a header line only',
        () => post(upload('Entreprise;Prénom;Nom;Email\r\n')),
        400,
        'no data rows',
      ],
      [
        'missing required columns',
        () => post(upload('Entreprise;Poste\r\nAcme;CEO\r\n')),
        400,
        'lacks required columns: firstName (e.g. "first name"), lastName (e.g. "last name"), email (e.g. "email")',
      ],
      [
        'broken quotes',
        () => post(upload('Entreprise;Prénom;Nom;Email\r\n"Acme;Zoé;Noël;z@a.fr\r\n')),
        400,
        'the file is not valid CSV',
      ],
      [
        'a mapping that is not JSON',
        () => post(pharowUpload(), '?mapping=%7Bnope'),
        400,
        'mapping must be JSON',
      ],
      [
        'a mapping to an unknown field',
        () => post(pharowUpload(), `?mapping=${encodeURIComponent('{"Entreprise":"nom"}')}`),
        400,
        'mapping: unknown field for "Entreprise"',
      ],
      ['an unknown legal basis', () => post(pharowUpload(), '?legalBasis=whim'), 400, 'legalBasis'],
      [
        'a list name over 200 characters',
        () => post(pharowUpload(), `?listName=${'x'.repeat(201)}`),
        400,
        'listName',
      ],
      [
        'a file over 50 MB',
        () => {
          const line = `Acme;732829320;Zoé;Noël;zoe@acme.fr;valide;${'x'.repeat(200)}\r\n`;
          const big = `Entreprise;SIREN;Prénom;Nom;Email;Statut email;Notes\r\n${line.repeat(Math.ceil((51 * 1_048_576) / line.length))}`;
          return post(upload(big));
        },
        413,
        'larger than 50 MB',
      ],
    ];

    it.each(cases)('%s', async (_name, send, status, message) => {
      const before = await written();
      const response = await send();
      expect({ status: response.status, message: String(response.body.message) }).toMatchObject({
        status,
      });
      expect(String(response.body.message)).toContain(message);
      expect(await written()).toEqual(before);
    });
  });

  describe('erasure: DELETE …/people/:personId?erase=true', () => {
    async function prospect(email: string): Promise<{ personId: string; positionId: string }> {
      const person = await api.request<{ id: string }>(
        'POST',
        `/organisations/${org.organisationId}/people`,
        { token: org.owner.token, body: { firstName: 'Zoé', lastName: 'Noël' } },
      );
      const position = await api.request<{ id: string }>(
        'POST',
        `/organisations/${org.organisationId}/positions`,
        {
          token: org.owner.token,
          body: { personId: person.body.id, companyId: org.companyId, email },
        },
      );
      expect(position.status).toBe(201);
      return { personId: person.body.id, positionId: position.body.id };
    }
    const people = (): string => `/organisations/${org.organisationId}/people`;

    it('removes the person and positions and keeps only an erased suppression', async () => {
      const { personId, positionId } = await prospect('Zoe.Noel@Exemple.fr');
      const denied = await api.request('DELETE', `${people()}/${personId}?erase=true`, {
        token: viewer.token,
      });
      expect(denied.status).toBe(403);
      const response = await api.request('DELETE', `${people()}/${personId}?erase=true`, {
        token: member.token,
      });
      expect(response.status).toBe(204);
      const gone = await api.request('GET', `${people()}/${personId}`, { token: viewer.token });
      expect(gone.status).toBe(404);
      const position = await api.request(
        'GET',
        `/organisations/${org.organisationId}/positions/${positionId}`,
        { token: viewer.token },
      );
      expect(position.status).toBe(404);
      const suppressions = await api.admin.query<{ value: string; reason: string }>(
        `SELECT value::text, reason FROM delivery.suppressions WHERE organisation_id = $1 AND kind = 'email'`,
        [org.organisationId],
      );
      expect(suppressions.rows).toContainEqual({ value: 'zoe.noel@exemple.fr', reason: 'erased' });
      const again = await api.request('DELETE', `${people()}/${personId}?erase=true`, {
        token: member.token,
      });
      expect(again.status).toBe(404);
    });

    it('a plain DELETE adds no suppression; a bad erase value is a 400 that deletes nothing', async () => {
      const { personId } = await prospect('plain.delete@exemple.fr');
      const bad = await api.request<{ message: string }>(
        'DELETE',
        `${people()}/${personId}?erase=yes`,
        { token: member.token },
      );
      expect(bad.status).toBe(400);
      expect(bad.body.message).toContain('erase');
      const kept = await api.request('GET', `${people()}/${personId}`, { token: viewer.token });
      expect(kept.status).toBe(200);
      const plain = await api.request('DELETE', `${people()}/${personId}`, { token: member.token });
      expect(plain.status).toBe(204);
      const suppressed = await api.admin.query(
        `SELECT 1 FROM delivery.suppressions WHERE organisation_id = $1 AND value = 'plain.delete@exemple.fr'`,
        [org.organisationId],
      );
      expect(suppressed.rows).toEqual([]);
    });
  });
});
