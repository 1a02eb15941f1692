import { BadRequestException, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createDataSource,
  createRepositories,
  CursorCodec,
  runInTenantTransaction,
  type OpeningRead,
} from '@outreach/db';
import {
  addMember,
  FIXTURE_CURSOR_SECRET,
  seedTwoOrganisations,
  type OrganisationFixture,
} from '@outreach/db/testing';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type { DataSource } from 'typeorm';
import {
  DatabaseModule,
  enterJobContext,
  getTenantContext,
  hasTenantContext,
  TenantDatabase,
} from '../src/index.js';
import {
  CurrentUser,
  mintDevToken,
  Public,
  RequirePermission,
  TenancyHttpModule,
  type AuthenticatedUser,
} from '../src/http/index.js';

const SECRET = 'tenancy-module-test-secret-0123456789';

@Controller('organisations/:organisationId/probe')
class ProbeController {
  constructor(private readonly database: TenantDatabase) {}

  @Get()
  @RequirePermission('companies:read')
  async read(): Promise<unknown> {
    const repositories = this.database.repositories();
    const snapshot = await repositories.diagnostics.snapshot();
    const companies = await repositories.companies.list(this.database.organisationId());
    return {
      context: getTenantContext(),
      setting: snapshot.organisationId,
      companies: companies.items.length,
    };
  }

  @Post()
  @RequirePermission('companies:write')
  async writeThenFail(): Promise<never> {
    await this.database
      .repositories()
      .companies.create(this.database.organisationId(), { name: 'half-written' });
    throw new BadRequestException('refused after writing');
  }
}

@Controller('broken/:organisationId')
class BrokenController {
  @Get()
  forgotPermission(): string {
    return 'should never answer';
  }
}

@Public()
@Controller('open')
class OpenController {
  @Get()
  open(): unknown {
    return { hasContext: hasTenantContext() };
  }
}

@Controller('me')
class MeController {
  @Get()
  me(@CurrentUser() user: AuthenticatedUser): AuthenticatedUser {
    return user;
  }
}

function databaseOptions(url: string) {
  return { url, applicationName: 'tenancy-test', poolSize: 4, statementTimeoutMs: 5_000 };
}

