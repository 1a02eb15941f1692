import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrateDatabase } from '@outreach/db/migrator';
import { PostgresServer, freePort } from '@outreach/devstack';

const APP_USER = 'outreach_app_user';

/**
 * A PostgreSQL 18 of its own (for tests that stop and restart it, and for the bench), with
 * database `outreach` migrated and the RLS-bound login role the apps use.
 */
export class OwnPostgres {
  private constructor(
    readonly server: PostgresServer,
    private readonly root: string,
  ) {}

  static async start(prefix: string): Promise<OwnPostgres> {
    const root = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(root, 0o755); // the server runs as an unprivileged user when we are root
    const server = new PostgresServer({
      dataDir: join(root, 'pgdata'),
      port: await freePort(),
      settings: { fsync: 'off', synchronous_commit: 'off', max_connections: 200 },
    });
    await server.start();
    await server.query('CREATE DATABASE outreach');
    await migrateDatabase(server.url('outreach'));
    await server.query(`CREATE ROLE ${APP_USER} LOGIN PASSWORD '${APP_USER}'`);
    await server.query(`GRANT outreach_app TO ${APP_USER}`);
    return new OwnPostgres(server, root);
  }

  /** As outreach_app_user (row-level security applies). */
  get appUrl(): string {
    return `postgres://${APP_USER}:${APP_USER}@127.0.0.1:${this.server.port}/outreach`;
  }

  /** A folder of its own for other servers of the same test (pgBouncer). */
  get dir(): string {
    return this.root;
  }

  async stop(): Promise<void> {
    if (this.server.running) await this.server.stop();
    rmSync(this.root, { recursive: true, force: true });
  }
}
