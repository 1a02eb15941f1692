import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isPortInUse } from './ports.js';
import { handOver, serviceIdentity, type SpawnIdentity } from './process-user.js';
import { lastLines, stopProcess } from './child-process.js';
import { requireBinary } from './system-binary.js';

/** The checked-in production configuration every local run derives from. */
export const PRODUCTION_PGBOUNCER_INI = findUp(join('infra', 'pgbouncer', 'pgbouncer.ini'));

/** First `<ancestor>/<relative>` that exists, from this module's directory upwards. */
function findUp(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, relative);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return join(process.cwd(), relative);
    dir = parent;
  }
}

export interface PgBouncerUser {
  name: string;
  /** Plain-text password: PgBouncer uses it for SCRAM with clients and with PostgreSQL. */
  password: string;
}

export interface PgBouncerServerOptions {
  /** TCP port to listen on (127.0.0.1). */
  port: number;
  /** Working directory for the runtime ini, userlist, log and pid file. */
  dir: string;
  /** The PostgreSQL server the pools connect to. */
  postgres: { host: string; port: number };
  /** Roles allowed to log in (written to the auth file); they must exist in PostgreSQL. */
  users: PgBouncerUser[];
  /** Databases to expose; '*' (default) forwards any database name. */
  databases?: string[] | '*';
  /**
   * Hard cap of server connections per database: sets default_pool_size and
   * max_db_connections/max_user_connections to this value and reserve_pool_size to 0.
   * Without it the production pool sizes apply.
   */
  poolSize?: number;
  /** Overrides max_client_conn. */
  maxClientConn?: number;
  /** Production ini to derive from (default: infra/pgbouncer/pgbouncer.ini). */
  configFile?: string;
  /** Receives PgBouncer's log lines. */
  onLog?: (line: string) => void;
}

export interface PgBouncerUrlOptions {
  user: string;
  password: string;
  database: string;
}

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/**
 * The real `pgbouncer` binary (Debian package pgbouncer) in front of a PostgreSQL server,
 * configured from the production pgbouncer.ini with only local-run settings overridden.
 * PgBouncer refuses to run as root, so it runs as the service user (see serviceIdentity).
 */
export class PgBouncerServer {
  private process: ChildProcess | undefined;
  private readonly identity: SpawnIdentity;
  private settings: Record<string, string> = {};

  constructor(private readonly options: PgBouncerServerOptions) {
    this.identity = serviceIdentity();
  }

  get port(): number {
    return this.options.port;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Path of the generated runtime configuration. */
  get configPath(): string {
    return join(this.options.dir, 'pgbouncer.ini');
  }

  /** Effective [pgbouncer] settings of the last start() (or of the next, before it). */
  get effectiveSettings(): Readonly<Record<string, string>> {
    return Object.keys(this.settings).length > 0 ? this.settings : this.render().settings;
  }

  /** Upper bound of server connections PgBouncer opens to one database. */
  get maxServerConnectionsPerDatabase(): number {
    const settings = this.effectiveSettings;
    const cap = Number(settings.max_db_connections ?? '0');
    if (cap > 0) return cap;
    return Number(settings.default_pool_size ?? '20') + Number(settings.reserve_pool_size ?? '0');
  }

  url({ user, password, database }: PgBouncerUrlOptions): string {
    return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${this.options.port}/${encodeURIComponent(database)}`;
  }

  /** Writes the runtime files, starts PgBouncer and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.process) return;
    const binary = requireBinary('pgbouncer', 'pgbouncer');
    const { port, dir } = this.options;
    if (await isPortInUse(port)) {
      throw new Error(
        `port ${port} is already in use: stop what listens there or choose another port`,
      );
    }
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    handOver(dir, this.identity);
    const { text, settings } = this.render();
    this.settings = settings;
    writeOwned(this.configPath, text, this.identity);
    writeOwned(
      settings.auth_file ?? join(dir, 'userlist.txt'),
      userlist(this.options.users),
      this.identity,
    );

    const child = spawn(binary, [this.configPath], {
      ...this.identity,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    let output = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      for (const line of text.split('\n')) if (line) this.options.onLog?.(line);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = new Promise<never>((_, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => {
        this.process = undefined;
        reject(
          new Error(
            `pgbouncer exited during start-up (code ${code ?? 'null'}): ${lastLines(output)}`,
          ),
        );
      });
    });
    exited.catch(() => undefined);
    try {
      await Promise.race([exited, waitForPort(port, START_TIMEOUT_MS)]);
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Immediate shutdown (SIGTERM: PgBouncer 1.18 closes all connections); resolves when gone. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    await stopProcess(child, 'SIGTERM', STOP_TIMEOUT_MS);
  }

  private render(): { text: string; settings: Record<string, string> } {
    const { dir, postgres, poolSize, maxClientConn } = this.options;
    const production = parseIni(
      readFileSync(this.options.configFile ?? PRODUCTION_PGBOUNCER_INI, 'utf8'),
    );
    const settings: Record<string, string> = {
      ...(production.pgbouncer ?? {}),
      listen_addr: '127.0.0.1',
      listen_port: String(this.options.port),
      unix_socket_dir: '',
      logfile: join(dir, 'pgbouncer.log'),
      pidfile: join(dir, 'pgbouncer.pid'),
      auth_file: join(dir, 'userlist.txt'),
    };
    if (poolSize !== undefined) {
      if (!Number.isInteger(poolSize) || poolSize < 1) {
        throw new Error(`poolSize must be a positive integer, got ${poolSize}`);
      }
      Object.assign(settings, {
        default_pool_size: String(poolSize),
        reserve_pool_size: '0',
        max_db_connections: String(poolSize),
        max_user_connections: String(poolSize),
      });
    }
    if (maxClientConn !== undefined) settings.max_client_conn = String(maxClientConn);

    const target = `host=${postgres.host} port=${postgres.port}`;
    const databases = this.options.databases ?? '*';
    const databaseLines =
      databases === '*'
        ? [`* = ${target}`]
        : databases.map((name) => `${name} = ${target} dbname=${name}`);
    const text = [
      `;; Generated by @outreach/devstack PgBouncerServer from ${this.options.configFile ?? PRODUCTION_PGBOUNCER_INI}`,
      '[databases]',
      ...databaseLines,
      '',
      '[pgbouncer]',
      ...Object.entries(settings).map(([key, value]) => `${key} = ${value}`),
      '',
    ].join('\n');
    return { text, settings };
  }
}

/** Minimal ini reader for pgbouncer.ini: sections, `key = value`, `;`/`#` comments. */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const result: Record<string, Record<string, string>> = {};
  let section: Record<string, string> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header?.[1] !== undefined) {
      section = result[header[1]] ??= {};
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 0 || section === undefined) {
      throw new Error(
        `pgbouncer.ini: cannot read line '${line}' (expected 'key = value' inside a [section])`,
      );
    }
    section[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return result;
}

function userlist(users: PgBouncerUser[]): string {
  const quote = (value: string): string => `"${value.replaceAll('"', '""')}"`;
  return users.map((user) => `${quote(user.name)} ${quote(user.password)}\n`).join('');
}

function writeOwned(path: string, content: string, identity: SpawnIdentity): void {
  writeFileSync(path, content, { mode: 0o600 });
  handOver(path, identity);
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: '127.0.0.1' });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (open) return;
    if (Date.now() > deadline) {
      throw new Error(
        `pgbouncer did not accept connections on port ${port} within ${timeoutMs} ms`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
