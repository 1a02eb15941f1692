import { BadRequestException } from '@nestjs/common';
import { NotCsvError, sniffCsv, type CsvFormat } from '@outreach/pharow';
import { CsvError, parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { SNIFF_BYTES } from './import-upload.limits.js';

/** An upload opened for reading: its format, header line and the data rows still to come. */
export interface OpenedImportCsv {
  format: CsvFormat;
  header: string[];
  /** The data rows, read as they are consumed (never the whole file in memory). */
  rows: AsyncIterable<string[]>;
  /** Bytes read so far (the whole file once `rows` is exhausted). */
  bytesRead(): number;
}

/**
 * Opens a CSV upload as a stream: reads the first 64 KiB to detect the encoding (UTF-8 with or
 * without BOM, else Windows-1252) and the separator (`;`, `,` or tab), then decodes and parses
 * the rest with csv-parse as it is consumed. Throws a 400 saying what is wrong for an empty
 * file, binary content, or a header line without separators. Later problems (a broken quote, a
 * UTF-8 file with a bad byte further on) surface while `rows` is read, as 400s.
 */
export async function openImportCsv(file: Readable): Promise<OpenedImportCsv> {
  const iterator = file[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let bytes = 0;
  const head: Buffer[] = [];
  let headLength = 0;
  let ended = false;
  while (headLength < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    headLength += next.value.length;
  }
  bytes += headLength;
  const first = Buffer.concat(head);
  let format: CsvFormat;
  try {
    format = sniffCsv(first.subarray(0, SNIFF_BYTES));
  } catch (error) {
    if (error instanceof NotCsvError) {
      throw new BadRequestException(`the file is not a CSV export: ${error.message}`);
    }
    throw error;
  }

  const decoder = new TextDecoder(format.encoding, { fatal: format.encoding === 'utf-8' });
  async function* text(): AsyncGenerator<string> {
    try {
      yield decoder.decode(first.subarray(format.bomLength), { stream: true });
      if (!ended) {
        for (;;) {
          const next = await iterator.next();
          if (next.done) break;
          bytes += next.value.length;
          yield decoder.decode(next.value, { stream: true });
        }
      }
      yield decoder.decode();
    } catch (error) {
      if (error instanceof TypeError) {
        throw new BadRequestException(
          'the file is not valid UTF-8 past its beginning: save it again as UTF-8 (or Windows-1252) throughout',
        );
      }
      throw error;
    }
  }

  const source = Readable.from(text());
  const parser = source.pipe(
    parse({ delimiter: format.delimiter, relax_column_count: true, skip_empty_lines: true }),
  );
  source.on('error', (error) => parser.destroy(error));
  const records = parser[Symbol.asyncIterator]() as AsyncIterator<string[]>;
  const headerRecord = await nextRecord(records);
  if (headerRecord === null) throw new BadRequestException('the file is empty: no header line');

  async function* rows(): AsyncGenerator<string[]> {
    for (;;) {
      const record = await nextRecord(records);
      if (record === null) return;
      yield record;
    }
  }
  return { format, header: headerRecord, rows: rows(), bytesRead: () => bytes };
}

async function nextRecord(records: AsyncIterator<string[]>): Promise<string[] | null> {
  try {
    const next = await records.next();
    return next.done ? null : next.value;
  } catch (error) {
    if (error instanceof CsvError) {
      throw new BadRequestException(`the file is not valid CSV: ${error.message}`);
    }
    throw error;
  }
}
