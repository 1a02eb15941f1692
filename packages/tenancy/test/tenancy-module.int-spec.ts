import { randomUUID } from 'node:crypto';
import { BadRequestException, Controller, Get, Module, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDataSource } from '@outreach/db';
import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import {
  CurrentUser,
  enterJobContext,
  getTenantContext,
  hasTenantContext,
  mintDevToken,
  Public,
  RequirePermission,
  TenancyModule,
  TenantDatabase,
  type AuthenticatedUser,
} from '../src/index.js';

const SECRET = 'tenancy-module-test-secret-0123456789';

@Controller('organisations/:organisationId/probe')
class ProbeController {
  constructor(private readonly database: TenantDatabase) {}

  @Get()
  @RequirePermission('companies:read')
  async read(): Promise<unknown> {
    const rows: { setting: string; companies: string }[] = await this.database.manager().query(
      `SELECT current_setting('app.organisation_id', true) AS setting,
                (SELECT count(*) FROM crm.companies)::text AS companies`,
    );
    return { context: getTenantContext(), ...rows[0] };
  }

  @Post()
  @RequirePermission('companies:write')
  async writeThenFail(): Promise<never> {
    await this.database
      .manager()
      .query(`INSERT INTO crm.companies (organisation_id, name) VALUES ($1, 'half-written')`, [
        getTenantContext().organisationId,
      ]);
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

describe('TenancyModule in a Nest app (guards, context, RLS transaction)', () => {
  let database: TestDatabase;
  let dataSource: DataSource;
  let app: NestFastifyApplication;
  let admin: pg.Client;
  const orgA = randomUUID();
  const orgB = randomUUID();
  let owner = '';
  let viewer = '';
  let baseUrl = '';

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`INSERT INTO iam.organisations (id, name) VALUES ($1, 'A'), ($2, 'B')`, [
      orgA,
      orgB,
    ]);
    const users = await admin.query<{ id: string }>(
      `INSERT INTO iam.users (email) VALUES ('owner@t.fr'), ('viewer@t.fr') RETURNING id`,
    );
    [owner, viewer] = users.rows.map((row) => row.id) as [string, string];
    await admin.query(
      `INSERT INTO iam.organisation_users (organisation_id, user_id, role, status)
       VALUES ($1, $2, 'owner', 'active'), ($1, $3, 'viewer', 'active'), ($4, $3, 'owner', 'active')`,
      [orgA, owner, viewer, orgB],
    );
    await admin.query(
      `INSERT INTO crm.companies (organisation_id, name) VALUES ($1, 'a1'), ($2, 'b1'), ($2, 'b2')`,
      [orgA, orgB],
    );

    dataSource = await createDataSource({
      url: database.appUrl,
      applicationName: 'tenancy-test',
      logging: false,
    }).initialize();
    @Module({
      imports: [
        TenancyModule.forRootAsync({
          useFactory: () => ({ auth: { mode: 'hs256', secret: SECRET }, dataSource }),
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
    await dataSource.destroy();
    await admin.end();
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
        companies: '1',
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
      expect(response.body).toMatchObject({ setting: org, companies: org === orgA ? '1' : '2' });
    }
  });

  it('answers 404 to a non-member and 403 to a role without the permission', async () => {
    expect(await call('GET', `/organisations/${orgB}/probe`, 'owner@t.fr')).toMatchObject({
      status: 404,
      body: { message: 'organisation not found' },
    });
    expect((await call('POST', `/organisations/${orgA}/probe`, 'viewer@t.fr')).status).toBe(403);
    expect((await call('GET', '/organisations/nope/probe', 'owner@t.fr')).status).toBe(400);
  });

  it('rolls back what a failing handler wrote', async () => {
    const response = await call('POST', `/organisations/${orgA}/probe`, 'owner@t.fr');
    expect(response).toMatchObject({ status: 400, body: { message: 'refused after writing' } });
    const rows = await admin.query(`SELECT 1 FROM crm.companies WHERE name = 'half-written'`);
    expect(rows.rowCount).toBe(0);
  });

  it('refuses an organisation route that declares no permission (fail closed)', async () => {
    const response = await call('GET', `/broken/${orgA}`, 'owner@t.fr');
    expect(response.status).toBe(500);
    expect(response.body.message).toBe(
      'route misconfigured: organisation route without @RequirePermission()',
    );
  });

  it('lets a job re-enter the context from its payload and work under RLS', async () => {
    const tenantDatabase = app.get(TenantDatabase);
    const count = await enterJobContext({ organisationId: orgB }, () =>
      tenantDatabase.transaction(async (manager) => {
        const rows: { n: string }[] = await manager.query(
          'SELECT count(*)::text AS n FROM crm.companies',
        );
        return { n: rows[0]?.n, context: getTenantContext() };
      }),
    );
    expect(count).toEqual({
      n: '2',
      context: { organisationId: orgB, userId: null, role: 'system' },
    });
    expect(() => tenantDatabase.manager()).toThrow('no tenant transaction');
    await expect(tenantDatabase.transaction(() => Promise.resolve())).rejects.toThrow(
      'no tenant context',
    );
  });
});
