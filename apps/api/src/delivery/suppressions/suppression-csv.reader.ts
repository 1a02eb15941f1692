import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { normaliseSuppressionValue, type SuppressionKind } from '@outreach/db';
import { CsvError, parse } from 'csv-parse';
import type { Readable } from 'node:stream';
import type { InvalidSuppressionRow } from './suppression-import.view.js';

/** Most rows one upload may hold (the header not counted). */
export const MAX_SUPPRESSION_CSV_ROWS = 100_000;
/** How many refused rows the answer lists (all are counted). */
export const MAX_LISTED_INVALID_ROWS = 100;

export interface CsvSuppression {
  kind: SuppressionKind;
  value: string;
}

export interface SuppressionCsv {
  /** Valid, normalised and without repeats (first occurrence kept). */
  entries: CsvSuppression[];
  /** Valid rows that repeat an earlier one of the file. */
  repeated: number;
  invalidCount: number;
  invalid: InvalidSuppressionRow[];
}

type Columns = { kind: 'single' } | { kind: 'header'; email: number; domain: number };

const HEADER_NAMES: Record<string, SuppressionKind> = {
  email: 'email',
  'e-mail': 'email',
  domain: 'domain',
};

/**
 * Streams a CSV upload through csv-parse: either a header row with an `email` and/or a
 * `domain` column (other columns ignored), or a single column of addresses and domains (an
 * `@` makes an address). Each value is normalised as the database stores it; refused rows are
 * counted and the first 100 listed with their line number. More than 100,000 rows is a 413;
 * a file that is not CSV, or several columns without such a header, a 400 saying what to send.
 */
export async function readSuppressionCsv(input: Readable): Promise<SuppressionCsv> {
  const parser = input.pipe(
    parse({ bom: true, trim: true, skip_empty_lines: true, relax_column_count: true, info: true }),
  );
  input.on('error', (error) => parser.destroy(error));
  const result: SuppressionCsv = { entries: [], repeated: 0, invalidCount: 0, invalid: [] };
  const seen = new Set<string>();
  let columns: Columns | null = null;
  let rows = 0;
  const refuse = (row: number, value: string, reason: string): void => {
    result.invalidCount += 1;
    if (result.invalid.length < MAX_LISTED_INVALID_ROWS)
      result.invalid.push({ row, value, reason });
  };
  const take = (row: number, kind: SuppressionKind | undefined, raw: string): void => {
    const normalised = normaliseSuppressionValue(kind, raw);
    if (!normalised.ok) {
      refuse(row, raw.slice(0, 320), normalised.reason);
      return;
    }
    const key = `${normalised.kind}:${normalised.value.toLowerCase()}`;
    if (seen.has(key)) {
      result.repeated += 1;
      return;
    }
    seen.add(key);
    result.entries.push({ kind: normalised.kind, value: normalised.value });
  };
  try {
    for await (const chunk of parser) {
      const { record, info } = chunk as { record: string[]; info: { lines: number } };
      if (columns === null) {
        columns = columnsOf(record);
        if (columns.kind === 'header') continue;
      }
      rows += 1;
      if (rows > MAX_SUPPRESSION_CSV_ROWS) {
        throw new PayloadTooLargeException(
          `the file has more than ${MAX_SUPPRESSION_CSV_ROWS} rows: split it into several uploads`,
        );
      }
      const line = info.lines;
      if (columns.kind === 'single') {
        take(line, undefined, record[0] ?? '');
        continue;
      }
      const email = columns.email >= 0 ? (record[columns.email] ?? '') : '';
      const domain = columns.domain >= 0 ? (record[columns.domain] ?? '') : '';
      if (email === '' && domain === '') refuse(line, '', 'no email and no domain on this row');
      if (email !== '') take(line, 'email', email);
      if (domain !== '') take(line, 'domain', domain);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw new BadRequestException(`the file is not valid CSV: ${error.message}`);
    }
    throw error;
  }
  if (columns === null) {
    throw new BadRequestException('the file is empty: send a CSV with an email or domain column');
  }
  return result;
}

function columnsOf(first: string[]): Columns {
  const names = first.map((cell) => HEADER_NAMES[cell.trim().toLowerCase()]);
  if (names.some((name) => name !== undefined)) {
    return { kind: 'header', email: names.indexOf('email'), domain: names.indexOf('domain') };
  }
  if (first.filter((cell) => cell !== '').length <= 1) return { kind: 'single' };
  throw new BadRequestException(
    'expected a header row with an "email" and/or a "domain" column, or a single column of addresses and domains',
  );
}
