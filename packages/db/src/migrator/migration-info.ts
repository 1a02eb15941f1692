import type { AppliedMigration } from './history-table.js';
import { compareVersions, parseVersion, type MigrationVersion } from './migration-version.js';
import {
  versionKey,
  type ResolvedMigration,
  type ResolvedMigrations,
} from './migration-resolver.js';

export type MigrationState =
  | 'Pending'
  | 'Success'
  | 'Failed'
  | 'Ignored'
  | 'Missing'
  | 'Future'
  | 'Baseline'
  | 'Below Baseline'
  | 'Deleted'
  | 'Outdated'
  | 'Superseded'
  | 'Above Target'
  | 'Schema';

export interface MigrationInfo {
  category: 'Versioned' | 'Repeatable' | 'Baseline' | 'Schema';
  version: string | null;
  description: string;
  /** SQL, BASELINE, SCHEMA, … (the history row's type, or SQL for a pending file). */
  type: string;
  script: string;
  state: MigrationState;
  installedRank: number | null;
  installedOn: Date | null;
  installedBy: string | null;
  executionTime: number | null;
  checksum: number | null;
  /** A U<version>__*.sql file exists for it. */
  undoable: boolean;
  resolved: ResolvedMigration | undefined;
  applied: AppliedMigration | undefined;
}

export interface InfoOptions {
  outOfOrder: boolean;
  target: MigrationVersion | undefined;
}

/** Types a history row can have that are not applied versioned/repeatable migrations. */
const MARKER_TYPES = new Set([
  'BASELINE',
  'SCHEMA',
  'DELETE',
  'UNDO_SQL',
  'UNDO_JDBC',
  'UNDO_SCRIPT',
]);

function fromApplied(
  applied: AppliedMigration,
  state: MigrationState,
  category: MigrationInfo['category'],
  resolved?: ResolvedMigration,
  undoable = false,
): MigrationInfo {
  return {
    category,
    version: applied.version,
    description: applied.description,
    type: applied.type,
    script: applied.script,
    state,
    installedRank: applied.installedRank,
    installedOn: applied.installedOn,
    installedBy: applied.installedBy,
    executionTime: applied.executionTime,
    checksum: applied.checksum,
    undoable,
    resolved,
    applied,
  };
}

function fromResolved(
  resolved: ResolvedMigration,
  state: MigrationState,
  undoable: boolean,
): MigrationInfo {
  return {
    category: resolved.kind === 'repeatable' ? 'Repeatable' : 'Versioned',
    version: resolved.version?.text ?? null,
    description: resolved.description,
    type: 'SQL',
    script: resolved.script,
    state,
    installedRank: null,
    installedOn: null,
    installedBy: null,
    executionTime: null,
    checksum: resolved.checksum,
    undoable,
    resolved,
    applied: undefined,
  };
}

const NO_VERSION: MigrationVersion = { text: '', parts: [] };

/**
 * Merges the files and the history rows into Flyway's view of each migration (MigrationInfoService):
 * applied rows in rank order, then pending ones. `checksum` of an applied row is the stored one.
 */
