import { ApiHarness } from './support/api-harness.js';
import { organisationWithData, type OrgFixture } from './support/fixtures.js';
import { CORE_CASES } from './cross-tenant/core.cases.js';
import { CAMPAIGNS_CASES } from './cross-tenant/campaigns.cases.js';
import { EXPERIMENTS_CASES } from './cross-tenant/experiments.cases.js';
import { ENROLLMENTS_CASES } from './cross-tenant/enrollments.cases.js';
import { DELIVERY_CASES } from './cross-tenant/delivery.cases.js';
import { IMPORTS_CASES } from './cross-tenant/imports.cases.js';
import { ANALYTICS_CASES } from './cross-tenant/analytics.cases.js';
import type { CaseBuilder, CrossTenantCases } from './cross-tenant/cross-tenant-case.js';
import { routeInventory } from './support/route-inventory.js';

/**
 * One case per organisation route: without one, the suite fails (see "has a case for every
 * organisation route"), so a new route cannot ship without its two-organisation test. Each area
 * keeps its cases in test/cross-tenant/<area>.cases.ts.
 */
const CASES: CrossTenantCases = {
  ...CORE_CASES,
  ...CAMPAIGNS_CASES,
  ...EXPERIMENTS_CASES,
  ...ENROLLMENTS_CASES,
  ...DELIVERY_CASES,
  ...IMPORTS_CASES,
  ...ANALYTICS_CASES,
};

function fill(path: string, organisationId: string, params: Record<string, string>): string {
  return path.replace(/:(\w+)/g, (_match, name: string) =>
    name === 'organisationId' ? organisationId : (params[name] ?? `<missing ${name}>`),
  );
}

/** What org A has, as the database holds it (to prove nothing changed). */
async function snapshot(api: ApiHarness, a: OrgFixture): Promise<unknown> {
  const tables = [
    'iam.organisation_users',
    'crm.companies',
    'crm.people',
    'crm.positions',
    'outreach.campaigns',
    'outreach.workflow_steps',
    'outreach.step_experiments',
    'outreach.step_experiment_variants',
    'outreach.prompts',
    'outreach.campaign_enrollments',
    'outreach.tasks',
    'outreach.messages',
    'delivery.mailboxes',
    'delivery.suppressions',
    'imports.imports',
    'imports.import_row_errors',
  ];
  const rows: Record<string, unknown> = {};
  for (const table of tables) {
    rows[table] = (
      await api.admin.query(`SELECT * FROM ${table} WHERE organisation_id = $1 ORDER BY 2`, [
        a.organisationId,
      ])
    ).rows;
  }
  rows['iam.organisations'] = (
    await api.admin.query('SELECT * FROM iam.organisations WHERE id = $1', [a.organisationId])
  ).rows;
  return rows;
}

describe('cross-tenant isolation over every organisation route (e2e)', () => {
  let api: ApiHarness;
  let a: OrgFixture;
  let b: OrgFixture;
  let routes: { method: string; path: string; key: string }[];

  beforeAll(async () => {
    api = await ApiHarness.start();
    a = await organisationWithData(api, 'alice@a.example.fr', 'Alpha');
    b = await organisationWithData(api, 'bob@b.example.fr', 'Bravo');
    routes = routeInventory(api.app)
      .filter((route) => route.access.kind === 'organisation')
      .map((route) => ({ ...route, key: `${route.method} ${route.path}` }));
  });

  afterAll(async () => {
    await api.stop();
  });

  it('has a case for every organisation route', () => {
    expect(routes.length).toBeGreaterThan(0);
    expect(routes.map((route) => route.key).filter((key) => !(key in CASES))).toEqual([]);
  });

  it("answers B's owner 404 on every route of A's organisation, leaking and changing nothing", async () => {
    const before = await snapshot(api, a);
    const secrets = [a.companyId, a.personId, a.positionId, 'Alpha', 'alice@a.example.fr'];
    for (const route of routes) {
      const call = await (CASES[route.key] as CaseBuilder)(a, api);
      const response = await api.request(
        route.method,
        fill(route.path, a.organisationId, call.params),
        {
          token: b.owner.token,
          body: call.body,
        },
      );
      expect({
        route: route.key,
        status: response.status,
        message: (response.body as { message?: string }).message,
      }).toEqual({
        route: route.key,
        status: 404,
        message: 'organisation not found',
      });
      for (const secret of secrets) expect(response.text).not.toContain(secret);
    }
    // The cases created throw-away rows as A; drop them from the comparison by re-reading the
    // fixtures A owns before the calls: nothing B did may have changed them.
    const after = await snapshot(api, a);
    const keep = (value: unknown): unknown =>
      JSON.parse(JSON.stringify(value), (_key, v: unknown) => v) as unknown;
    expect(pick(keep(after), before)).toEqual(keep(before));
  });

  it("answers B's owner 404 for A's resources named under B's own organisation", async () => {
    for (const route of routes) {
      if (!/:(companyId|personId|positionId|userId)/.test(route.path)) continue;
      const call = await (CASES[route.key] as CaseBuilder)(a, api);
      const response = await api.request(
        route.method,
        fill(route.path, b.organisationId, call.params),
        {
          token: b.owner.token,
          body: call.body,
        },
      );
      expect({ route: route.key, status: response.status }).toEqual({
        route: route.key,
        status: 404,
      });
      expect(response.text).not.toContain('Alpha');
    }
  });

  it("never lists A's rows in B's lists", async () => {
    for (const route of routes.filter((r) => r.method === 'GET' && !/\/:\w+Id$/.test(r.path))) {
      // B's own parent resources (e.g. B's campaign for …/campaigns/:campaignId/tasks).
      const call = await (CASES[route.key] as CaseBuilder)(b, api);
      const response = await api.request(
        route.method,
        fill(route.path, b.organisationId, call.params),
        { token: b.owner.token },
      );
      expect(response.status).toBe(200);
      for (const secret of [
        a.companyId,
        a.personId,
        a.positionId,
        a.organisationId,
        'alice@a.example.fr',
      ]) {
        expect(response.text).not.toContain(secret);
      }
    }
  });

  it("lets A's owner through on every route", async () => {
    for (const route of routes) {
      const call = await (CASES[route.key] as CaseBuilder)(a, api);
      const response = await api.request(
        route.method,
        fill(route.path, a.organisationId, call.params),
        {
          token: a.owner.token,
          body: call.body,
        },
      );
      expect({
        route: route.key,
        ok: response.status >= 200 && response.status < 300,
        body: response.status >= 300 ? response.body : undefined,
      }).toEqual({
        route: route.key,
        ok: true,
        body: undefined,
      });
    }
  });
});

/** The rows of `after` that existed in `before` (matched by position in each table). */
function pick(after: unknown, before: unknown): unknown {
  const a = after as Record<string, Record<string, unknown>[]>;
  const b = before as Record<string, Record<string, unknown>[]>;
  const out: Record<string, unknown[]> = {};
  for (const [table, rows] of Object.entries(b)) {
    const ids = new Set(rows.map((row) => JSON.stringify(row.id ?? row.user_id)));
    out[table] = (a[table] ?? []).filter((row) => ids.has(JSON.stringify(row.id ?? row.user_id)));
  }
  return JSON.parse(JSON.stringify(out)) as unknown;
}
