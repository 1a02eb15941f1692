/**
 * The bench's baseline (list-route.bench.ts): a bare Fastify 5 + `pg` Pool server that answers
 * `GET /organisations/:organisationId/companies?limit=N` the way the api does, with nothing in
 * between: no Nest, no TypeORM, no interceptors, no validation library.
 *
 * Per request, exactly what the api checks:
 * 1. `Authorization: Bearer <jwt>` → jose `jwtVerify` with the same options as the api's
 *    TokenVerifier: HS256 pinned, `exp` and `sub` required, 5 s clock tolerance; an `email`
 *    claim that looks like an address (401 otherwise);
 * 2. `:organisationId` is a UUID (400), `limit` an integer 1..100 (default 50; 400);
 * 3. TWO round trips on one pooled connection, both in the simple query protocol (one message,
 *    several statements, one answer):
 *    - round trip 1: `BEGIN; SELECT set_config('app.organisation_id', '<uuid>', true),
 *      set_config('statement_timeout', '<ms>', true); SELECT u.id, m.role, m.status FROM
 *      iam.users u LEFT JOIN iam.organisation_users m ON … WHERE u.email = <literal>` — the
 *      caller and their membership, under row-level security (no user → 401, no active
 *      membership → 404, role without companies:read → 403, each followed by ROLLBACK);
 *    - round trip 2: `SELECT *, <key columns as text> FROM crm.companies WHERE organisation_id =
 *      '<uuid>' ORDER BY created_at, id LIMIT N + 1; COMMIT` — the page, the same SQL the
 *      repository sends, and the commit.
 *    Values are written into the text because the simple protocol has no parameters: the
 *    organisation id is a validated UUID, the limit and timeout integers, and the e-mail goes
 *    through `escapeLiteral` (the api's runInTenantTransaction does the same for its first two).
 * 4. The answer has the api's shape: `{ items, nextCursor }`, items with the entity's camelCase
 *    fields, nextCursor signed by @outreach/db's CursorCodec (same secret → same cursor).
 *    Only the first page: `?cursor` is not implemented (the bench does not send one).
 *
 * Environment: DATABASE_URL (as outreach_app_user), PORT, AUTH_JWT_SECRET, CURSOR_SECRET,
 * DB_POOL_SIZE (default 10), DB_STATEMENT_TIMEOUT_MS (default 30000, as the api's).
 */
import { CursorCodec, asOrganisationId, isUuid, type OrganisationId } from '@outreach/db';
import Fastify from 'fastify';
import { jwtVerify, type JWTPayload } from 'jose';
import pg from 'pg';

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*)$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const READERS = new Set(['owner', 'admin', 'member', 'viewer']);
const UTC_TEXT = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
/** crm.companies column → the Company entity's property, in the entity's order. */
const COLUMNS: readonly (readonly [string, string])[] = [
  ['organisation_id', 'organisationId'],
  ['id', 'id'],
  ['created_at', 'createdAt'],
  ['updated_at', 'updatedAt'],
  ['name', 'name'],
  ['website_url', 'websiteUrl'],
  ['domain', 'domain'],
  ['linkedin_url', 'linkedinUrl'],
  ['pharow_company_id', 'pharowCompanyId'],
  ['siren', 'siren'],
  ['naf_code', 'nafCode'],
  ['employee_range', 'employeeRange'],
  ['address_line1', 'addressLine1'],
  ['address_line2', 'addressLine2'],
  ['postal_code', 'postalCode'],
  ['city', 'city'],
  ['country', 'country'],
];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const port = Number(required('PORT'));
const poolSize = Number(process.env.DB_POOL_SIZE ?? '10');
const timeoutMs = Math.trunc(Number(process.env.DB_STATEMENT_TIMEOUT_MS ?? '30000'));
const key = new TextEncoder().encode(required('AUTH_JWT_SECRET'));
const cursors = new CursorCodec(required('CURSOR_SECRET'));
const pool = new pg.Pool({
  connectionString: required('DATABASE_URL'),
  max: poolSize,
  idleTimeoutMillis: 30_000,
  application_name: 'bare-list-bench',
});

type Row = Record<string, unknown>;

interface Answer {
  statusCode: number;
  body: unknown;
}

function error(statusCode: number, name: string, message: string): Answer {
  return { statusCode, body: { statusCode, error: name, message } };
}

