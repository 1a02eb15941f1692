import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PostgresServer } from '../src/postgres-server.js';
import { freePort } from '../src/ports.js';
import { handOver, serviceIdentity, type SpawnIdentity } from '../src/process-user.js';

/*
 * The backup scripts, run for real against a PostgreSQL whose pg_dump matches it: on these
 * machines the system PostgreSQL 15 on 127.0.0.1:5432 (trust auth) and its client tools
 * (BACKUP_TEST_PGHOST / BACKUP_TEST_PGPORT / BACKUP_TEST_PGUSER override it).
 */

const BACKUP_SH = fileURLToPath(new URL('../../../infra/backup/backup.sh', import.meta.url));
const RESTORE_SH = fileURLToPath(new URL('../../../infra/backup/restore.sh', import.meta.url));
const MIGRATIONS_DIR = fileURLToPath(
  new URL('../../../infra/postgres/db/migrations/', import.meta.url),
);
const BACKUP_SCRIPTS = fileURLToPath(new URL('../../../infra/backup/', import.meta.url));
const RESTORE_CHECK_SH = fileURLToPath(
  new URL('../../../infra/backup/restore-check.sh', import.meta.url),
);

const PG = {
  PGHOST: process.env.BACKUP_TEST_PGHOST ?? '127.0.0.1',
  PGPORT: process.env.BACKUP_TEST_PGPORT ?? '5432',
  PGUSER: process.env.BACKUP_TEST_PGUSER ?? 'postgres',
};
const RUN = `${process.pid}_${Date.now().toString(36)}`;
const SOURCE = `bk_src_${RUN}`;
const ROLE = `bk_role_${RUN}`;
const createdDatabases = new Set<string>([SOURCE]);

let root: string;

