import { formatInfoTable, infoToJson } from '../migrator/info-table.js';
import { MigrationError } from '../migrator/migration-error.js';
import { Migrator } from '../migrator/migrator.js';
import { parseCli, USAGE, type CliRequest } from './cli-args.js';

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

function createMigrator(request: CliRequest, io: CliIo): Migrator {
  return new Migrator({
    databaseUrl: request.databaseUrl,
    ...(request.locations && { locations: request.locations }),
    cleanDisabled: request.cleanDisabled,
    ...(request.target !== undefined && { target: request.target }),
    ...(request.baselineVersion !== undefined && { baselineVersion: request.baselineVersion }),
    ...(request.baselineDescription !== undefined && {
      baselineDescription: request.baselineDescription,
    }),
    ...(request.installedBy !== undefined && { installedBy: request.installedBy }),
    ...(request.schemas && { schemas: request.schemas }),
    ...(request.defaultSchema !== undefined && { defaultSchema: request.defaultSchema }),
    ...(request.table !== undefined && { table: request.table }),
    ...(request.createSchemas !== undefined && { createSchemas: request.createSchemas }),
    ...(request.outOfOrder !== undefined && { outOfOrder: request.outOfOrder }),
    ...(request.validateOnMigrate !== undefined && {
      validateOnMigrate: request.validateOnMigrate,
    }),
    ...(request.validateMigrationNaming !== undefined && {
      validateMigrationNaming: request.validateMigrationNaming,
    }),
    ...(request.lockRetryCount !== undefined && { lockRetryCount: request.lockRetryCount }),
    placeholders: request.placeholders,
    log: (line) => {
      if (!request.json) io.out(line);
    },
  });
}

async function execute(migrator: Migrator, request: CliRequest, io: CliIo): Promise<void> {
  switch (request.command) {
    case 'migrate': {
      const result = await migrator.migrate();
      io.out(
        result.migrationsExecuted === 0
          ? `Schema is up to date at version ${result.targetSchemaVersion ?? '<< Empty Schema >>'}.`
          : `Successfully applied ${result.migrationsExecuted} migration(s), now at version ${result.targetSchemaVersion ?? '<< Empty Schema >>'}.`,
      );
      return;
    }
    case 'info': {
      const infos = await migrator.info();
      io.out(request.json ? JSON.stringify(infoToJson(infos), null, 2) : formatInfoTable(infos));
      return;
    }
    case 'validate': {
      await migrator.validate();
      const count = (await migrator.info()).filter((info) => info.applied).length;
      io.out(`Successfully validated ${count} migration(s).`);
      return;
    }
    case 'repair': {
      const result = await migrator.repair();
      io.out(
        `Repair done: ${result.removedFailed} failed row(s) removed, ${result.realigned} row(s) realigned with the files, ${result.markedDeleted} missing migration(s) marked as deleted.`,
      );
      return;
    }
    case 'baseline':
      await migrator.baseline();
      return;
    case 'undo': {
      const result = await migrator.undo();
      io.out(
        result
          ? `Undid version ${result.version} (${result.script}).`
          : 'Nothing to undo: no versioned migration is applied.',
      );
      return;
    }
    case 'clean': {
      const result = await migrator.clean();
      io.out(`Cleaned schema(s) ${result.schemas.join(', ')}.`);
      return;
    }
  }
}

/**
 * `pnpm db <command>`: 0 on success, 2 for a bad command line or DATABASE_URL (one line on
 * stderr), 1 for a runtime failure (one line, then detail lines).
 */
export async function runCli(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  io: CliIo,
): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(USAGE);
    return 0;
  }
  let migrator: Migrator;
  let request: CliRequest;
  try {
    request = parseCli(argv, env, cwd);
    migrator = createMigrator(request, io);
  } catch (error) {
    io.err(`pnpm db: ${(error as Error).message}`);
    return 2;
  }
  try {
    await execute(migrator, request, io);
    return 0;
  } catch (error) {
    if (error instanceof MigrationError) {
      io.err(`ERROR: ${error.message}`);
      for (const line of error.detail) io.err(`  ${line}`);
    } else {
      io.err(`ERROR: ${(error as Error).message || String(error)}`);
    }
    return 1;
  } finally {
    await migrator.close().catch(() => undefined);
  }
}