async function verify(header: string | undefined): Promise<string | null> {
  const token = header === undefined ? undefined : BEARER.exec(header.trim())?.[1];
  if (!token) return null;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      clockTolerance: 5,
      requiredClaims: ['exp', 'sub'],
    }));
  } catch {
    return null;
  }
  const email = payload['email'];
  if (typeof email !== 'string' || !EMAIL.test(email)) return null;
  if (typeof payload.sub !== 'string' || payload.sub === '') return null;
  return email;
}

/** The two round trips, on one pooled connection. */
async function listCompanies(org: OrganisationId, email: string, limit: number): Promise<Answer> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    // Round trip 1: open the tenant transaction and find the caller and their membership.
    const opened = (await client.query(
      `BEGIN; SELECT set_config('app.organisation_id', '${org}', true), ` +
        `set_config('statement_timeout', '${String(timeoutMs)}', true); ` +
        `SELECT u.id, m.role, m.status FROM iam.users u ` +
        `LEFT JOIN iam.organisation_users m ON m.organisation_id = '${org}' AND m.user_id = u.id ` +
        `WHERE u.email = ${client.escapeLiteral(email)}`,
    )) as unknown as pg.QueryResult<{ id: string; role: string | null; status: string | null }>[];
    const caller = opened[2]?.rows[0];
    if (!caller || caller.status !== 'active' || !caller.role || !READERS.has(caller.role)) {
      await client.query('ROLLBACK');
      if (!caller) return error(401, 'Unauthorized', `no user with e-mail ${email}`);
      if (caller.status !== 'active') return error(404, 'Not Found', 'organisation not found');
      return error(403, 'Forbidden', 'role does not grant companies:read');
    }
    // Round trip 2: the page (one row more than asked, to know whether a next page exists)
    // and the commit.
    const paged = (await client.query(
      `SELECT *, to_char("created_at" AT TIME ZONE 'UTC', ${UTC_TEXT}) AS "__k0", ` +
        `"id"::text AS "__k1" FROM "crm"."companies" WHERE "organisation_id" = '${org}' ` +
        `ORDER BY "created_at" ASC, "id" ASC LIMIT ${String(limit + 1)}; COMMIT`,
    )) as unknown as pg.QueryResult<Row>[];
    const rows = paged[0]?.rows ?? [];
    const pageRows = rows.length > limit ? rows.slice(0, limit) : rows;
    const last = pageRows.at(-1);
    const items = pageRows.map((row) => {
      const item: Row = {};
      for (const [column, property] of COLUMNS) item[property] = row[column];
      return item;
    });
    const nextCursor =
      rows.length > limit && last
        ? cursors.encode(org, {
            sort: 'createdAt',
            direction: 'asc',
            values: [last['__k0'] as string, last['__k1'] as string],
          })
        : null;
    return { statusCode: 200, body: { items, nextCursor } };
  } catch (failure) {
    broken = failure instanceof Error ? failure : new Error(String(failure));
    await client.query('ROLLBACK').catch(() => undefined);
    throw broken;
  } finally {
    client.release(broken);
  }
}

const app = Fastify({ logger: false });

app.get('/health/ready', async () => {
  await pool.query('SELECT 1');
  return { status: 'ok' };
});

app.get<{ Params: { organisationId: string }; Querystring: { limit?: string } }>(
  '/organisations/:organisationId/companies',
  async (request, reply) => {
    const email = await verify(request.headers.authorization);
    const { organisationId } = request.params;
    const limit = request.query.limit === undefined ? 50 : Number(request.query.limit);
    let answer: Answer;
    if (!email) answer = error(401, 'Unauthorized', 'invalid token');
    else if (!isUuid(organisationId)) {
      answer = error(400, 'Bad Request', 'organisationId must be a UUID');
    } else if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      answer = error(400, 'Bad Request', 'limit must be an integer from 1 to 100');
    } else {
      answer = await listCompanies(asOrganisationId(organisationId), email, limit);
    }
    return reply.code(answer.statusCode).send(answer.body);
  },
);

async function close(): Promise<void> {
  await app.close();
  await pool.end();
  process.exit(0);
}
process.once('SIGTERM', () => void close());
process.once('SIGINT', () => void close());

await app.listen({ host: '127.0.0.1', port });
