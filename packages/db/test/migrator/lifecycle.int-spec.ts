import { errorOf, perTestPlayground, Playground } from './fixtures.js';

describe('Migrator lifecycle', () => {
  const { play: current, fixture } = perTestPlayground();
  let play: Playground;
  beforeEach(() => {
    play = current();
  });

  it('baselines an existing database, then applies only the migrations above the baseline', async () => {
    const dir = fixture({
      'V1__old.sql': 'CREATE TABLE old (id int);',
      'V2__new.sql': 'CREATE TABLE new (id int);',
    });
    await play.migrator({ locations: [dir.path] }).baseline();
    const [user] = await play.query<{ user: string }>('SELECT current_user AS "user"');
    expect(await play.history()).toEqual([
      {
        installed_rank: 1,
        version: '1',
        description: '<< Flyway Baseline >>',
        type: 'BASELINE',
        script: '<< Flyway Baseline >>',
        checksum: null,
        installed_by: user?.user,
        execution_time: 0,
        success: true,
      },
    ]);
    const infos = await play.migrator({ locations: [dir.path] }).info();
    expect(infos.map((info) => [info.version, info.state])).toEqual([
      ['1', 'Baseline'],
      ['1', 'Below Baseline'],
      ['2', 'Pending'],
    ]);
    await play.migrator({ locations: [dir.path] }).migrate();
    expect(await play.tableExists('public.old')).toBe(false);
    expect(
      (await play.history()).map((row) => [row.installed_rank, row.version, row.type]),
    ).toEqual([
      [1, '1', 'BASELINE'],
      [2, '2', 'SQL'],
    ]);
    const error = await errorOf(() =>
      play.migrator({ locations: [dir.path], baselineVersion: '5' }).baseline(),
    );
    expect(error.message).toMatch(/cannot baseline: .* already contains 2 row\(s\)/);
  });

  it('refuses clean by default and cleans the managed schemas when allowed', async () => {
    const dir = fixture({
      'V1__init.sql': [
        'CREATE SCHEMA app;',
        'CREATE TABLE app.t (id int);',
        'CREATE TABLE public.p (id serial);',
        "CREATE TYPE public.mood AS ENUM ('ok');",
        'CREATE FUNCTION public.f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;',
        'CREATE VIEW public.v AS SELECT * FROM public.p;',
        'CREATE EXTENSION citext;',
      ].join('\n'),
    });
    await play.migrator({ locations: [dir.path] }).migrate();
    const refused = await errorOf(() =>
      play.migrator({ locations: [dir.path], schemas: ['public', 'app'] }).clean(),
    );
    expect(refused.message).toMatch(/clean is disabled.*--cleanDisabled=false/);
    expect(await play.tableExists('app.t')).toBe(true);

    const result = await play
      .migrator({ locations: [dir.path], schemas: ['public', 'app'], cleanDisabled: false })
      .clean();
    expect(result.schemas).toEqual(['public', 'app']);
    const left = await play.query(
      `SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname IN ('public', 'app')
       UNION ALL SELECT nspname, 'schema' FROM pg_namespace WHERE nspname = 'app'
       UNION ALL SELECT 'public', proname::text FROM pg_proc WHERE pronamespace = 'public'::regnamespace
       UNION ALL SELECT 'public', typname::text FROM pg_type WHERE typnamespace = 'public'::regnamespace
       UNION ALL SELECT 'ext', extname::text FROM pg_extension WHERE extname = 'citext'`,
    );
    expect(left).toEqual([]);
    expect(await play.query(`SELECT 1 AS one FROM pg_namespace WHERE nspname = 'public'`)).toEqual([
      { one: 1 },
    ]);
    // The database is as new: the same migrations apply again.
    await play.migrator({ locations: [dir.path] }).migrate();
    expect(await play.tableExists('app.t')).toBe(true);
  });

  it('runs a CONCURRENTLY migration outside a transaction', async () => {
    const dir = fixture({
      'V1__table.sql': 'CREATE TABLE t (a int);',
      'V2__index.sql': '-- needs autocommit\nCREATE INDEX CONCURRENTLY t_a ON t (a);\n',
    });
    await play.migrator({ locations: [dir.path] }).migrate();
    expect(await play.tableExists('public.t_a')).toBe(true);
    expect((await play.history()).map((row) => [row.version, row.success])).toEqual([
      ['1', true],
      ['2', true],
    ]);
  });

  it('records a failed non-transactional migration; validate reports it and repair removes the row', async () => {
    const dir = fixture({
      'V1__table.sql': 'CREATE TABLE t (a int);',
      'V2__index.sql':
        'CREATE INDEX CONCURRENTLY t_a ON t (a);\nCREATE INDEX CONCURRENTLY t_b ON t (b);\n',
    });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error.message).toMatch(/V2__index\.sql failed at line 2: column "b" does not exist/);
    expect(error.detail?.join('\n')).toMatch(/Non-transactional migration/);
    expect((await play.history()).map((row) => [row.version, row.success])).toEqual([
      ['1', true],
      ['2', false],
    ]);
    const invalid = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(invalid.message).toMatch(/Detected failed migration version 2/);
    const unvalidated = await errorOf(() =>
      play.migrator({ locations: [dir.path], validateOnMigrate: false }).migrate(),
    );
    expect(unvalidated.message).toMatch(
      /contains a failed migration \(V2__index\.sql\).*run repair/,
    );
    await play.query('DROP INDEX t_a');
    dir.write({ 'V2__index.sql': 'CREATE INDEX CONCURRENTLY t_a ON t (a);\n' });
    expect((await play.migrator({ locations: [dir.path] }).repair()).removedFailed).toBe(1);
    await play.migrator({ locations: [dir.path] }).migrate();
    expect((await play.history()).map((row) => [row.version, row.success])).toEqual([
      ['1', true],
      ['2', true],
    ]);
  });

  it('applies each migration once when two migrators run at the same time', async () => {
    const dir = fixture({
      'V1__slow.sql': 'CREATE TABLE one (id int);\nSELECT pg_sleep(0.3);',
      'V2__two.sql': 'CREATE TABLE two (id int);',
    });
    const results = await Promise.all([
      play.migrator({ locations: [dir.path] }).migrate(),
      play.migrator({ locations: [dir.path] }).migrate(),
    ]);
    expect(results.map((result) => result.migrationsExecuted).sort()).toEqual([0, 2]);
    expect((await play.history()).map((row) => row.version)).toEqual(['1', '2']);
  });

  it('stops at --target', async () => {
    const dir = fixture({
      'V1__one.sql': 'CREATE TABLE one (id int);',
      'V1_1__two.sql': 'CREATE TABLE two (id int);',
      'V2__three.sql': 'CREATE TABLE three (id int);',
    });
    const result = await play.migrator({ locations: [dir.path], target: '1.1' }).migrate();
    expect(result.targetSchemaVersion).toBe('1.1');
    expect(await play.tableExists('public.three')).toBe(false);
  });

  it('finds migrations in subfolders and records the relative script path with /', async () => {
    const dir = fixture({ 'V1__one.sql': 'SELECT 1;', 'nested/deeper/V2__two.sql': 'SELECT 2;' });
    await play.migrator({ locations: [`filesystem:${dir.path}`] }).migrate();
    expect((await play.history()).map((row) => row.script)).toEqual([
      'V1__one.sql',
      'nested/deeper/V2__two.sql',
    ]);
  });

  it('creates configured schemas it needs and records them at rank 0, as Flyway does', async () => {
    const dir = fixture({ 'V1__one.sql': 'CREATE TABLE ${flyway:defaultSchema}.one (id int);' });
    await play.migrator({ locations: [dir.path], schemas: ['app', 'other'] }).migrate();
    const rows = await play.query(
      'SELECT installed_rank, version, description, type, script, checksum, success FROM app.flyway_schema_history ORDER BY 1',
    );
    expect(rows).toEqual([
      {
        installed_rank: 0,
        version: null,
        description: '<< Flyway Schema Creation >>',
        type: 'SCHEMA',
        script: '"app","other"',
        checksum: null,
        success: true,
      },
      expect.objectContaining({ installed_rank: 1, version: '1', type: 'SQL' }),
    ]);
    expect(await play.tableExists('app.one')).toBe(true);
  });

  it('replaces placeholders (defined and built-in) but hashes the file as written', async () => {
    const dir = fixture({
      'V1__p.sql':
        "CREATE TABLE ${table_name} (id int);\nCOMMENT ON TABLE ${table_name} IS '${flyway:filename} by ${flyway:user}';",
    });
    await play
      .migrator({ locations: [dir.path], placeholders: { table_name: 'widgets' } })
      .migrate();
    const [comment] = await play.query<{ c: string }>(
      `SELECT obj_description('public.widgets'::regclass) AS c`,
    );
    const [user] = await play.query<{ user: string }>('SELECT current_user AS "user"');
    expect(comment?.c).toBe(`V1__p.sql by ${user?.user ?? ''}`);
    await play
      .migrator({ locations: [dir.path], placeholders: { table_name: 'other' } })
      .validate();
  });

  it('applies repeatable migrations after versioned ones and again when they change', async () => {
    const dir = fixture({
      'R__view.sql': 'CREATE OR REPLACE VIEW v AS SELECT id FROM t;',
      'V1__t.sql': 'CREATE TABLE t (id int);',
    });
    await play.migrator({ locations: [dir.path] }).migrate();
    await play.migrator({ locations: [dir.path] }).migrate();
    dir.write({ 'R__view.sql': 'CREATE OR REPLACE VIEW v AS SELECT id, 1 AS x FROM t;' });
    expect(
      (await play.migrator({ locations: [dir.path] }).info()).map((info) => info.state),
    ).toEqual(['Success', 'Outdated', 'Pending']);
    await play.migrator({ locations: [dir.path] }).migrate();
    expect(
      (await play.history()).map((row) => [row.installed_rank, row.version, row.description]),
    ).toEqual([
      [1, '1', 't'],
      [2, null, 'view'],
      [3, null, 'view'],
    ]);
  });

  it('explains a missing undo script', async () => {
    const dir = fixture({ 'V1__one.sql': 'CREATE TABLE one (id int);' });
    await play.migrator({ locations: [dir.path] }).migrate();
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).undo());
    expect(error.message).toMatch(
      /cannot undo version 1 \(V1__one\.sql\): no undo script U1__\*\.sql/,
    );
    expect(await play.tableExists('public.one')).toBe(true);
  });

  it('rolls a failing undo back and keeps the history row', async () => {
    const dir = fixture({
      'V1__one.sql': 'CREATE TABLE one (id int);',
      'U1__one.sql': 'DROP TABLE one;\nDROP TABLE not_there;',
    });
    await play.migrator({ locations: [dir.path] }).migrate();
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).undo());
    expect(error.message).toMatch(
      /U1__one\.sql failed at line 2: table "not_there" does not exist/,
    );
    expect(await play.tableExists('public.one')).toBe(true);
    expect(await play.history()).toHaveLength(1);
  });
});