interface ScriptResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runScript(
  script: string,
  args: string[],
  env: Record<string, string>,
  identity: SpawnIdentity = {},
): ScriptResult {
  const result = spawnSync('bash', [script, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...PG, PGDATABASE: SOURCE, ...env },
    encoding: 'utf8',
    ...identity,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

async function admin<T>(database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({
    host: PG.PGHOST,
    port: Number(PG.PGPORT),
    user: PG.PGUSER,
    database,
  });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function databaseExists(name: string): Promise<boolean> {
  return admin('postgres', async (c) => {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    return rowCount === 1;
  });
}

/** Per table: row count and a hash of the ordered content, plus RLS facts. */
async function fingerprint(database: string): Promise<Record<string, string>> {
  return admin(database, async (c) => {
    const tables = await c.query<{ t: string }>(
      `SELECT format('%I.%I', schemaname, tablename) AS t FROM pg_tables
        WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
    );
    const out: Record<string, string> = {};
    for (const { t } of tables.rows) {
      const { rows } = await c.query<{ n: string; h: string | null }>(
        `SELECT count(*) AS n, md5(string_agg(x::text, ',' ORDER BY x::text)) AS h FROM ${t} x`,
      );
      out[t] = `${rows[0]?.n ?? '?'}:${rows[0]?.h ?? ''}`;
    }
    const rls = await c.query<{ t: string; f: boolean; p: string }>(
      `SELECT c.relname AS t, c.relforcerowsecurity AS f, string_agg(p.polname, ',' ORDER BY p.polname) AS p
         FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid GROUP BY 1, 2 ORDER BY 1`,
    );
    for (const row of rls.rows) out[`rls:${row.t}`] = `${row.f}:${row.p}`;
    return out;
  });
}

function newDir(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function dumpsIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dump'))
    .sort();
}

function backup(dir: string, env: Record<string, string> = {}): ScriptResult {
  return runScript(BACKUP_SH, [], { BACKUP_DIR: dir, ...env });
}

function restore(dump: string, target: string): ScriptResult {
  createdDatabases.add(target);
  return runScript(RESTORE_SH, [dump, target], {});
}

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'backup-int-'));
  chmodSync(root, 0o755);
  await admin('postgres', async (c) => {
    await c.query(`CREATE ROLE ${ROLE} NOLOGIN`);
    await c.query(`CREATE DATABASE ${SOURCE}`);
  });
  // A small copy of the platform's shapes: schemas, citext, composite keys, RLS, Flyway history.
  await admin(SOURCE, async (c) => {
    await c.query(`
      CREATE EXTENSION IF NOT EXISTS citext;
      CREATE SCHEMA iam; CREATE SCHEMA crm;
      CREATE TABLE iam.organisations (id uuid PRIMARY KEY, name text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now());
      CREATE TABLE crm.companies (organisation_id uuid NOT NULL REFERENCES iam.organisations,
        id uuid NOT NULL, name text NOT NULL, email citext, PRIMARY KEY (organisation_id, id));
      ALTER TABLE crm.companies ENABLE ROW LEVEL SECURITY;
      ALTER TABLE crm.companies FORCE ROW LEVEL SECURITY;
      CREATE POLICY tenant_isolation ON crm.companies TO ${ROLE}
        USING (organisation_id = current_setting('app.organisation_id', true)::uuid);
      GRANT SELECT ON crm.companies TO ${ROLE};
      CREATE TABLE "public"."flyway_schema_history" ("installed_rank" INT NOT NULL,
        "version" VARCHAR(50), "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL,
        "script" VARCHAR(1000) NOT NULL, "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
        "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL,
        "success" BOOLEAN NOT NULL);
      INSERT INTO flyway_schema_history VALUES
        (1, '20251223.112356', 'base init', 'SQL', 'V20251223_112356___base_init.sql', 11, 'test', now(), 5, true),
        (2, '20251223.112456', 'iam init', 'SQL', 'V20251223_112456___iam_init.sql', 22, 'test', now(), 7, true);
      INSERT INTO iam.organisations (id, name)
        SELECT gen_random_uuid(), 'Organisation ' || g FROM generate_series(1, 20) g;
      INSERT INTO crm.companies (organisation_id, id, name, email)
        SELECT o.id, gen_random_uuid(), o.name || ' company ' || g, 'Contact' || g || '@Example.fr'
          FROM iam.organisations o, generate_series(1, 50) g;
    `);
  });
}, 60_000);

afterAll(async () => {
  await admin('postgres', async (c) => {
    for (const name of createdDatabases) {
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
    await c.query(`DROP ROLE IF EXISTS ${ROLE}`);
  });
  rmSync(root, { recursive: true, force: true });
});

describe('backup.sh then restore.sh', () => {
  it('restores a dump into a new database with the same rows, policies and history', async () => {
    const dir = newDir('roundtrip');
    const made = backup(dir);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const [dump] = dumpsIn(dir);
    expect(dump).toMatch(new RegExp(`^${SOURCE}-\\d{8}T\\d{6}Z\\.dump$`));
    if (dump === undefined) throw new Error('no dump written');
    expect(readFileSync(join(dir, `${dump}.sha256`), 'utf8')).toMatch(
      new RegExp(`^[0-9a-f]{64}  ${dump}\\n$`),
    );
    // The checksum file is the standard format: sha256sum -c accepts it.
    expect(spawnSync('sha256sum', ['-c', `${dump}.sha256`], { cwd: dir }).status).toBe(0);
    expect(readdirSync(dir).filter((f) => f.startsWith('.tmp-'))).toEqual([]);

    const target = `bk_restored_${RUN}`;
    const restored = restore(join(dir, dump), target);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(
      'flyway history ok: 2 migration(s), latest version 20251223.112456',
    );
    expect(restored.stdout).toContain('rows crm.companies 1000');
    expect(restored.stdout).toContain('rows iam.organisations 20');

    const [source, copy] = await Promise.all([fingerprint(SOURCE), fingerprint(target)]);
    expect(Object.keys(source)).toEqual(
      expect.arrayContaining(['crm.companies', 'iam.organisations', 'rls:companies']),
    );
    expect(copy).toEqual(source);
  });

  it('refuses to restore over an existing database', () => {
    const dir = newDir('exists');
    expect(backup(dir).code).toBe(0);
    const [dump] = dumpsIn(dir);
    const result = restore(join(dir, dump ?? ''), SOURCE);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^restore: error: database '.*' already exists/);
  });
});

describe('backup and restore of the real platform schema', () => {
  it('round-trips a database migrated with infra/postgres/db/migrations (RLS, grants, triggers)', async () => {
    const migrated = `bk_mig_${RUN}`;
    createdDatabases.add(migrated);
    await admin('postgres', (c) => c.query(`CREATE DATABASE ${migrated}`));
    const files = readdirSync(MIGRATIONS_DIR)
      .filter((f) => /^V.+\.sql$/.test(f))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      const applied = spawnSync(
        'psql',
        [
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '--single-transaction',
          '-d',
          migrated,
          '-f',
          join(MIGRATIONS_DIR, file),
        ],
        { env: { ...process.env, ...PG }, encoding: 'utf8' },
      );
      if (applied.status !== 0) throw new Error(`${file} does not apply: ${applied.stderr}`);
    }
    await admin(migrated, async (c) => {
      await c.query(`
        CREATE TABLE public.flyway_schema_history (installed_rank int PRIMARY KEY,
          version varchar(50), description varchar(200) NOT NULL, type varchar(20) NOT NULL,
          script varchar(1000) NOT NULL, checksum int, installed_by varchar(100) NOT NULL,
          installed_on timestamp NOT NULL DEFAULT now(), execution_time int NOT NULL,
          success boolean NOT NULL)`);
      for (const [index, file] of files.entries()) {
        const version = (/^V([^_]+(?:_[^_]+)?)__/.exec(file)?.[1] ?? '').replace('_', '.');
        await c.query(
          `INSERT INTO flyway_schema_history VALUES ($1, $2, $3, 'SQL', $4, 0, 'test', now(), 1, true)`,
          [index + 1, version, file, file],
        );
      }
      await c.query(`
        INSERT INTO iam.organisations (id, name)
          SELECT gen_random_uuid(), 'Organisation ' || g FROM generate_series(1, 5) g;
        INSERT INTO crm.companies (organisation_id, id, name, website_url)
          SELECT o.id, gen_random_uuid(), o.name || ' client ' || g, 'https://client' || g || '.fr'
            FROM iam.organisations o, generate_series(1, 40) g;`);
    });
    const dir = newDir('migrated');
    expect(backup(dir, { PGDATABASE: migrated }).stderr).toBe('');
    const target = `bk_mig_restored_${RUN}`;
    const restored = restore(join(dir, dumpsIn(dir)[0] ?? ''), target);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`flyway history ok: ${files.length} migration(s)`);
    expect(restored.stdout).toContain('rows crm.companies 200');
    const [source, copy] = await Promise.all([fingerprint(migrated), fingerprint(target)]);
    expect(Object.keys(source).filter((k) => k.startsWith('rls:')).length).toBeGreaterThan(5);
    expect(copy).toEqual(source);
  }, 60_000);
});

describe('the compose backup service scripts', () => {
  it('cron-entrypoint.sh hands the settings to the crontab jobs, which start with an empty environment', () => {
    const dir = newDir('cron');
    const envFile = join(dir, 'env');
    const started = runScript(join(BACKUP_SCRIPTS, 'cron-entrypoint.sh'), [], {
      BACKUP_DIR: join(dir, 'backups'),
      BACKUP_ENV_FILE: envFile,
      CRONTABS_DIR: join(dir, 'crontabs'),
      BACKUP_CRON_EXEC: 'true',
      KEEP_DAILY: "it's 3",
    });
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    const crontab = readFileSync(join(dir, 'crontabs', 'root'), 'utf8');
    expect(crontab).toBe(readFileSync(join(BACKUP_SCRIPTS, 'crontab'), 'utf8'));
    const jobs = crontab
      .split('\n')
      .filter((line) => /^[0-9*]/.test(line))
      .map((line) => line.split(/\s+/).slice(5).join(' '));
    expect(jobs).toHaveLength(2);
    const backupJob = jobs.find((job) => job.includes('backup.sh')) ?? '';
    // Run the job line as crond would (sh -c, no environment), with this checkout's paths.
    const command = backupJob
      .replace('/run/backup/env', envFile)
      .replace('/opt/backup/', BACKUP_SCRIPTS)
      .replace(/\s*>\/proc\/1\/fd\/1 2>\/proc\/1\/fd\/2/, '');
    const ran = spawnSync('sh', ['-c', `${command}; echo "KEEP_DAILY=$KEEP_DAILY"`], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      encoding: 'utf8',
    });
    // The quoted value reached the job intact, and backup.sh refused it (not a number).
    expect(ran.stdout).toContain("KEEP_DAILY=it's 3");
    expect(ran.stderr).toContain(
      "backup: error: KEEP_DAILY must be a whole number (0 or more), got 'it's 3'",
    );
    const ok = spawnSync('sh', ['-c', command.replace('&&', '&& export KEEP_DAILY=3 &&')], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      encoding: 'utf8',
    });
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(dumpsIn(join(dir, 'backups'))).toHaveLength(1);
  });

  describe('healthcheck.sh', () => {
    let fakeCrond: ChildProcess | undefined;
    const health = (dir: string, env: Record<string, string> = {}): ScriptResult =>
      runScript(join(BACKUP_SCRIPTS, 'healthcheck.sh'), [], { BACKUP_DIR: dir, ...env });
    afterEach(() => {
      fakeCrond?.kill();
      fakeCrond = undefined;
    });
    function startFakeCrond(): void {
      // pgrep matches the process name: a copy of sleep called crond stands in for busybox crond.
      const binary = join(newDir('fake-bin'), 'crond');
      copyFileSync('/bin/sleep', binary);
      fakeCrond = spawn(binary, ['60'], { stdio: 'ignore' });
    }

    it('is unhealthy without crond', () => {
      const result = health(newDir('health-no-crond'));
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('crond is not running');
    });

    it('is healthy with crond, the database up and a fresh dump (or none yet); unhealthy with a stale dump or the database down', async () => {
      startFakeCrond();
      await new Promise((resolve) => setTimeout(resolve, 100));
      const dir = newDir('health');
      expect(health(dir).code).toBe(0);
      expect(backup(dir).code).toBe(0);
      expect(health(dir)).toMatchObject({ code: 0, stdout: 'backup-health: ok\n' });
      const old = new Date(Date.now() - 27 * 3_600_000);
      for (const file of dumpsIn(dir)) utimesSync(join(dir, file), old, old);
      const stale = health(dir);
      expect(stale.code).toBe(1);
      expect(stale.stderr).toContain('no dump younger than 26 h');
      expect(health(dir, { BACKUP_MAX_AGE_HOURS: '48' }).code).toBe(0);
      const down = health(dir, { PGPORT: String(await freePort()) });
      expect(down.code).toBe(1);
      expect(down.stderr).toContain('is not ready');
    });
  });
});

describe('restore-check.sh', () => {
  it('restores the newest dump into a scratch database, then drops it', async () => {
    const dir = newDir('restore-check');
    expect(backup(dir, { BACKUP_NOW: '2026-11-23T02:15:00Z' }).code).toBe(0);
    expect(backup(dir, { BACKUP_NOW: '2026-11-24T02:15:00Z' }).code).toBe(0);
    // An older dump that is corrupted must not matter: only the newest is checked.
    writeFileSync(join(dir, `${SOURCE}-20261123T021500Z.dump`), 'garbage');
    const result = runScript(RESTORE_CHECK_SH, [], { BACKUP_DIR: dir });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`checking ${join(dir, `${SOURCE}-20261124T021500Z.dump`)}`);
    expect(result.stdout).toContain('rows crm.companies 1000');
    const leftovers = await admin('postgres', (c) =>
      c.query("SELECT datname FROM pg_database WHERE datname LIKE 'restore\\_check\\_%'"),
    );
    expect(leftovers.rows).toEqual([]);
  });

  it('fails when the newest dump is corrupted, and still drops the scratch database', async () => {
    const dir = newDir('restore-check-bad');
    expect(backup(dir, { BACKUP_NOW: '2026-11-24T02:15:00Z' }).code).toBe(0);
    writeFileSync(join(dir, `${SOURCE}-20261124T021500Z.dump`), 'garbage');
    const result = runScript(RESTORE_CHECK_SH, [], { BACKUP_DIR: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('checksum mismatch');
    const leftovers = await admin('postgres', (c) =>
      c.query("SELECT datname FROM pg_database WHERE datname LIKE 'restore\\_check\\_%'"),
    );
    expect(leftovers.rows).toEqual([]);
  });

  it('fails clearly when there is no dump', () => {
    const result = runScript(RESTORE_CHECK_SH, [], { BACKUP_DIR: newDir('restore-check-empty') });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `restore-check: error: no dump in '${join(root, 'restore-check-empty')}' to check\n`,
    );
  });
});

describe('restore.sh refuses a bad dump', () => {
  let dir: string;
  let dump: string;
  beforeAll(() => {
    dir = newDir('bad-dumps');
    expect(backup(dir).code).toBe(0);
    dump = join(dir, dumpsIn(dir)[0] ?? '');
  });

  function copyOf(name: string, mutate: (bytes: Buffer) => Buffer, rehash = false): string {
    const path = join(dir, name);
    const bytes = mutate(Buffer.from(readFileSync(dump)));
    writeFileSync(path, bytes);
    const checksum = rehash
      ? `${spawnSync('sha256sum', [path], { encoding: 'utf8' }).stdout.split(' ')[0] ?? ''}  ${name}\n`
      : readFileSync(`${dump}.sha256`, 'utf8');
    writeFileSync(`${path}.sha256`, checksum);
    return path;
  }

  it('refuses a corrupted dump (one flipped byte) and creates nothing', async () => {
    const path = copyOf('flipped.dump', (b) => {
      const i = Math.floor(b.length / 2);
      b[i] = (b[i] ?? 0) ^ 0xff;
      return b;
    });
    const target = `bk_flipped_${RUN}`;
    const result = restore(path, target);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/^restore: error: checksum mismatch .*corrupted or truncated\n$/);
    expect(await databaseExists(target)).toBe(false);
  });

  it('refuses a truncated dump and creates nothing', async () => {
    const path = copyOf('truncated.dump', (b) => b);
    truncateSync(path, Math.floor(readFileSync(path).length / 2));
    const target = `bk_truncated_${RUN}`;
    const result = restore(path, target);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('checksum mismatch');
    expect(await databaseExists(target)).toBe(false);
  });

  it('refuses a truncated dump even when its checksum was recomputed, dropping the half-restored database', async () => {
    const path = copyOf('truncated-rehashed.dump', (b) => b.subarray(0, b.length - 200), true);
    const target = `bk_truncated2_${RUN}`;
    const result = restore(path, target);
    expect([3, 5]).toContain(result.code);
    expect(result.stderr).toMatch(/restore: error: /);
    expect(await databaseExists(target)).toBe(false);
  });

  it('refuses a dump without its checksum file', () => {
    const path = join(dir, 'unverified.dump');
    writeFileSync(path, readFileSync(dump));
    const result = restore(path, `bk_unverified_${RUN}`);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('no checksum file');
  });

  it('reports a missing dump file', () => {
    const result = restore(join(dir, 'nope.dump'), `bk_missing_${RUN}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`restore: error: dump file '${join(dir, 'nope.dump')}' not found\n`);
  });

  it('rejects a target name that is not a plain identifier and a wrong argument count', () => {
    expect(runScript(RESTORE_SH, [dump, 'Robert"; DROP'], {}).code).toBe(2);
    const usage = runScript(RESTORE_SH, [dump], {});
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('usage: restore.sh DUMP TARGET_DB');
  });

  it('drops the new database when the restore fails (a role the dump needs is missing)', async () => {
    const lonely = `bk_lonely_${RUN}`;
    const lonelyRole = `${ROLE}_gone`;
    createdDatabases.add(lonely);
    await admin('postgres', async (c) => {
      await c.query(`CREATE ROLE ${lonelyRole} NOLOGIN`);
      await c.query(`CREATE DATABASE ${lonely}`);
    });
    await admin(lonely, (c) =>
      c.query(`
        CREATE TABLE flyway_schema_history (installed_rank int PRIMARY KEY, version text, success boolean NOT NULL);
        CREATE TABLE t (id int); ALTER TABLE t ENABLE ROW LEVEL SECURITY;
        CREATE POLICY p ON t TO ${lonelyRole} USING (true);`),
    );
    const lonelyDir = newDir('lonely');
    expect(backup(lonelyDir, { PGDATABASE: lonely }).code).toBe(0);
    await admin('postgres', async (c) => {
      await c.query(`DROP DATABASE ${lonely}`);
      await c.query(`DROP ROLE ${lonelyRole}`);
    });
    const target = `bk_lonely_restored_${RUN}`;
    const result = restore(join(lonelyDir, dumpsIn(lonelyDir)[0] ?? ''), target);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain(`role "${lonelyRole}" does not exist`);
    expect(result.stderr).toContain(`dropping the half-restored database '${target}'`);
    expect(await databaseExists(target)).toBe(false);
  });
});

describe('backup.sh retention', () => {
  function at(dir: string, when: string, keep: Record<string, string>): void {
    const result = backup(dir, { BACKUP_NOW: when, ...keep });
    if (result.code !== 0) throw new Error(`backup at ${when} failed: ${result.stderr}`);
  }

  it('keeps exactly the newest dump of the last N days, ISO weeks and months', () => {
    const dir = newDir('retention');
    const keep = { KEEP_DAILY: '3', KEEP_WEEKLY: '2', KEEP_MONTHLY: '2' };
    // Nightly 03:00 UTC from 20 October to 24 November 2026, plus a manual run on the last day.
    const start = Date.UTC(2026, 9, 20, 3);
    for (let day = 0; day <= 35; day += 1) {
      const when = new Date(start + day * 86_400_000).toISOString().replace('.000Z', 'Z');
      if (when.startsWith('2026-11-24')) at(dir, '2026-11-24T01:00:00Z', keep);
      at(dir, when, keep);
    }
    // 2026-11-24 is a Tuesday: ISO week 48 runs 23–29 Nov, week 47 ends Sunday 22 Nov.
    //   daily:   24, 23, 22 Nov (the 01:00 manual dump loses its day to the 03:00 one)
    //   weekly:  24 Nov (week 48), 22 Nov (week 47)
    //   monthly: 24 Nov, 31 Oct
    expect(dumpsIn(dir)).toEqual(
      ['20261031T030000Z', '20261122T030000Z', '20261123T030000Z', '20261124T030000Z'].map(
        (s) => `${SOURCE}-${s}.dump`,
      ),
    );
    // Every dump keeps its checksum; no orphan checksum or temporary file survives.
    expect(
      readdirSync(dir)
        .filter((f) => !f.startsWith('.lock'))
        .sort(),
    ).toEqual(
      dumpsIn(dir)
        .flatMap((d) => [d, `${d}.sha256`])
        .sort(),
    );
  }, 120_000);

  it('never deletes the dump it just wrote, even with all counts at zero', () => {
    const dir = newDir('retention-zero');
    at(dir, '2026-11-20T03:00:00Z', {});
    at(dir, '2026-11-21T03:00:00Z', {});
    const last = backup(dir, {
      BACKUP_NOW: '2026-11-19T03:00:00Z',
      KEEP_DAILY: '0',
      KEEP_WEEKLY: '0',
      KEEP_MONTHLY: '0',
    });
    expect(last.code).toBe(0);
    expect(last.stdout).toContain('(just-written)');
    expect(dumpsIn(dir)).toEqual([`${SOURCE}-20261119T030000Z.dump`]);
  });
});

describe('backup.sh failures: a clear one-line error, a non-zero exit, old backups intact', () => {
  let dir: string;
  let before: string[];
  let oldContent: Buffer;
  beforeAll(() => {
    dir = newDir('failures');
    expect(backup(dir, { BACKUP_NOW: '2026-11-01T03:00:00Z' }).code).toBe(0);
    before = readdirSync(dir).sort();
    oldContent = readFileSync(join(dir, dumpsIn(dir)[0] ?? ''));
  });
  afterEach(() => {
    // No failed run may touch the good backup.
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(readFileSync(join(dir, dumpsIn(dir)[0] ?? '')).equals(oldContent)).toBe(true);
  });

  function expectOneLineError(result: ScriptResult, code: number, text: RegExp): void {
    expect(result.code).toBe(code);
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^backup: error: /);
    expect(lines[0]).toMatch(text);
  }

  it('an unreachable server', async () => {
    const port = String(await freePort());
    expectOneLineError(backup(dir, { PGPORT: port }), 3, /pg_dump of .* failed: .*refused/);
  });

  it('a database that does not exist', () => {
    expectOneLineError(backup(dir, { PGDATABASE: `bk_nope_${RUN}` }), 3, /does not exist/);
  });

  it('bad retention counts and a malformed BACKUP_NOW', () => {
    expectOneLineError(
      backup(dir, { KEEP_WEEKLY: 'four' }),
      2,
      /KEEP_WEEKLY must be a whole number/,
    );
    expectOneLineError(backup(dir, { BACKUP_NOW: 'yesterday' }), 2, /BACKUP_NOW must look like/);
  });

  it('a BACKUP_DIR that does not exist or is not set', () => {
    expectOneLineError(backup(join(dir, 'missing')), 2, /does not exist/);
    expectOneLineError(runScript(BACKUP_SH, [], {}), 2, /BACKUP_DIR is not set/);
  });

  it('a BACKUP_DIR that is not writable', () => {
    const identity = serviceIdentity();
    const readOnly = newDir('read-only');
    handOver(readOnly, identity);
    chmodSync(readOnly, 0o555);
    // Run as an unprivileged user when we are root (root ignores the mode bits), from a copy of
    // the scripts that user can read (a checkout may sit in a private folder).
    const scripts = newDir('scripts');
    chmodSync(scripts, 0o755);
    cpSync(BACKUP_SCRIPTS, scripts, { recursive: true });
    const result = runScript(join(scripts, 'backup.sh'), [], { BACKUP_DIR: readOnly }, identity);
    expectOneLineError(result, 4, /is not writable/);
    expect(readdirSync(readOnly)).toEqual([]);
  });

  it('a full disk', () => {
    const full = newDir('full-disk');
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', full]);
    if (mounted.status !== 0) {
      // Needs root with CAP_SYS_ADMIN; the not-writable case above covers the error path.
      console.warn(
        `full-disk test skipped: cannot mount a tmpfs (${mounted.stderr.toString().trim()})`,
      );
      return;
    }
    try {
      // A good old backup on the small disk, then fill it up.
      writeFileSync(join(full, 'old.dump'), 'old');
      writeFileSync(join(full, 'filler'), Buffer.alloc(60 * 1024));
      const result = backup(full);
      expectOneLineError(result, 4, /could not write|No space left/);
      expect(readdirSync(full).sort()).toEqual(['.lock', 'filler', 'old.dump']);
      expect(readFileSync(join(full, 'old.dump'), 'utf8')).toBe('old');
    } finally {
      spawnSync('umount', [full]);
    }
  });
});

describe('backup.sh against a server of another major version or with a wrong password', () => {
  let server: PostgresServer;
  beforeAll(async () => {
    const pgRoot = newDir('pg18');
    chmodSync(pgRoot, 0o755);
    server = new PostgresServer({
      dataDir: join(pgRoot, 'data'),
      port: await freePort(),
      password: 'right-password',
      settings: { fsync: 'off' },
    });
    await server.start();
  }, 60_000);
  afterAll(async () => {
    await server.stop();
  });

  it.each([
    {
      problem: 'a wrong password',
      password: 'wrong-password',
      error: /^backup: error: pg_dump of 'postgres' failed: .*password authentication failed/,
    },
    {
      problem: 'a pg_dump older than the server',
      password: 'right-password',
      error: /^backup: error: pg_dump of 'postgres' failed: .*server version mismatch/,
    },
  ])('$problem', ({ problem, password, error }) => {
    const dir = newDir(problem.replaceAll(' ', '-'));
    const result = backup(dir, {
      PGPORT: String(server.port),
      PGDATABASE: 'postgres',
      PGPASSWORD: password,
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(error);
    expect(readdirSync(dir).filter((f) => f !== '.lock')).toEqual([]);
  });
});
