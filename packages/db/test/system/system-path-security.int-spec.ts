import { createTestDatabase, type TestDatabase } from '@outreach/testing';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../../src/data-source.factory.js';
import { runInTenantTransaction } from '../../src/tenant-transaction.js';
import { seedTwoOrganisations, type TwoOrganisationFixture } from '../../src/testing/factories.js';
import { connect } from '../schema/pg-assertions.js';

/** The documented results: ids (and a claimed task's lease), never tenant data. */
const FUNCTIONS = [
  {
    name: 'campaign_stats_to_roll_up',
    arguments: '',
    result: 'TABLE(organisation_id uuid, campaign_id uuid)',
  },
  {
    name: 'claim_due_tasks',
    arguments: 'p_owner text, p_lease_seconds integer, p_batch_size integer',
    result:
      'TABLE(organisation_id uuid, task_id uuid, attempts integer, locked_until timestamp with time zone)',
  },
  {
    name: 'experiments_to_evaluate',
    arguments: '',
    result: 'TABLE(organisation_id uuid, experiment_id uuid)',
  },
  {
    name: 'inbound_mailboxes',
    arguments: '',
    result: 'TABLE(organisation_id uuid, mailbox_id uuid)',
  },
  {
    name: 'resolve_inbound_mailbox',
    arguments: 'p_mailbox_id uuid',
    result: 'TABLE(organisation_id uuid, mailbox_id uuid)',
  },
  {
    name: 'resolve_tracking_token',
    arguments: 'p_token text',
    result: 'TABLE(organisation_id uuid, message_id uuid)',
  },
  {
    name: 'user_memberships',
    arguments: 'p_user_id uuid',
    result: 'TABLE(organisation_id uuid, role text, status text)',
  },
];