export function buildMigrationInfo(
  resolved: ResolvedMigrations,
  history: readonly AppliedMigration[],
  options: InfoOptions,
): MigrationInfo[] {
  const infos: MigrationInfo[] = [];
  const byKey = new Map(resolved.versioned.map((m) => [versionKey(m.version ?? NO_VERSION), m]));
  const undoable = (version: string | null): boolean => {
    const parsed = version === null ? undefined : parseVersion(version);
    return parsed ? resolved.undo.has(versionKey(parsed)) : false;
  };

  const deleted = new Set<number>();
  for (const row of history) {
    if (row.type !== 'DELETE' && !row.type.startsWith('UNDO_')) continue;
    for (const earlier of history) {
      if (
        earlier.installedRank < row.installedRank &&
        earlier.version === row.version &&
        !MARKER_TYPES.has(earlier.type)
      ) {
        deleted.add(earlier.installedRank);
      }
    }
  }

  const baselineRow = history.find((row) => row.type === 'BASELINE');
  const baseline = baselineRow?.version ? parseVersion(baselineRow.version) : undefined;
  const appliedKeys = new Set<string>();
  let latestApplied: MigrationVersion | undefined = baseline;
  const maxResolved = resolved.versioned.at(-1)?.version;
  const latestRepeatable = new Map<string, AppliedMigration>();

  for (const row of history) {
    if (row.type === 'SCHEMA') {
      infos.push(fromApplied(row, 'Schema', 'Schema'));
      continue;
    }
    if (row.type === 'BASELINE') {
      infos.push(fromApplied(row, 'Baseline', 'Baseline'));
      continue;
    }
    if (MARKER_TYPES.has(row.type)) continue;
    if (row.version === null) {
      latestRepeatable.set(row.description, row);
      continue;
    }
    const version = parseVersion(row.version);
    if (!version) continue;
    const key = versionKey(version);
    if (deleted.has(row.installedRank)) {
      infos.push(fromApplied(row, 'Deleted', 'Versioned'));
      continue;
    }
    appliedKeys.add(key);
    if (row.success && (!latestApplied || compareVersions(version, latestApplied) > 0))
      latestApplied = version;
    const file = byKey.get(key);
    if (file) {
      infos.push(
        fromApplied(
          row,
          row.success ? 'Success' : 'Failed',
          'Versioned',
          file,
          undoable(row.version),
        ),
      );
    } else {
      const future = maxResolved === undefined || compareVersions(version, maxResolved) > 0;
      infos.push(
        fromApplied(
          row,
          row.success ? (future ? 'Future' : 'Missing') : 'Failed',
          'Versioned',
          undefined,
          undoable(row.version),
        ),
      );
    }
  }

  const pending: MigrationInfo[] = [];
  for (const file of resolved.versioned) {
    const version = file.version ?? NO_VERSION;
    if (appliedKeys.has(versionKey(version))) continue;
    let state: MigrationState = 'Pending';
    if (baseline && compareVersions(version, baseline) <= 0) state = 'Below Baseline';
    else if (options.target && compareVersions(version, options.target) > 0) state = 'Above Target';
    else if (latestApplied && compareVersions(version, latestApplied) < 0 && !options.outOfOrder)
      state = 'Ignored';
    pending.push(fromResolved(file, state, undoable(version.text)));
  }

  const repeatableRows = history.filter(
    (row) => row.version === null && !MARKER_TYPES.has(row.type),
  );
  for (const row of repeatableRows) {
    const file = resolved.repeatable.find((m) => m.description === row.description);
    const latest = latestRepeatable.get(row.description) === row;
    let state: MigrationState;
    if (!row.success) state = 'Failed';
    else if (!file) state = latest ? 'Missing' : 'Superseded';
    else if (!latest) state = 'Superseded';
    else state = file.checksum === row.checksum ? 'Success' : 'Outdated';
    // Keep rank order: repeatable rows go where their rank puts them.
    const info = fromApplied(row, state, 'Repeatable', file);
    const at = infos.findIndex((other) => (other.installedRank ?? Infinity) > row.installedRank);
    if (at < 0) infos.push(info);
    else infos.splice(at, 0, info);
  }
  for (const file of resolved.repeatable) {
    const row = latestRepeatable.get(file.description);
    if (!row || !row.success || row.checksum !== file.checksum)
      pending.push(fromResolved(file, 'Pending', false));
  }
  return [...infos, ...pending];
}

function label(info: MigrationInfo): string {
  const what =
    info.version === null
      ? `repeatable migration "${info.description}"`
      : `migration version ${info.version}`;
  const file = info.resolved?.path ?? info.script;
  return `${what} (${file})`;
}

/**
 * Flyway's validation: applied vs resolved type, checksum (skipped when either is NULL) and
 * description; failed rows; applied migrations missing locally; ignored (older than the latest
 * applied) ones; and, unless `allowPending`, pending ones. Returns one message per problem.
 */
export function validationErrors(infos: readonly MigrationInfo[], allowPending: boolean): string[] {
  const errors: string[] = [];
  for (const info of infos) {
    const { applied, resolved } = info;
    if (applied && !applied.success) {
      errors.push(
        `Detected failed ${label(info)}: remove any half-completed changes, then run repair to remove the failed row.`,
      );
      continue;
    }
    if (info.state === 'Missing') {
      errors.push(
        `Detected applied ${label(info)} not resolved locally: restore the file, or run repair to mark it as deleted.`,
      );
      continue;
    }
    if (info.state === 'Ignored') {
      errors.push(
        `Detected resolved ${label(info)} not applied to database although a later version is applied: give it a later version (outOfOrder is off).`,
      );
      continue;
    }
    if ((info.state === 'Pending' || info.state === 'Outdated') && !allowPending) {
      errors.push(
        info.state === 'Outdated'
          ? `Detected outdated ${label(info)} that should be re-applied: run migrate.`
          : `Detected resolved ${label(info)} not applied to database: run migrate.`,
      );
      continue;
    }
    if (!applied || !resolved || info.category !== 'Versioned' || info.state === 'Superseded')
      continue;
    if (applied.type !== 'SQL') {
      errors.push(
        `Migration type mismatch for ${label(info)}: applied to database ${applied.type}, resolved locally SQL.`,
      );
    } else if (applied.checksum !== null && applied.checksum !== resolved.checksum) {
      errors.push(
        `Migration checksum mismatch for ${label(info)}: applied to database ${applied.checksum}, resolved locally ${resolved.checksum}. An applied migration was edited: revert the file, or run repair if the change is intended.`,
      );
    } else if (applied.description !== resolved.description) {
      errors.push(
        `Migration description mismatch for ${label(info)}: applied to database "${applied.description}", resolved locally "${resolved.description}". Rename the file back, or run repair.`,
      );
    }
  }
  return errors;
}
