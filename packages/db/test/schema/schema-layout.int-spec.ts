import type pg from 'pg';
import {
  CORE_SCHEMAS,
  DATA_SCHEMAS,
  FUNCTION_SCHEMAS,
  STORAGE_SCHEMAS,
  STORAGE_TABLES,
} from './migration-files.js';
import { tables } from './tenancy-catalog.js';
import { useSchemaDatabase } from './schema-database.js';

/** SPEC.md: exactly these tables, and nothing else, in the four schemas. */
const EXPECTED_TABLES: Record<(typeof CORE_SCHEMAS)[number], string[]> = {
  iam: ['organisation_users', 'organisations', 'users'],
  crm: ['companies', 'people', 'positions'],
  outreach: [
    'campaign_enrollments',
    'campaigns',
    'enrollment_step_variant_assignments',
    'messages',
    'prompts',
    'step_experiment_variants',
    'step_experiments',
    'tasks',
    'workflow_steps',
  ],
  tracking: ['message_open_stats', 'pixels'],
};

/** Insert-only tables: no updated_at (README: "Immutable tables"). */
const IMMUTABLE_TABLES = [
  'analytics.campaign_stats_changes',
  'analytics.campaign_stats_rollups',
  'delivery.inbound_actions',
  'delivery.suppressions',
  'imports.import_row_errors',
  'imports.import_rows',
  'outreach.enrollment_step_variant_assignments',
  'outreach.prompts',
  'tracking.pixels',
];

