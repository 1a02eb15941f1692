import pg from 'pg';
import { MigrationError } from '../../src/migrator/index.js';
import { errorOf, perTestPlayground, Playground } from './fixtures.js';

const V1 = 'CREATE TABLE one (id int PRIMARY KEY);\n';
const V2_FAILS = [
  'CREATE TABLE two (id int PRIMARY KEY);',
  'INSERT INTO two VALUES (1);',
  '-- the next statement fails',
  'INSERT INTO missing_table VALUES (1);',
  '',
].join('\n');

describe('Migrator on bad input', () => {
  const { play: current, fixture } = perTestPlayground();
  let play: Playground;
  beforeEach(() => {
    play = current();
  });

  it('rolls a failing migration back entirely: no schema change, no history row; names file, line, PostgreSQL message', async () => {
    const dir = fixture({ 'V1__one.sql': V1, 'V2__two.sql': V2_FAILS });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error).toBeInstanceOf(MigrationError);
    expect(error.message).toContain(`${dir.path}/V2__two.sql`);
    expect(error.message).toContain('line 4');
    expect(error.message).toContain('relation "missing_table" does not exist');
    expect(error.detail?.join('\n')).toMatch(/rolled back/);
    expect(await play.tableExists('public.two')).toBe(false);
    expect(await play.tableExists('public.one')).toBe(true);
    expect((await play.history()).map((row) => row.script)).toEqual(['V1__one.sql']);
  });

  it('points a syntax error at its own line inside a multi-line statement', async () => {
    const dir = fixture({
      'V1__one.sql': 'SELECT 1;\n\nCREATE TABLE x (\n  id int,\n  oops oops oops\n);\n',
    });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error.message).toMatch(/V1__one\.sql failed at line 5: syntax error/);
    expect(await play.history()).toEqual([]);
  });

  it('fails validate and migrate when an applied file was edited, naming the file; repair realigns', async () => {
    const dir = fixture({ 'V1__one.sql': V1 });
    await play.migrator({ locations: [dir.path] }).migrate();
    dir.write({ 'V1__one.sql': `${V1}-- edited\n`, 'V2__two.sql': 'CREATE TABLE two (id int);' });
    for (const run of [
      () => play.migrator({ locations: [dir.path] }).validate(),
      () => play.migrator({ locations: [dir.path] }).migrate(),
    ]) {
      const error = await errorOf(run);
      expect(error.message).toMatch(
        /checksum mismatch for migration version 1 \(.*\/V1__one\.sql\)/,
      );
    }
    expect(await play.tableExists('public.two')).toBe(false);
    const repair = await play.migrator({ locations: [dir.path] }).repair();
    expect(repair).toEqual({ removedFailed: 0, realigned: 1, markedDeleted: 0 });
    await play.migrator({ locations: [dir.path] }).migrate();
    await play.migrator({ locations: [dir.path] }).validate();
    expect(await play.tableExists('public.two')).toBe(true);
  });

  it('fails validation when a file was renamed (description mismatch)', async () => {
    const dir = fixture({ 'V1__one.sql': V1 });
    await play.migrator({ locations: [dir.path] }).migrate();
    dir.remove('V1__one.sql').write({ 'V1__first.sql': V1 });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).validate());
    expect(error.message).toMatch(/description mismatch .*V1__first\.sql.*"one".*"first"/);
  });

  it('fails on a badly named file before touching the database', async () => {
    for (const name of ['V1_one.sql', 'Vabc__x.sql', 'init.sql']) {
      const dir = fixture({ 'V1__ok.sql': V1, [name]: 'SELECT 1;' });
      const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
      expect(error.message).toContain(`${dir.path}/${name}`);
      expect(await play.tableExists('public.flyway_schema_history')).toBe(false);
    }
  });

  it('skips a badly named file with a warning when validateMigrationNaming is false (Flyway default)', async () => {
    const dir = fixture({ 'V1__ok.sql': V1, 'V2_bad.sql': 'SELECT 1;' });
    const lines: string[] = [];
    await play
      .migrator({
        locations: [dir.path],
        validateMigrationNaming: false,
        log: (l) => lines.push(l),
      })
      .migrate();
    expect(lines.join('\n')).toMatch(/WARNING: 1 SQL file\(s\) skipped.*V2_bad\.sql/);
    expect((await play.history()).map((row) => row.version)).toEqual(['1']);
  });

  it('refuses two files with the same version (1 and 1.0), naming both', async () => {
    const dir = fixture({ 'V1__a.sql': V1, 'V1.0__b.sql': 'SELECT 1;' });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error.message).toMatch(
      /more than one migration with version 1(\.0)?: .*V1(\.0)?__[ab]\.sql and .*V1(\.0)?__[ab]\.sql/,
    );
    expect(await play.tableExists('public.flyway_schema_history')).toBe(false);
  });

  it('refuses a file that is not UTF-8, naming it', async () => {
    const latin1 = Buffer.concat([
      Buffer.from("SELECT 'caf"),
      Buffer.from([0xe9]),
      Buffer.from("';\n"),
    ]);
    const dir = fixture({ 'V1__ok.sql': V1, 'V2__latin1.sql': latin1 });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error.message).toMatch(
      /V2__latin1\.sql: not valid UTF-8 \(first bad byte at offset 11, line 1\)/,
    );
    expect(await play.tableExists('public.flyway_schema_history')).toBe(false);
  });

  it('fails fast and clearly when the database is unreachable', async () => {
    const started = Date.now();
    const url = new URL(play.db.url);
    url.port = '1';
    const dir = fixture({ 'V1__ok.sql': V1 });
    const error = await errorOf(() =>
      play.migrator({ databaseUrl: url.toString(), locations: [dir.path] }).migrate(),
    );
    expect(error.message).toMatch(/^cannot connect to postgres:\/\/.*:1\/.*ECONNREFUSED/);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('gives up clearly when another session holds the migration lock, applying nothing', async () => {
    const dir = fixture({ 'V1__ok.sql': V1 });
    const holder = new pg.Client({ connectionString: play.db.url });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(77433833903597)');
      const error = await errorOf(() =>
        play
          .migrator({ locations: [dir.path], lockRetryCount: 2, lockRetryIntervalMs: 50 })
          .migrate(),
      );
      expect(error.message).toMatch(/another migrate holds the lock.*after 2 retries/);
      expect(await play.tableExists('public.one')).toBe(false);
      expect(await play.tableExists('public.flyway_schema_history')).toBe(false);
    } finally {
      await holder.end();
    }
    await play.migrator({ locations: [dir.path] }).migrate();
    expect(await play.tableExists('public.one')).toBe(true);
  });

  it('fails on an undefined placeholder naming the file, applying nothing of it', async () => {
    const dir = fixture({
      'V1__ok.sql': V1,
      'V2__p.sql': 'CREATE TABLE two (id int);\nGRANT SELECT ON two TO ${reader};',
    });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error.message).toMatch(/V2__p\.sql: no value provided for placeholder \$\{reader\}/);
    expect(await play.tableExists('public.two')).toBe(false);
  });

  it('refuses a migration mixing CONCURRENTLY with transactional statements', async () => {
    const dir = fixture({
      'V1__mix.sql': 'CREATE TABLE one (a int);\nCREATE INDEX CONCURRENTLY one_a ON one (a);',
    });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error.message).toMatch(
      /V1__mix\.sql: mixes statements that cannot run in a transaction \(line 2: CREATE INDEX CONCURRENTLY/,
    );
    expect(await play.tableExists('public.one')).toBe(false);
  });

  it('refuses a new migration older than the latest applied one unless outOfOrder', async () => {
    const dir = fixture({ 'V1__one.sql': V1, 'V3__three.sql': 'CREATE TABLE three (id int);' });
    await play.migrator({ locations: [dir.path] }).migrate();
    dir.write({ 'V2__two.sql': 'CREATE TABLE two (id int);' });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error.message).toMatch(/migration version 2 \(.*V2__two\.sql\) not applied.*outOfOrder/);
    expect(await play.tableExists('public.two')).toBe(false);
    await play.migrator({ locations: [dir.path], outOfOrder: true }).migrate();
    expect((await play.history()).map((row) => row.version)).toEqual(['1', '3', '2']);
  });

  it('fails validation when an applied migration is missing locally; repair marks it deleted', async () => {
    const dir = fixture({
      'V1__one.sql': V1,
      'V2__two.sql': 'CREATE TABLE two (id int);',
      'V3__x.sql': 'SELECT 1;',
    });
    await play.migrator({ locations: [dir.path] }).migrate();
    dir.remove('V2__two.sql');
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).validate());
    expect(error.message).toMatch(
      /applied migration version 2 \(V2__two\.sql\) not resolved locally/,
    );
    expect(await play.migrator({ locations: [dir.path] }).repair()).toEqual({
      removedFailed: 0,
      realigned: 0,
      markedDeleted: 1,
    });
    await play.migrator({ locations: [dir.path] }).validate();
    const infos = await play.migrator({ locations: [dir.path] }).info();
    expect(infos.map((info) => [info.version, info.type, info.state])).toEqual([
      ['1', 'SQL', 'Success'],
      ['2', 'SQL', 'Deleted'],
      ['3', 'SQL', 'Success'],
    ]);
  });

  it('refuses to migrate a non-empty schema without history, as Flyway does; baseline lets it through', async () => {
    await play.query('CREATE TABLE legacy (id int)');
    const dir = fixture({ 'V1__one.sql': V1, 'V2__two.sql': 'CREATE TABLE two (id int);' });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).migrate());
    expect(error.message).toMatch(
      /found non-empty schema "public" but no schema history table.*run baseline first/,
    );
    expect(await play.tableExists('public.one')).toBe(false);
    expect(await play.tableExists('public.flyway_schema_history')).toBe(false);
    await play.migrator({ locations: [dir.path] }).baseline();
    await play.migrator({ locations: [dir.path] }).migrate();
    expect((await play.history()).map((row) => row.version)).toEqual(['1', '2']);
    expect(await play.tableExists('public.one')).toBe(false);
  });

  it('validate fails while migrations are pending, migrate does not', async () => {
    const dir = fixture({ 'V1__one.sql': V1 });
    const error = await errorOf(() => play.migrator({ locations: [dir.path] }).validate());
    expect(error.message).toMatch(
      /migration version 1 \(.*V1__one\.sql\) not applied to database: run migrate/,
    );
  });
});
