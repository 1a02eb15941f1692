import type { MigrationInfo } from './migration-info.js';

const HEADERS = [
  'Category',
  'Version',
  'Description',
  'Type',
  'Installed On',
  'State',
  'Undoable',
] as const;

function formatDate(date: Date | null): string {
  if (!date) return '';
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Flyway-style `info` table (boxed, one line per migration). */
export function formatInfoTable(infos: readonly MigrationInfo[]): string {
  const rows = infos.map((info) => [
    info.category,
    info.version ?? '',
    info.description,
    info.type,
    formatDate(info.installedOn),
    info.state,
    info.undoable ? 'Yes' : 'No',
  ]);
  const widths = HEADERS.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const line = `+${widths.map((width) => '-'.repeat(width + 2)).join('+')}+`;
  const render = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const body =
    rows.length > 0 ? rows.map(render) : [`| ${'No migrations found'.padEnd(line.length - 4)} |`];
  return [line, render(HEADERS), line, ...body, line].join('\n');
}

/** `info --json`: one plain object per migration. */
export function infoToJson(infos: readonly MigrationInfo[]): object[] {
  return infos.map((info) => ({
    category: info.category,
    version: info.version,
    description: info.description,
    type: info.type,
    script: info.script,
    state: info.state,
    installedRank: info.installedRank,
    installedOn: info.installedOn?.toISOString() ?? null,
    installedBy: info.installedBy,
    executionTime: info.executionTime,
    checksum: info.checksum,
    undoable: info.undoable,
  }));
}
