import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PgBouncerServer,
  PRODUCTION_PGBOUNCER_INI,
  parseIni,
  type PgBouncerServerOptions,
} from './pgbouncer-server.js';

const POSTGRES_MAX_CONNECTIONS = 100;
const SUPERUSER_RESERVED = 3;

describe('infra/pgbouncer/pgbouncer.ini (production)', () => {
  const ini = parseIni(readFileSync(PRODUCTION_PGBOUNCER_INI, 'utf8'));
  const settings = ini.pgbouncer ?? {};
  const int = (key: string): number => Number(settings[key]);

  it('pools in transaction mode and accepts at least 1000 clients', () => {
    expect(settings.pool_mode).toBe('transaction');
    expect(int('max_client_conn')).toBeGreaterThanOrEqual(1000);
  });

  it('keeps server connections within PostgreSQL max_connections with room for admin, migrations and backups', () => {
    const databases = Object.keys(ini.databases ?? {});
    // One database entry, no wildcard: max_db_connections is then the pooler's total.
    expect(databases).toEqual(['outreach']);
    expect(int('default_pool_size') + int('reserve_pool_size')).toBeLessThanOrEqual(
      int('max_db_connections'),
    );
    expect(int('max_db_connections')).toBeLessThanOrEqual(80);
    const leftForOthers = POSTGRES_MAX_CONNECTIONS - SUPERUSER_RESERVED - int('max_db_connections');
    expect(leftForOthers).toBeGreaterThanOrEqual(15);
  });

  it('authenticates with SCRAM against an auth file', () => {
    expect(settings.auth_type).toBe('scram-sha-256');
    expect(settings.auth_file).toBeTruthy();
  });

  it('ignores only harmless start-up parameters (a dropped timeout must be an error)', () => {
    const ignored = (settings.ignore_startup_parameters ?? '').split(',');
    expect(ignored).toEqual(['extra_float_digits']);
  });
});

describe('parseIni', () => {
  it('reads sections, keys and empty values, skipping comments', () => {
    expect(parseIni('; c\n# c\n[a]\nx = 1\ny =\n[b]\nz = host=h port=1\n')).toEqual({
      a: { x: '1', y: '' },
      b: { z: 'host=h port=1' },
    });
  });

  it('refuses a line it cannot read, naming it', () => {
    expect(() => parseIni('[a]\nnonsense\n')).toThrow("cannot read line 'nonsense'");
    expect(() => parseIni('x = 1\n')).toThrow("cannot read line 'x = 1'");
  });
});

describe('PgBouncerServer runtime configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgb-spec-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const serverWith = (options: Partial<PgBouncerServerOptions> = {}): PgBouncerServer =>
    new PgBouncerServer({
      port: 16432,
      dir,
      postgres: { host: '127.0.0.1', port: 15432 },
      users: [],
      ...options,
    });

  it('overrides only local-run settings and keeps the production pool mode', () => {
    const server = serverWith({ users: [{ name: 'app', password: 'pw' }] });
    const settings = server.effectiveSettings;
    expect(settings).toMatchObject({
      listen_addr: '127.0.0.1',
      listen_port: '16432',
      auth_file: join(dir, 'userlist.txt'),
      logfile: join(dir, 'pgbouncer.log'),
      pool_mode: 'transaction',
      max_client_conn: '2000',
    });
    expect(server.maxServerConnectionsPerDatabase).toBe(60);
  });

  it('caps every pool at poolSize when given', () => {
    const server = serverWith({
      poolSize: 7,
      maxClientConn: 600,
    });
    expect(server.effectiveSettings).toMatchObject({
      default_pool_size: '7',
      reserve_pool_size: '0',
      max_db_connections: '7',
      max_client_conn: '600',
    });
    expect(server.maxServerConnectionsPerDatabase).toBe(7);
  });

  it('rejects a pool size that is not a positive integer', () => {
    const server = serverWith({
      poolSize: 0,
    });
    expect(() => server.effectiveSettings).toThrow('poolSize must be a positive integer');
  });

  it('derives from another config file when asked', () => {
    const custom = join(dir, 'custom.ini');
    writeFileSync(custom, '[databases]\n[pgbouncer]\npool_mode = session\nmax_client_conn = 5\n');
    const server = serverWith({
      configFile: custom,
    });
    expect(server.effectiveSettings).toMatchObject({
      pool_mode: 'session',
      max_client_conn: '5',
      listen_port: '16432',
    });
  });

  it('builds client URLs with encoded credentials', () => {
    const server = serverWith();
    expect(server.url({ user: 'app', password: 'p@ss/word', database: 'outreach' })).toBe(
      'postgres://app:p%40ss%2Fword@127.0.0.1:16432/outreach',
    );
  });
});
