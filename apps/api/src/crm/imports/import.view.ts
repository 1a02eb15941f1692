import type { Import, ImportStatus, LegalBasis } from '@outreach/db';

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  /** Rows refused by validation (a refused row feeds none of the three entities). */
  rejected: number;
}

/** An import as the api answers it. */
export interface ImportView {
  id: string;
  status: ImportStatus;
  fileName: string;
  fileSize: number;
  encoding: string;
  delimiter: ';' | ',' | '\t';
  listName: string | null;
  legalBasis: LegalBasis;
  createdBy: string | null;
  columns: { headers: string[]; fields: (string | null)[]; unknown: string[] };
  rows: { total: number; validated: number; merged: number; rejected: number; erased: number };
  /** 0–100: validation and merge each count for half. */
  percentage: number;
  companies: Counts;
  people: Counts;
  positions: Counts & { suppressed: number };
  error: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

const DELIMITERS = { semicolon: ';', comma: ',', tab: '\t' } as const;

export function importView(found: Import): ImportView {
  const total = found.rowsTotal;
  const percentage =
    found.status === 'completed'
      ? 100
      : total === 0
        ? 0
        : Math.floor((100 * (found.rowsValidated + found.rowsMerged)) / (2 * total));
  return {
    id: found.id,
    status: found.status,
    fileName: found.fileName,
    fileSize: found.fileSize,
    encoding: found.encoding,
    delimiter: DELIMITERS[found.delimiter],
    listName: found.pharowListName,
    legalBasis: found.legalBasis,
    createdBy: found.createdBy,
    columns: {
      headers: found.columnMapping.headers,
      fields: found.columnMapping.fields,
      unknown: found.columnMapping.unknown,
    },
    rows: {
      total,
      validated: found.rowsValidated,
      merged: found.rowsMerged,
      rejected: found.rowsRejected,
      erased: found.rowsErased,
    },
    percentage,
    companies: {
      created: found.companiesCreated,
      updated: found.companiesUpdated,
      unchanged: found.companiesUnchanged,
      rejected: found.rowsRejected,
    },
    people: {
      created: found.peopleCreated,
      updated: found.peopleUpdated,
      unchanged: found.peopleUnchanged,
      rejected: found.rowsRejected,
    },
    positions: {
      created: found.positionsCreated,
      updated: found.positionsUpdated,
      unchanged: found.positionsUnchanged,
      rejected: found.rowsRejected,
      suppressed: found.positionsSuppressed,
    },
    error: found.error,
    startedAt: found.startedAt,
    finishedAt: found.finishedAt,
    createdAt: found.createdAt,
    updatedAt: found.updatedAt,
  };
}