describe('TenancyModule in a Nest app (guards, context, RLS transaction)', () => {
  let database: TestDatabase;
  let seeding: DataSource;
  let app: NestFastifyApplication;
  let a: OrganisationFixture;
  let b: OrganisationFixture;
  let orgA = '';
  let orgB = '';
  let owner = '';
  let ownerEmail = '';
  let viewer = '';
  let baseUrl = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    seeding = await createDataSource({
      url: database.appUrl,
      applicationName: 'seed',
    }).initialize();
    ({ a, b } = await seedTwoOrganisations(seeding));
    orgA = a.organisationId;
    orgB = b.organisationId;
    owner = a.owner.id;
    ownerEmail = a.owner.email;
    // viewer@t.fr: viewer in A, owner in B; B has one more company than A.
    viewer = await addMember(seeding, a.organisationId, { email: 'viewer@t.fr', role: 'viewer' });
    await addMember(seeding, b.organisationId, { email: 'viewer@t.fr', role: 'owner' });
    await addMember(seeding, a.organisationId, {
      email: 'suspended@t.fr',
      role: 'owner',
      status: 'suspended',
    });
    await runInTenantTransaction(seeding, b.organisationId, (manager) =>
      createRepositories(manager, new CursorCodec(FIXTURE_CURSOR_SECRET)).companies.create(
        b.organisationId,
        { name: 'b2' },
      ),
    );

    @Module({
      imports: [
        DatabaseModule.forRootAsync({ useFactory: () => databaseOptions(database.appUrl) }),
        TenancyHttpModule.forRootAsync({
          useFactory: () => ({ auth: { mode: 'hs256', secret: SECRET } }),
        }),
      ],
      controllers: [ProbeController, BrokenController, OpenController, MeController],
    })
    class TestModule {}
    app = await NestFactory.create<NestFastifyApplication>(TestModule, new FastifyAdapter());
    app.useLogger(false);
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
  });

  afterAll(async () => {
    await app.close();
    await seeding.destroy();
    await database.drop();
  });

  async function call(method: 'GET' | 'POST', url: string, email?: string) {
    const headers: Record<string, string> = {};
    if (email) headers.authorization = `Bearer ${await mintDevToken({ secret: SECRET, email })}`;
    const response = await fetch(`${baseUrl}${url}`, { method, headers });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  }

  it('requires a token except on @Public() routes, which run without a tenant context', async () => {
    expect((await call('GET', '/me')).status).toBe(401);
    expect(await call('GET', '/open')).toEqual({ status: 200, body: { hasContext: false } });
    expect((await call('GET', '/me', ownerEmail)).body).toMatchObject({
      userId: owner,
      email: ownerEmail,
    });
    expect((await call('GET', '/me', 'viewer@t.fr')).body).toMatchObject({
      userId: viewer,
      email: 'viewer@t.fr',
    });
  });

  it('runs the handler in the tenant context and in a transaction with app.organisation_id set', async () => {
    const response = await call('GET', `/organisations/${orgA}/probe`, 'viewer@t.fr');
    expect(response).toEqual({
      status: 200,
      body: {
        context: { organisationId: orgA, userId: viewer, role: 'viewer' },
        setting: orgA,
        companies: 1,
      },
    });
  });

  it('keeps concurrent requests of two organisations apart', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? orgA : orgB)).map(async (org) => ({
        org,
        response: await call('GET', `/organisations/${org}/probe`, 'viewer@t.fr'),
      })),
    );
    for (const { org, response } of results) {
      expect(response.body).toMatchObject({ setting: org, companies: org === orgA ? 1 : 2 });
    }
  });

  it('answers 404 to a non-member and 403 to a role without the permission', async () => {
    expect(await call('GET', `/organisations/${orgB}/probe`, ownerEmail)).toMatchObject({
      status: 404,
      body: { message: 'organisation not found' },
    });
    expect(await call('GET', `/organisations/${orgA}/probe`, 'suspended@t.fr')).toMatchObject({
      status: 404,
      body: { message: 'organisation not found' },
    });
    expect(await call('POST', `/organisations/${orgA}/probe`, 'viewer@t.fr')).toMatchObject({
      status: 403,
      body: { message: 'your role "viewer" does not grant "companies:write" in this organisation' },
    });
    expect((await call('GET', '/organisations/nope/probe', ownerEmail)).status).toBe(400);
    expect(await call('GET', `/organisations/${orgA}/probe`, 'nobody@t.fr')).toMatchObject({
      status: 401,
      body: { message: 'no user with e-mail nobody@t.fr' },
    });
  });

  it('rolls back what a failing handler wrote', async () => {
    const response = await call('POST', `/organisations/${orgA}/probe`, ownerEmail);
    expect(response).toMatchObject({ status: 400, body: { message: 'refused after writing' } });
    const after = await call('GET', `/organisations/${orgA}/probe`, ownerEmail);
    expect(after.body).toMatchObject({ companies: 1 });
  });

  it('refuses an organisation route that declares no permission (fail closed)', async () => {
    const response = await call('GET', `/broken/${orgA}`, ownerEmail);
    expect(response.status).toBe(500);
    expect(response.body.message).toBe(
      'route misconfigured: organisation route without @RequirePermission()',
    );
  });

  it('lets a job re-enter the context from its payload and work under RLS', async () => {
    const tenantDatabase = app.get(TenantDatabase);
    const count = await enterJobContext({ organisationId: orgB }, () =>
      tenantDatabase.transaction(async (scope) => {
        const page = await scope.repositories.companies.list(scope.organisationId);
        return { n: page.items.length, context: getTenantContext() };
      }),
    );
    expect(count).toEqual({
      n: 2,
      context: { organisationId: orgB, userId: null, role: 'system' },
    });
    expect(() => tenantDatabase.repositories()).toThrow('no tenant transaction');
    await expect(tenantDatabase.transaction(() => Promise.resolve())).rejects.toThrow(
      'no tenant context',
    );
  });

  it('coalesces the statements of one turn into one transaction; a failing one runs the others alone', async () => {
    const tenantDatabase = app.get(TenantDatabase);
    const backendPid = {
      sql: 'SELECT pg_backend_pid() AS pid, txid_current() AS tx',
      read: (rows: Record<string, unknown>[]) => rows[0],
    };
    const together = await enterJobContext({ organisationId: orgA }, () =>
      Promise.all([
        tenantDatabase.batchedStatement('probe', backendPid),
        tenantDatabase.batchedStatement('probe', backendPid),
        tenantDatabase.batchedStatement('probe', {
          sql: `SELECT current_setting('app.organisation_id') AS org`,
          read: (rows) => rows[0]?.org,
        }),
      ]),
    );
    // One server session, one transaction, the organisation's setting.
    expect(together[0]).toEqual(together[1]);
    expect(together[2]).toBe(orgA);

    const name = `batched ${String(Date.now())}`;
    const insert = {
      sql: `INSERT INTO crm.companies (organisation_id, name) VALUES ('${orgA}', '${name}') RETURNING name`,
      read: (rows: Record<string, unknown>[]) => rows[0]?.name,
    };
    const outcomes = await enterJobContext({ organisationId: orgA }, () =>
      Promise.allSettled([
        tenantDatabase.batchedStatement('write', insert),
        tenantDatabase.batchedStatement('write', {
          sql: 'SELECT no_such_column FROM crm.companies',
          read: () => null,
        }),
      ]),
    );
    expect(outcomes[0]).toEqual({ status: 'fulfilled', value: name });
    expect(outcomes[1]).toMatchObject({ status: 'rejected' });
    // Inserted once: the failed batch was rolled back, then the insert ran alone.
    const count = await enterJobContext({ organisationId: orgA }, () =>
      tenantDatabase.statement({
        sql: `SELECT count(*)::int AS n FROM crm.companies WHERE name = '${name}'`,
        read: (rows) => rows[0]?.n,
      }),
    );
    expect(count).toBe(1);
  });

  /** A statement that merges with its kind: the batch's items in one SELECT, each its own row. */
  const mergeable = (value: string, log: string[]): OpeningRead<unknown> => ({
    sql: `SELECT '${value}' AS value, txid_current() AS tx`,
    read: (rows) => ({ ...rows[0], merged: false }),
    merge: {
      item: `'${value}'`,
      sql: (items) => {
        log.push(items.join(','));
        return (
          `SELECT x.ordinality::int AS item, x.value, txid_current() AS tx ` +
          `FROM unnest(ARRAY[${items.join(', ')}]::text[]) WITH ORDINALITY AS x (value, ordinality)`
        );
      },
      read: (rows, index) => {
        const row = rows.find((candidate) => candidate.item === index + 1);
        return { value: row?.value, tx: row?.tx, merged: true };
      },
    },
  });

  it('runs a batch of statements that merge as ONE statement, each given its own row; alone when the merged one fails', async () => {
    const tenantDatabase = app.get(TenantDatabase);
    const log: string[] = [];
    const answers = (await enterJobContext({ organisationId: orgA }, () =>
      Promise.all(
        ['a', 'b', 'c'].map((value) =>
          tenantDatabase.batchedStatement('merge', mergeable(value, log)),
        ),
      ),
    )) as Array<{ value: string; tx: string; merged: boolean }>;
    expect(log).toEqual(["'a','b','c'"]);
    expect(answers.map(({ value, merged }) => ({ value, merged }))).toEqual([
      { value: 'a', merged: true },
      { value: 'b', merged: true },
      { value: 'c', merged: true },
    ]);
    expect(new Set(answers.map(({ tx }) => tx)).size).toBe(1);

    // A merged statement that fails (here: a bad item) is rolled back; each runs alone.
    const broken = mergeable('d', log);
    const failing: OpeningRead<unknown> = {
      ...mergeable('e', log),
      merge: { ...(broken.merge as NonNullable<typeof broken.merge>), item: 'no_such_column' },
    };
    const alone = (await enterJobContext({ organisationId: orgA }, () =>
      Promise.all([
        tenantDatabase.batchedStatement('merge', broken),
        tenantDatabase.batchedStatement('merge', failing),
      ]),
    )) as Array<{ value: string; merged: boolean }>;
    expect(alone.map(({ value, merged }) => ({ value, merged }))).toEqual([
      { value: 'd', merged: false },
      { value: 'e', merged: false },
    ]);
  });

  it('runs the statements of several kinds issued together in ONE transaction, each kind merged; alone when one fails', async () => {
    const tenantDatabase = app.get(TenantDatabase);
    const log: string[] = [];
    const name = `kinds ${String(Date.now())}`;
    const insert: OpeningRead<unknown> = {
      sql: `INSERT INTO crm.companies (organisation_id, name) VALUES ('${orgA}', '${name}') RETURNING txid_current() AS tx`,
      read: (rows) => ({ tx: rows[0]?.tx, merged: false }),
    };
    const answers = (await enterJobContext({ organisationId: orgA }, () =>
      Promise.all([
        tenantDatabase.batchedStatement('kind-b', mergeable('b1', log)),
        tenantDatabase.batchedStatement('kind-a', mergeable('a1', log)),
        tenantDatabase.batchedStatement('kind-c', insert),
        tenantDatabase.batchedStatement('kind-b', mergeable('b2', log)),
        tenantDatabase.batchedStatement('kind-a', mergeable('a2', log)),
      ]),
    )) as Array<{ value?: string; tx: string; merged: boolean }>;
    // Each kind as one statement, the kinds in name order; every answer to its own caller.
    expect(log).toEqual(["'a1','a2'", "'b1','b2'"]);
    expect(answers.map(({ value, merged }) => ({ value, merged }))).toEqual([
      { value: 'b1', merged: true },
      { value: 'a1', merged: true },
      { value: undefined, merged: false },
      { value: 'b2', merged: true },
      { value: 'a2', merged: true },
    ]);
    // One transaction for all of them.
    expect(new Set(answers.map(({ tx }) => tx)).size).toBe(1);

    // One kind failing rolls the batch back: the others run alone, the insert once.
    const failing: OpeningRead<unknown> = {
      sql: 'SELECT no_such_column FROM crm.companies',
      read: () => null,
    };
    const outcomes = await enterJobContext({ organisationId: orgA }, () =>
      Promise.allSettled([
        tenantDatabase.batchedStatement('kind-c', insert),
        tenantDatabase.batchedStatement('kind-d', failing),
        tenantDatabase.batchedStatement('kind-a', mergeable('a3', log)),
      ]),
    );
    expect(outcomes[0]).toMatchObject({ status: 'fulfilled', value: { merged: false } });
    expect(outcomes[1]).toMatchObject({ status: 'rejected' });
    expect(outcomes[2]).toMatchObject({
      status: 'fulfilled',
      value: { value: 'a3', merged: false },
    });
    const count = await enterJobContext({ organisationId: orgA }, () =>
      tenantDatabase.statement({
        sql: `SELECT count(*)::int AS n FROM crm.companies WHERE name = '${name}'`,
        read: (rows) => rows[0]?.n,
      }),
    );
    expect(count).toBe(2);
  });

  it('gathers the statements that arrive while a batch of the organisation runs into the next batch, whatever their name', async () => {
    const tenantDatabase = app.get(TenantDatabase);
    const log: string[] = [];
    const slow: OpeningRead<unknown> = {
      sql: 'SELECT pg_sleep(0.3)',
      read: () => 'slept',
      merge: {
        item: `'slow'`,
        sql: (items) => {
          log.push(items.join(','));
          return `SELECT 1 AS item, pg_sleep(0.3)`;
        },
        read: () => 'slept',
      },
    };
    const answers = await enterJobContext({ organisationId: orgA }, async () => {
      const first = tenantDatabase.batchedStatement('gather', slow);
      // Three statements in three later turns of the event loop, while the first batch runs.
      const later: Array<Promise<unknown>> = [];
      for (const value of ['x', 'y', 'z']) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        later.push(tenantDatabase.batchedStatement('gather', mergeable(value, log)));
        later.push(tenantDatabase.batchedStatement('another', mergeable(`${value}2`, log)));
      }
      return Promise.all([first, ...later]);
    });
    expect(answers[0]).toBe('slept');
    // The first alone (a batch of one runs its own statement), then the six together: each
    // name as one statement, in one transaction.
    expect(log).toEqual(["'x2','y2','z2'", "'x','y','z'"]);
    const gathered = answers.slice(1) as Array<{ tx: string; merged: boolean }>;
    expect(gathered.every(({ merged }) => merged)).toBe(true);
    expect(new Set(gathered.map(({ tx }) => tx)).size).toBe(1);
  });
});