describe('schema layout', () => {
  const db = useSchemaDatabase();
  let client: pg.Client;

  beforeAll(() => {
    client = db.client;
  });

  it('has exactly the four application schemas, the storage and the function-only schemas besides public', async () => {
    const { rows } = await client.query<{ nspname: string }>(
      `SELECT nspname FROM pg_namespace
        WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast', 'public')
          AND nspname NOT LIKE 'pg\\_%'
        ORDER BY 1`,
    );
    expect(rows.map((row) => row.nspname)).toEqual(
      [...CORE_SCHEMAS, ...STORAGE_SCHEMAS, ...FUNCTION_SCHEMAS].sort(),
    );
  });

  it('has exactly the listed tables in each storage schema', async () => {
    const found = await tables(client, STORAGE_SCHEMAS);
    for (const schema of STORAGE_SCHEMAS) {
      expect(
        found
          .filter((table) => table.schema === schema)
          .map((table) => table.table)
          .sort(),
      ).toEqual([...STORAGE_TABLES[schema]].sort());
    }
  });

  it('keeps the function-only schemas to functions: no relation or type, every function SECURITY DEFINER', async () => {
    const { rows: relations } = await client.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1)
       UNION ALL
       SELECT n.nspname || '.' || t.typname
         FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = ANY($1)`,
      [FUNCTION_SCHEMAS],
    );
    expect(relations).toEqual([]);
    const { rows: functions } = await client.query<{ name: string; definer: boolean }>(
      `SELECT n.nspname || '.' || p.proname AS name, p.prosecdef AS definer
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = ANY($1) ORDER BY 1`,
      [FUNCTION_SCHEMAS],
    );
    expect(functions).toEqual([
      { name: 'platform.analyze_tables_without_statistics', definer: true },
      { name: 'platform.campaign_stats_to_roll_up', definer: true },
      { name: 'platform.claim_due_tasks', definer: true },
      { name: 'platform.experiments_to_evaluate', definer: true },
      { name: 'platform.inbound_mailboxes', definer: true },
      { name: 'platform.resolve_inbound_mailbox', definer: true },
      { name: 'platform.resolve_tracking_token', definer: true },
      { name: 'platform.user_memberships', definer: true },
    ]);
  });

  it('has exactly the SPEC tables in each schema and no other relation (view, sequence, ...)', async () => {
    const { rows } = await client.query<{ schema: string; name: string; relkind: string }>(
      `SELECT n.nspname AS schema, c.relname AS name, c.relkind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = ANY($1) AND c.relkind NOT IN ('i', 'I', 't', 'c')
        ORDER BY 1, 2`,
      [CORE_SCHEMAS],
    );
    const actual: Record<string, string[]> = {};
    for (const row of rows) {
      expect({ relation: `${row.schema}.${row.name}`, kind: row.relkind }).toEqual({
        relation: `${row.schema}.${row.name}`,
        kind: 'r',
      });
      (actual[row.schema] ??= []).push(row.name);
    }
    expect(actual).toEqual(EXPECTED_TABLES);
  });

  it('gives every table a NOT NULL created_at defaulting to now()', async () => {
    const { rows } = await client.query<{ table: string; definition: string | null }>(
      `SELECT t.table_schema || '.' || t.table_name AS table,
              (SELECT c.data_type || ' ' || c.is_nullable || ' ' || coalesce(c.column_default, '')
                 FROM information_schema.columns c
                WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name
                  AND c.column_name = 'created_at') AS definition
         FROM information_schema.tables t
        WHERE t.table_schema = ANY($1)
        ORDER BY 1`,
      [DATA_SCHEMAS],
    );
    expect(rows).toHaveLength(28);
    for (const row of rows) {
      expect({ table: row.table, definition: row.definition }).toEqual({
        table: row.table,
        definition: 'timestamp with time zone NO now()',
      });
    }
  });

  it('keeps updated_at by trigger on every mutable table, and only insert-only tables lack it', async () => {
    const all = await tables(client, DATA_SCHEMAS);
    const { rows: triggers } = await client.query<{ table: string; definition: string }>(
      `SELECT n.nspname || '.' || c.relname AS table, pg_get_triggerdef(t.oid) AS definition
         FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE NOT t.tgisinternal AND t.tgfoid = 'public.set_updated_at()'::regprocedure`,
    );
    const withTrigger = new Map(triggers.map((row) => [row.table, row.definition]));
    const withoutUpdatedAt: string[] = [];
    for (const table of all) {
      const name = `${table.schema}.${table.table}`;
      if (!table.columns.includes('updated_at')) {
        withoutUpdatedAt.push(name);
        expect({ name, trigger: withTrigger.has(name) }).toEqual({ name, trigger: false });
        continue;
      }
      expect({ name, trigger: withTrigger.get(name) }).toEqual({
        name,
        trigger: `CREATE TRIGGER set_updated_at BEFORE UPDATE ON ${name} FOR EACH ROW EXECUTE FUNCTION set_updated_at()`,
      });
    }
    expect(withoutUpdatedAt.sort()).toEqual(IMMUTABLE_TABLES);
  });

  it('stores every e-mail address as citext', async () => {
    const { rows } = await client.query<{ column: string; type: string }>(
      `SELECT table_schema || '.' || table_name || '.' || column_name AS column, udt_name AS type
         FROM information_schema.columns
        WHERE table_schema = ANY($1) AND (column_name = 'email' OR column_name LIKE '%\\_email')
        ORDER BY 1`,
      [CORE_SCHEMAS],
    );
    expect(rows.map((row) => row.column)).toEqual([
      'crm.positions.email',
      'iam.users.email',
      'outreach.messages.from_email',
      'outreach.messages.to_email',
    ]);
    expect(new Set(rows.map((row) => row.type))).toEqual(new Set(['citext']));
  });

  it('uses text with a CHECK list for every enum-like column', async () => {
    const enumLike = [
      'iam.organisation_users.role',
      'iam.organisation_users.status',
      'crm.companies.employee_range',
      'crm.positions.email_status',
      'crm.positions.status',
      'outreach.campaigns.status',
      'outreach.prompts.purpose',
      'outreach.step_experiments.status',
      'outreach.step_experiments.metric',
      'outreach.campaign_enrollments.status',
      'outreach.campaign_enrollments.exit_reason',
      'outreach.tasks.kind',
      'outreach.tasks.status',
      'outreach.messages.direction',
      'outreach.messages.status',
      'tracking.message_open_stats.last_open_kind',
      'tracking.message_open_stats.last_ip_class',
      'tracking.message_open_stats.last_open_reason',
    ];
    const { rows } = await client.query<{ column: string; type: string; checks: string[] }>(
      `SELECT n.nspname || '.' || c.relname || '.' || a.attname AS column,
              format_type(a.atttypid, a.atttypmod) AS type,
              array(SELECT pg_get_constraintdef(con.oid) FROM pg_constraint con
                     WHERE con.conrelid = c.oid AND con.contype = 'c'
                       AND a.attnum = ANY(con.conkey)) AS checks
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname || '.' || c.relname || '.' || a.attname = ANY($1)`,
      [enumLike],
    );
    expect(rows).toHaveLength(enumLike.length);
    for (const row of rows) {
      expect({ column: row.column, type: row.type }).toEqual({ column: row.column, type: 'text' });
      expect({
        column: row.column,
        hasList: row.checks.some((check) => check.includes('ANY (ARRAY[')),
      }).toEqual({ column: row.column, hasList: true });
    }
  });
});