describe('the system path does not widen what outreach_app can do', () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let app: pg.Client;
  let dataSource: DataSource;
  let fixture: TwoOrganisationFixture;

  beforeAll(async () => {
    database = await createTestDatabase();
    admin = await connect(database.url);
    app = await connect(database.appUrl);
    dataSource = createDataSource({ url: database.appUrl, applicationName: 'system-security' });
    await dataSource.initialize();
    fixture = await seedTwoOrganisations(dataSource);
  });

  afterAll(async () => {
    await dataSource.destroy();
    await app.end();
    await admin.end();
    await database.drop();
  });

  it('keeps row-level security on tasks, pixels and organisation_users for outreach_app_user', async () => {
    const tables = ['outreach.tasks', 'tracking.pixels', 'iam.organisation_users'];
    for (const table of tables) {
      const seen = await runInTenantTransaction(dataSource, fixture.a.organisationId, (manager) =>
        manager.query<{ organisation_id: string }[]>(
          `SELECT DISTINCT organisation_id FROM ${table}`,
        ),
      );
      expect({ table, seen }).toEqual({
        table,
        seen: [{ organisation_id: fixture.a.organisationId }],
      });
      expect({
        table,
        outside: await dataSource.query<unknown[]>(`SELECT 1 FROM ${table}`),
      }).toEqual({
        table,
        outside: [],
      });
    }
    // B's task stays out of reach for an update from A's transaction.
    const updated = await runInTenantTransaction(dataSource, fixture.a.organisationId, (manager) =>
      manager.query<unknown[]>(
        `UPDATE outreach.tasks SET last_error = 'x' WHERE id = $1 RETURNING id`,
        [fixture.b.task.id],
      ),
    );
    expect(updated).toEqual([[], 0]);
  });

  it('cannot become, or act as, the functions’ owner role', async () => {
    await expect(app.query('SET ROLE outreach_system')).rejects.toMatchObject({ code: '42501' });
    const { rows } = await app.query<{ member: boolean; usable: boolean }>(
      `SELECT pg_has_role(current_user, 'outreach_system', 'MEMBER') AS member,
              pg_has_role(current_user, 'outreach_system', 'USAGE') AS usable`,
    );
    expect(rows).toEqual([{ member: false, usable: false }]);
  });

  it('gives outreach_system no login, no bypass and no members', async () => {
    const { rows } = await admin.query(
      `SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,
              (SELECT count(*)::int FROM pg_auth_members m WHERE m.roleid = r.oid) AS members
         FROM pg_roles r WHERE rolname = 'outreach_system'`,
    );
    expect(rows).toEqual([
      {
        rolcanlogin: false,
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
        members: 0,
      },
    ]);
  });

  it('grants outreach_system only the columns the functions touch, and nothing table-wide', async () => {
    const { rows: tablePrivileges } = await admin.query(
      `SELECT table_schema, table_name, privilege_type FROM information_schema.table_privileges
        WHERE grantee = 'outreach_system'`,
    );
    expect(tablePrivileges).toEqual([]);
    const { rows: columns } = await admin.query<{ entry: string }>(
      `SELECT privilege_type || ' ' || table_schema || '.' || table_name || '.' || column_name AS entry
         FROM information_schema.column_privileges WHERE grantee = 'outreach_system'`,
    );
    expect(columns.map((row) => row.entry).sort()).toEqual(
      [
        ...['organisation_id', 'user_id', 'role', 'status'].map(
          (c) => `SELECT iam.organisation_users.${c}`,
        ),
        ...['organisation_id', 'id', 'status', 'imap_host'].map(
          (c) => `SELECT delivery.mailboxes.${c}`,
        ),
        ...[
          'organisation_id',
          'id',
          'status',
          'due_at',
          'next_attempt_at',
          'locked_by',
          'locked_until',
          'attempts',
          'max_attempts',
        ].map((c) => `SELECT outreach.tasks.${c}`),
        ...['organisation_id', 'token', 'message_id'].map((c) => `SELECT tracking.pixels.${c}`),
        ...['organisation_id', 'id', 'status', 'auto_complete'].map(
          (c) => `SELECT outreach.step_experiments.${c}`,
        ),
        ...['organisation_id', 'campaign_id'].map(
          (c) => `SELECT analytics.campaign_stats_changes.${c}`,
        ),
        ...['status', 'locked_by', 'locked_until', 'attempts', 'last_error'].map(
          (c) => `UPDATE outreach.tasks.${c}`,
        ),
      ].sort(),
    );
    const { rows: policies } = await admin.query<{ policy: string }>(
      `SELECT schemaname || '.' || tablename || ' ' || policyname || ' ' || cmd AS policy
         FROM pg_policies WHERE 'outreach_system' = ANY(roles) ORDER BY 1`,
    );
    expect(policies.map((row) => row.policy)).toEqual([
      'analytics.campaign_stats_changes system_rollup_read SELECT',
      'delivery.mailboxes system_inbound_read SELECT',
      'iam.organisation_users system_membership_read SELECT',
      'outreach.step_experiments system_experiment_read SELECT',
      'outreach.tasks system_claim_read SELECT',
      'outreach.tasks system_claim_update UPDATE',
      'tracking.pixels system_token_read SELECT',
    ]);
  });

  it('has exactly the eight documented functions: SECURITY DEFINER, pinned search_path, owned by outreach_system (the statistics one by outreach_maintenance), executable by outreach_app only', async () => {
    const { rows } = await admin.query(
      `SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS arguments,
              pg_get_function_result(p.oid) AS result, p.prosecdef AS "securityDefiner",
              p.proconfig AS config, pg_get_userbyid(p.proowner) AS owner,
              (SELECT array_agg(e ORDER BY e COLLATE "C")
                 FROM (SELECT coalesce(nullif(a.grantee::regrole::text, '-'), 'PUBLIC') || ':' || a.privilege_type AS e
                         FROM aclexplode(p.proacl) a) AS entries) AS acl,
              obj_description(p.oid, 'pg_proc') LIKE '%only cross-organisation door%' AS documented
         FROM pg_proc p WHERE p.pronamespace = 'platform'::regnamespace ORDER BY p.proname`,
    );
    expect(rows).toEqual([
      // Table names, no tenant data: the maintenance door (V20251231_600000), its own owner.
      {
        name: 'analyze_tables_without_statistics',
        arguments: 'p_budget interval',
        result: 'TABLE(table_name text)',
        securityDefiner: true,
        config: ['search_path=pg_catalog, pg_temp', 'lock_timeout=1s'],
        owner: 'outreach_maintenance',
        acl: ['outreach_app:EXECUTE', 'outreach_maintenance:EXECUTE'],
        documented: false,
      },
      ...FUNCTIONS.map((fn) => ({
        ...fn,
        securityDefiner: true,
        config: ['search_path=pg_catalog, pg_temp'],
        owner: 'outreach_system',
        acl: ['outreach_app:EXECUTE', 'outreach_system:EXECUTE'],
        documented: true,
      })),
    ]);
    // information_schema agrees on the result columns the app role can see.
    const { rows: columns } = await app.query<{ fn: string; columns: string }>(
      `SELECT r.routine_name AS fn,
              string_agg(p.parameter_name || ' ' || p.data_type, ', ' ORDER BY p.ordinal_position) AS columns
         FROM information_schema.routines r
         JOIN information_schema.parameters p ON p.specific_schema = r.specific_schema
          AND p.specific_name = r.specific_name AND p.parameter_mode = 'OUT'
        WHERE r.routine_schema = 'platform' GROUP BY 1 ORDER BY 1`,
    );
    expect(columns).toEqual([
      { fn: 'analyze_tables_without_statistics', columns: 'table_name text' },
      { fn: 'campaign_stats_to_roll_up', columns: 'organisation_id uuid, campaign_id uuid' },
      {
        fn: 'claim_due_tasks',
        columns:
          'organisation_id uuid, task_id uuid, attempts integer, locked_until timestamp with time zone',
      },
      { fn: 'experiments_to_evaluate', columns: 'organisation_id uuid, experiment_id uuid' },
      { fn: 'inbound_mailboxes', columns: 'organisation_id uuid, mailbox_id uuid' },
      { fn: 'resolve_inbound_mailbox', columns: 'organisation_id uuid, mailbox_id uuid' },
      { fn: 'resolve_tracking_token', columns: 'organisation_id uuid, message_id uuid' },
      { fn: 'user_memberships', columns: 'organisation_id uuid, role text, status text' },
    ]);
  });
});
