import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_MIGRATIONS_DIR } from '../../src/migrator/index.js';
import { CORE_MIGRATIONS, undoScriptOf, versionedMigrations } from '../schema/migration-files.js';
import { independentFlywayChecksum, Playground } from './fixtures.js';

/** The exact DDL Flyway 11 runs on PostgreSQL (FLYWAY.md), executed verbatim as a reference. */
const FLYWAY_DDL = `
CREATE TABLE "ref"."flyway_schema_history" (
  "installed_rank" INT NOT NULL,
  "version" VARCHAR(50),
  "description" VARCHAR(200) NOT NULL,
  "type" VARCHAR(20) NOT NULL,
  "script" VARCHAR(1000) NOT NULL,
  "checksum" INTEGER,
  "installed_by" VARCHAR(100) NOT NULL,
  "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
  "execution_time" INTEGER NOT NULL,
  "success" BOOLEAN NOT NULL
);
ALTER TABLE "ref"."flyway_schema_history" ADD CONSTRAINT "flyway_schema_history_pk" PRIMARY KEY ("installed_rank");
CREATE INDEX "flyway_schema_history_s_idx" ON "ref"."flyway_schema_history" ("success");`;

/** What Flyway writes for a file name, derived here without the runner's parser. */
function expectedRow(file: string): { version: string; description: string } {
  const match = /^V([0-9_.]+?)__(.*)\.sql$/.exec(file);
  if (!match?.[1] || match[2] === undefined) throw new Error(`unexpected file ${file}`);
  return { version: match[1].split('_').join('.'), description: match[2].split('_').join(' ') };
}

const versionedFiles = versionedMigrations(DEFAULT_MIGRATIONS_DIR);

describe('Migrator on the repository migrations', () => {
  let play: Playground;

  beforeAll(async () => {
    play = await Playground.create();
  });
  afterAll(async () => {
    await play.dispose();
  });

  it('has the six migrations the spec names, each with an undo script', () => {
    expect(versionedFiles.slice(0, 6)).toEqual(CORE_MIGRATIONS);
    const all = readdirSync(DEFAULT_MIGRATIONS_DIR);
    for (const file of versionedFiles) expect(all).toContain(undoScriptOf(file));
  });

  it('creates the history table exactly as Flyway does', async () => {
    await play.migrator().migrate();
    await play.query('CREATE SCHEMA ref');
    await play.query(FLYWAY_DDL);
    const columns = (schema: string): Promise<Record<string, unknown>[]> =>
      play.query(
        `SELECT column_name, ordinal_position, data_type, character_maximum_length, is_nullable, column_default
           FROM information_schema.columns
          WHERE table_schema = $1 AND table_name = 'flyway_schema_history' ORDER BY ordinal_position`,
        [schema],
      );
    const ours = await columns('public');
    expect(ours).toHaveLength(10);
    expect(ours).toEqual(await columns('ref'));
    const indexes = (schema: string): Promise<Record<string, unknown>[]> =>
      play.query(
        `SELECT indexname, replace(indexdef, $1, '') AS def FROM pg_indexes
          WHERE schemaname = $2 AND tablename = 'flyway_schema_history' ORDER BY indexname`,
        [`${schema}.`, schema],
      );
    expect(await indexes('public')).toEqual(await indexes('ref'));
    expect((await indexes('public')).map((row) => row.indexname)).toEqual([
      'flyway_schema_history_pk',
      'flyway_schema_history_s_idx',
    ]);
    const constraints = (schema: string): Promise<Record<string, unknown>[]> =>
      play.query(
        `SELECT conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE conrelid = format('%I.flyway_schema_history', $1::text)::regclass ORDER BY conname`,
        [schema],
      );
    expect(await constraints('public')).toEqual(await constraints('ref'));
    expect(await constraints('public')).toContainEqual({
      conname: 'flyway_schema_history_pk',
      contype: 'p',
      def: 'PRIMARY KEY (installed_rank)',
    });
    await play.query('DROP SCHEMA ref CASCADE');
  });

  it('writes the rows Flyway would write', async () => {
    const [{ user } = { user: '' }] = await play.query<{ user: string }>(
      'SELECT current_user AS "user"',
    );
    const rows = await play.history();
    expect(rows).toEqual(
      versionedFiles.map((file, index) => ({
        installed_rank: index + 1,
        ...expectedRow(file),
        type: 'SQL',
        script: file,
        checksum: independentFlywayChecksum(readFileSync(join(DEFAULT_MIGRATIONS_DIR, file))),
        installed_by: user,
        execution_time: expect.any(Number) as unknown,
        success: true,
      })),
    );
    expect(rows[1]).toMatchObject({ version: '20251223.112456', description: ' iam init' });
    const installedOn = await play.query<{ ok: boolean }>(
      'SELECT bool_and(installed_on IS NOT NULL AND installed_on <= now()::timestamp) AS ok FROM flyway_schema_history',
    );
    expect(installedOn).toEqual([{ ok: true }]);
  });

  it('changes nothing on a second migrate', async () => {
    const before = await play.history();
    const result = await play.migrator().migrate();
    expect(result.migrationsExecuted).toBe(0);
    expect(await play.history()).toEqual(before);
    await play.migrator().validate();
  });

  it('reports every migration as Success in info', async () => {
    const infos = await play.migrator().info();
    expect(infos.map((info) => [info.script, info.state, info.undoable])).toEqual(
      versionedFiles.map((file) => [file, 'Success', true]),
    );
  });

  it('undoes every migration back to an empty database, then migrates again', async () => {
    const migrator = play.migrator();
    const undone: string[] = [];
    for (let result = await migrator.undo(); result; result = await migrator.undo())
      undone.push(result.version);
    expect(undone).toEqual(versionedFiles.map((file) => expectedRow(file).version).reverse());
    expect(await play.history()).toEqual([]);
    const schemas = await play.query(
      `SELECT nspname FROM pg_namespace WHERE nspname IN ('iam', 'crm', 'outreach', 'tracking')`,
    );
    expect(schemas).toEqual([]);
    const result = await migrator.migrate();
    expect(result.migrationsExecuted).toBe(versionedFiles.length);
    expect((await play.history()).map((row) => row.installed_rank)).toEqual(
      versionedFiles.map((_, i) => i + 1),
    );
  });
});
