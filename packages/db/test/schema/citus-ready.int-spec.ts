import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import {
  citusViolations,
  distributionScript,
  distributionScriptViolations,
  loadCitusDistribution,
  readCitusCatalog,
  type CitusCatalog,
  type CitusDistribution,
} from './citus-rules.js';
import { POSTGRES_DB_DIR } from './migration-files.js';
import { useSchemaDatabase } from './schema-database.js';

/** docs/scale-out.md: the deployment whose create_*_table calls are checked here. */
const SCALE_OUT_DOC = join(POSTGRES_DB_DIR, '../../../docs/scale-out.md');

/*
 * Citus cannot be installed here, so its rules for a schema distributed by organisation_id are
 * checked on the migrated catalog (citus-rules.ts), with the classification of
 * infra/postgres/db/citus-distribution.json; a throw-away schema breaking each rule proves the
 * check fails.
 */
describe('Citus-ready schema (distributed by organisation_id)', () => {
  const db = useSchemaDatabase();
  const plan = loadCitusDistribution();
  let client: pg.Client;
  let catalog: CitusCatalog;

  beforeAll(async () => {
    client = db.client;
    catalog = await readCitusCatalog(client, plan.distributionColumn);
  });

  it('classifies every table: iam.organisations and iam.users are reference tables, the rest distributed', () => {
    const reference = plan.referenceTables.map((entry) => entry.table);
    expect(reference).toEqual(['iam.organisations', 'iam.users']);
    const distributed = catalog.tables.filter((table) => !reference.includes(table.name));
    expect(distributed.length).toBeGreaterThanOrEqual(21);
    expect(distributed.every((table) => table.distributionType === 'uuid')).toBe(true);
  });

  it('breaks no Citus rule: keys, unique constraints, foreign keys, sequences, SECURITY DEFINER allow-list', () => {
    expect(citusViolations(catalog, plan)).toEqual([]);
  });

  it('documents every SECURITY DEFINER function, the cross-organisation ones with what changes under Citus', () => {
    expect(catalog.securityDefinerFunctions.length).toBeGreaterThanOrEqual(4);
    for (const entry of plan.securityDefinerFunctions) {
      expect(entry.underCitus.length).toBeGreaterThan(40);
    }
    const cross = plan.securityDefinerFunctions.filter((entry) => entry.crossOrganisation);
    expect(cross.map((entry) => entry.function)).toEqual(
      expect.arrayContaining(['platform.claim_due_tasks(text, integer, integer)']),
    );
  });

  it('docs/scale-out.md distributes every table once, colocated, in an order Citus accepts', () => {
    const script = distributionScript(readFileSync(SCALE_OUT_DOC, 'utf8'));
    expect(script.calls.length).toBe(catalog.tables.length);
    expect(distributionScriptViolations(script, catalog, plan)).toEqual([]);
  });

  describe('a throw-away schema breaking each rule', () => {
    const PROBE = 'citus_probe';
    const probePlan: CitusDistribution = {
      distributionColumn: 'organisation_id',
      colocateWith: `${PROBE}.accounts`,
      referenceTables: [{ table: `${PROBE}.countries`, reason: 'test' }],
      securityDefinerFunctions: [],
    };

    beforeAll(async () => {
      await client.query(`
        CREATE SCHEMA ${PROBE};
        CREATE TABLE ${PROBE}.countries (code text PRIMARY KEY);
        CREATE TABLE ${PROBE}.accounts (
          organisation_id uuid NOT NULL, id uuid NOT NULL, email text NOT NULL,
          PRIMARY KEY (organisation_id, id),
          CONSTRAINT accounts_email_key UNIQUE (email), CONSTRAINT accounts_id_key UNIQUE (id));
        CREATE TABLE ${PROBE}.notes (
          organisation_id uuid NOT NULL, id uuid PRIMARY KEY, account_id uuid,
          country text REFERENCES ${PROBE}.countries (code),
          CONSTRAINT notes_account_fkey FOREIGN KEY (account_id) REFERENCES ${PROBE}.accounts (id));
        CREATE UNIQUE INDEX accounts_lower_email_idx ON ${PROBE}.accounts (lower(email));
        CREATE TABLE ${PROBE}.favourites (
          organisation_id uuid, id integer GENERATED ALWAYS AS IDENTITY, account_id uuid,
          PRIMARY KEY (organisation_id, id),
          CONSTRAINT favourites_account_fkey FOREIGN KEY (organisation_id, account_id)
            REFERENCES ${PROBE}.accounts (organisation_id, id) ON DELETE SET NULL);
        CREATE TABLE ${PROBE}.settings (key text);
        CREATE TABLE ${PROBE}.tags (id uuid PRIMARY KEY, organisation_id uuid);
        ALTER TABLE ${PROBE}.countries ADD COLUMN account_org uuid, ADD COLUMN account_id uuid,
          ADD CONSTRAINT countries_account_fkey FOREIGN KEY (account_org, account_id)
            REFERENCES ${PROBE}.accounts (organisation_id, id);
        CREATE TABLE ${PROBE}.other_type (organisation_id text NOT NULL, id uuid,
          PRIMARY KEY (organisation_id, id));
        CREATE FUNCTION ${PROBE}.everyone() RETURNS bigint LANGUAGE sql SECURITY DEFINER
          AS 'SELECT count(*) FROM ${PROBE}.accounts';
      `);
    });

    afterAll(async () => {
      await client.query(`DROP SCHEMA ${PROBE} CASCADE`);
    });

    it('reports each violation by name', async () => {
      const probe = await readCitusCatalog(client, 'organisation_id', [PROBE]);
      const violations = citusViolations(probe, probePlan);
      expect(violations).toEqual(
        expect.arrayContaining([
          `${PROBE}.accounts: unique constraint accounts_email_key leaves organisation_id out`,
          `${PROBE}.accounts: unique constraint accounts_id_key leaves organisation_id out`,
          `${PROBE}.accounts: unique index accounts_lower_email_idx leaves organisation_id out`,
          `${PROBE}.notes: primary key notes_pkey leaves organisation_id out`,
          `${PROBE}.notes: foreign key notes_account_fkey → ${PROBE}.accounts does not join on organisation_id = organisation_id`,
          `${PROBE}.tags: organisation_id may be NULL`,
          `${PROBE}.tags: primary key tags_pkey leaves organisation_id out`,
          `${PROBE}.favourites.id: a sequence narrower than bigint`,
          `${PROBE}.favourites: foreign key favourites_account_fkey → ${PROBE}.accounts: ON DELETE SET NULL/DEFAULT would change organisation_id`,
          `${PROBE}.countries: foreign key countries_account_fkey → ${PROBE}.accounts: a reference table cannot reference a distributed table`,
          `${PROBE}.settings: no primary key`,
          `${PROBE}.settings: has no organisation_id and is not a listed reference table (citus-distribution.json)`,
          `${PROBE}.everyone(): SECURITY DEFINER but not in the allow-list (citus-distribution.json says what changes under Citus)`,
        ]),
      );
      expect(violations.some((line) => line.includes('different types'))).toBe(true);
      // A distributed → reference key (notes.country → countries) is allowed.
      expect(violations.filter((line) => line.includes('notes_country_fkey'))).toEqual([]);
    });

    it('reports a stale allow-list entry, a missing call and a call out of order', async () => {
      const probe = await readCitusCatalog(client, 'organisation_id', [PROBE]);
      const stale = citusViolations(probe, {
        ...probePlan,
        securityDefinerFunctions: [
          { function: `${PROBE}.gone()`, crossOrganisation: true, underCitus: 'x' },
        ],
      });
      expect(stale).toContain(`${PROBE}.gone(): in the allow-list but not found`);
      const script = distributionScript(
        `ALTER TABLE ${PROBE}.countries DROP CONSTRAINT countries_account_fkey;
         SELECT create_distributed_table('${PROBE}.notes', 'organisation_id', colocate_with => '${PROBE}.accounts');
         SELECT create_distributed_table('${PROBE}.accounts', 'organisation_id');`,
      );
      const order = distributionScriptViolations(script, probe, probePlan);
      expect(order).toEqual(
        expect.arrayContaining([
          `${PROBE}.notes: colocated with ${PROBE}.accounts before it exists`,
          `${PROBE}.notes: before ${PROBE}.accounts, which notes_account_fkey references`,
          `${PROBE}.countries: no create_*_table call`,
          'countries_account_fkey: dropped and never added back',
        ]),
      );
    });
  });
});
