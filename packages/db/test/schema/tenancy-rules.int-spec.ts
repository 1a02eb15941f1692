import { readFileSync } from 'node:fs';
import type pg from 'pg';
import { DATA_SCHEMAS, TENANCY_EXCEPTIONS_FILE } from './migration-files.js';
import {
  foreignKeyHasIndex,
  foreignKeys,
  indexes,
  organisationCascadeViolations,
  tables,
  type ForeignKeyInfo,
  type IndexInfo,
  type TableInfo,
} from './tenancy-catalog.js';
import { useSchemaDatabase } from './schema-database.js';

interface TenancyException {
  schema: string;
  table: string;
  index: string;
  reason: string;
}

const GLOBAL_TABLES = ['iam.organisations', 'iam.users'];

function loadExceptions(): TenancyException[] {
  const parsed = JSON.parse(readFileSync(TENANCY_EXCEPTIONS_FILE, 'utf8')) as {
    exceptions: TenancyException[];
  };
  return parsed.exceptions;
}

const qualified = (item: { schema: string; table: string }): string =>
  `${item.schema}.${item.table}`;

describe('tenancy rules, checked on the catalog', () => {
  const db = useSchemaDatabase();
  let client: pg.Client;
  let allTables: TableInfo[];
  let tenantTables: TableInfo[];
  let allForeignKeys: ForeignKeyInfo[];
  let allIndexes: IndexInfo[];
  const exceptions = loadExceptions();

  beforeAll(async () => {
    client = db.client;
    allTables = await tables(client, DATA_SCHEMAS);
    tenantTables = allTables.filter((table) => !GLOBAL_TABLES.includes(qualified(table)));
    allForeignKeys = await foreignKeys(client, DATA_SCHEMAS);
    allIndexes = await indexes(client, DATA_SCHEMAS);
  });

  it('sees the 17 core tables, the 5 delivery, the 3 imports and the 3 analytics tables, all but 2 of them tenant tables', () => {
    expect(allTables).toHaveLength(28);
    expect(tenantTables).toHaveLength(26);
  });

  it('gives every tenant table organisation_id and the primary key (organisation_id, id)', () => {
    // Two keyed by what they relate instead: a membership (organisation, user), and a mailbox
    // folder's IMAP sync position (organisation, mailbox, folder).
    const naturalKeys: Record<string, string[]> = {
      'iam.organisation_users': ['organisation_id', 'user_id'],
      'delivery.mailbox_sync_states': ['organisation_id', 'mailbox_id', 'folder'],
    };
    for (const table of tenantTables) {
      const expected = naturalKeys[qualified(table)] ?? ['organisation_id', 'id'];
      expect({ table: qualified(table), primaryKey: table.primaryKey }).toEqual({
        table: qualified(table),
        primaryKey: expected,
      });
    }
  });

  it('keys the two global tables by id alone', () => {
    for (const table of allTables.filter((t) => GLOBAL_TABLES.includes(qualified(t)))) {
      expect({ table: qualified(table), primaryKey: table.primaryKey }).toEqual({
        table: qualified(table),
        primaryKey: ['id'],
      });
      expect(table.columns).not.toContain('organisation_id');
    }
  });

  it('makes every tenant row cascade away with its organisation', () => {
    expect(organisationCascadeViolations(tenantTables, allForeignKeys)).toEqual([]);
  });

  it('lets only positions, campaign_enrollments and tasks leave their organisation key NOT ENFORCED (V20251230_200000, V20251230_100000)', () => {
    const notEnforced = allForeignKeys
      .filter((fk) => !fk.enforced)
      .map((fk) => `${qualified(fk)}.${fk.name}`);
    expect(notEnforced).toEqual([
      'crm.positions.positions_organisation_id_fkey',
      'outreach.campaign_enrollments.campaign_enrollments_organisation_id_fkey',
      'outreach.tasks.tasks_organisation_id_fkey',
    ]);
  });

  it('the cascade rule flags a NOT ENFORCED organisation key that nothing replaces (checked inside a rolled-back transaction)', async () => {
    await client.query('BEGIN');
    try {
      // Each probe references crm.positions (cascades from the organisation through crm.people)
      // or another probe.
      const probe = (name: string, positionColumn: string, onDelete: string): string => `
        CREATE TABLE crm.${name} (
          organisation_id uuid NOT NULL, id uuid NOT NULL, position_id uuid ${positionColumn},
          PRIMARY KEY (organisation_id, id),
          CONSTRAINT ${name}_organisation_id_fkey FOREIGN KEY (organisation_id)
            REFERENCES iam.organisations (id) ON DELETE CASCADE NOT ENFORCED,
          CONSTRAINT ${name}_position_fkey FOREIGN KEY (organisation_id, position_id)
            REFERENCES crm.positions (organisation_id, id) ${onDelete});`;
      await client.query(
        probe('probe_chained', 'NOT NULL', 'ON DELETE CASCADE') +
          probe('probe_nullable', '', 'ON DELETE CASCADE') +
          probe('probe_restrict', 'NOT NULL', 'ON DELETE RESTRICT') +
          probe('probe_unenforced_parent', 'NOT NULL', 'ON DELETE CASCADE NOT ENFORCED') +
          `CREATE TABLE crm.probe_grandchild (
             organisation_id uuid NOT NULL, id uuid NOT NULL, parent_id uuid NOT NULL,
             PRIMARY KEY (organisation_id, id),
             CONSTRAINT probe_grandchild_organisation_id_fkey FOREIGN KEY (organisation_id)
               REFERENCES iam.organisations (id) ON DELETE CASCADE NOT ENFORCED,
             CONSTRAINT probe_grandchild_parent_fkey FOREIGN KEY (organisation_id, parent_id)
               REFERENCES crm.probe_chained (organisation_id, id) ON DELETE CASCADE);
           CREATE TABLE crm.probe_orphan_child (
             organisation_id uuid NOT NULL, id uuid NOT NULL, parent_id uuid NOT NULL,
             PRIMARY KEY (organisation_id, id),
             CONSTRAINT probe_orphan_child_organisation_id_fkey FOREIGN KEY (organisation_id)
               REFERENCES iam.organisations (id) ON DELETE CASCADE NOT ENFORCED,
             CONSTRAINT probe_orphan_child_parent_fkey FOREIGN KEY (organisation_id, parent_id)
               REFERENCES crm.probe_nullable (organisation_id, id) ON DELETE CASCADE);
           CREATE TABLE crm.probe_no_key (organisation_id uuid NOT NULL, id uuid NOT NULL,
             PRIMARY KEY (organisation_id, id));`,
      );
      const withProbes = (await tables(client, DATA_SCHEMAS)).filter(
        (table) => !GLOBAL_TABLES.includes(qualified(table)),
      );
      expect(withProbes).toHaveLength(tenantTables.length + 7);
      const violations = organisationCascadeViolations(
        withProbes,
        await foreignKeys(client, DATA_SCHEMAS),
      );
      const unreplaced = (table: string): string =>
        `crm.${table}: ${table}_organisation_id_fkey is NOT ENFORCED (no check, no cascade) without an enforced composite key, NOT NULL and ON DELETE CASCADE, to a table that cascades from the organisation`;
      expect(violations).toEqual([
        'crm.probe_no_key: needs exactly one key (organisation_id) → iam.organisations (id) ON DELETE CASCADE, has []',
        unreplaced('probe_nullable'),
        unreplaced('probe_orphan_child'),
        unreplaced('probe_restrict'),
        unreplaced('probe_unenforced_parent'),
      ]);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('makes every foreign key between tenant tables composite, organisation_id to organisation_id', () => {
    const tenantNames = new Set(tenantTables.map(qualified));
    const between = allForeignKeys.filter(
      (fk) =>
        tenantNames.has(qualified(fk)) &&
        tenantNames.has(`${fk.referencedSchema}.${fk.referencedTable}`),
    );
    expect(between.length).toBeGreaterThanOrEqual(20);
    for (const fk of between) {
      const position = fk.columns.indexOf('organisation_id');
      expect({
        fk: fk.name,
        composite: fk.columns.length > 1,
        referencedAtSamePosition: position >= 0 ? fk.referencedColumns[position] : null,
      }).toEqual({ fk: fk.name, composite: true, referencedAtSamePosition: 'organisation_id' });
    }
  });

  it('references global tables only from organisation_id or user ids', () => {
    const tenantNames = new Set(tenantTables.map(qualified));
    const toGlobal = allForeignKeys.filter(
      (fk) =>
        tenantNames.has(qualified(fk)) &&
        GLOBAL_TABLES.includes(`${fk.referencedSchema}.${fk.referencedTable}`),
    );
    for (const fk of toGlobal) {
      expect(['organisation_id', 'user_id']).toContain(fk.columns.join(','));
    }
  });

  const unlisted = (candidates: readonly IndexInfo[]): string[] => {
    const tenantNames = new Set(tenantTables.map(qualified));
    const listed = new Set(exceptions.map((entry) => `${entry.schema}.${entry.index}`));
    return candidates
      .filter((index) => tenantNames.has(qualified(index)))
      .filter((index) => index.keys[0] !== 'organisation_id')
      .filter((index) => !listed.has(`${index.schema}.${index.name}`))
      .map((index) => `${qualified(index)}: ${index.name} (${index.keys.join(', ')})`);
  };

  const uniqueWithoutOrganisation = (candidates: readonly IndexInfo[]): string[] => {
    const tenantNames = new Set(tenantTables.map(qualified));
    return candidates
      .filter((index) => tenantNames.has(qualified(index)) && index.unique)
      .filter((index) => !index.keys.includes('organisation_id'))
      .map((index) => index.name);
  };

  it('starts every index and unique constraint of a tenant table with organisation_id, except the listed ones', () => {
    expect(unlisted(allIndexes)).toEqual([]);
  });

  it('never leaves organisation_id out of a unique index on a tenant table, listed or not', () => {
    expect(uniqueWithoutOrganisation(allIndexes)).toEqual([]);
  });

  it('the index rules flag an index that breaks them (checked inside a rolled-back transaction)', async () => {
    await client.query('BEGIN');
    try {
      await client.query('CREATE INDEX companies_bad_name_idx ON crm.companies (name)');
      await client.query(
        'CREATE UNIQUE INDEX companies_bad_pharow_key ON crm.companies (pharow_company_id)',
      );
      const broken = await indexes(client, DATA_SCHEMAS);
      expect(unlisted(broken)).toEqual([
        'crm.companies: companies_bad_name_idx (name)',
        'crm.companies: companies_bad_pharow_key (pharow_company_id)',
      ]);
      expect(uniqueWithoutOrganisation(broken)).toEqual(['companies_bad_pharow_key']);
    } finally {
      await client.query('ROLLBACK');
    }
  });

  it('lists only exceptions that exist, are needed, are not unique and give a reason', () => {
    expect(exceptions.length).toBeGreaterThan(0);
    for (const entry of exceptions) {
      const index = allIndexes.find(
        (candidate) =>
          candidate.schema === entry.schema &&
          candidate.table === entry.table &&
          candidate.name === entry.index,
      );
      expect({ entry: entry.index, found: index !== undefined }).toEqual({
        entry: entry.index,
        found: true,
      });
      if (!index) continue;
      expect({
        entry: entry.index,
        needed: index.keys[0] !== 'organisation_id',
        unique: index.unique,
        reasonGiven: entry.reason.trim().length >= 20,
      }).toEqual({ entry: entry.index, needed: true, unique: false, reasonGiven: true });
    }
  });

  it('backs every foreign key with an index on the referencing columns', () => {
    expect(allForeignKeys.length).toBeGreaterThan(30);
    const missing = allForeignKeys
      .filter((fk) => !foreignKeyHasIndex(fk, allIndexes))
      .map((fk) => `${qualified(fk)}.${fk.name} (${fk.columns.join(', ')})`);
    expect(missing).toEqual([]);
  });

  /** A made-up foreign key of crm.positions (to crm.people unless told otherwise). */
  const fakeForeignKey = (fields: Partial<ForeignKeyInfo>): ForeignKeyInfo => ({
    schema: 'crm',
    table: 'positions',
    name: 'fake',
    columns: ['organisation_id', 'title'],
    referencedSchema: 'crm',
    referencedTable: 'people',
    referencedColumns: ['organisation_id', 'id'],
    onDelete: 'a',
    enforced: true,
    validated: true,
    notNull: false,
    ...fields,
  });

  it('the foreign-key index check itself rejects an unindexed foreign key', () => {
    expect(foreignKeyHasIndex(fakeForeignKey({}), allIndexes)).toBe(false);
  });

  it('the foreign-key index check accepts a partial index only when its predicate is the key column IS NOT NULL', () => {
    const fk = fakeForeignKey({
      schema: 'outreach',
      table: 'campaign_enrollments',
      columns: ['organisation_id', 'some_message_id'],
      referencedSchema: 'outreach',
      referencedTable: 'messages',
    });
    const index = (predicate: string | null): IndexInfo => ({
      schema: 'outreach',
      table: 'campaign_enrollments',
      name: 'some_message_idx',
      unique: false,
      partial: predicate !== null,
      predicate,
      keys: ['organisation_id', 'some_message_id'],
    });
    expect(foreignKeyHasIndex(fk, [index(null)])).toBe(true);
    expect(foreignKeyHasIndex(fk, [index('some_message_id IS NOT NULL')])).toBe(true);
    expect(foreignKeyHasIndex(fk, [index("status = 'exited'::text")])).toBe(false);
    expect(foreignKeyHasIndex(fk, [index('other_id IS NOT NULL')])).toBe(false);
    expect(foreignKeyHasIndex(fk, [index('organisation_id IS NOT NULL')])).toBe(false);
  });
});
