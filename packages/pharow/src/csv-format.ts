/** What `sniffCsv` found at the start of a file. */
export interface CsvFormat {
  /** `utf-8` (with or without BOM) or `windows-1252` (an Excel export). */
  encoding: 'utf-8' | 'windows-1252';
  /** Bytes to skip at the start (a UTF-8 byte-order mark). */
  bomLength: number;
  /** The separator of the header line: `;` (French Excel), `,` or a tab. */
  delimiter: ';' | ',' | '\t';
}

/** Why a file cannot be read as CSV. */
export class NotCsvError extends Error {
  override readonly name = 'NotCsvError';
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Detects the encoding and separator from the first bytes of a file (the sample should hold at
 * least the header line; 64 KiB is plenty). UTF-8 when the sample decodes as UTF-8 (a multibyte
 * character cut at the end of the sample is allowed), Windows-1252 otherwise. Throws
 * NotCsvError for an empty file, binary content (NUL bytes) or a header line with one column
 * and no separator.
 */
export function sniffCsv(sample: Uint8Array): CsvFormat {
  const bomLength = UTF8_BOM.every((byte, i) => sample[i] === byte) ? 3 : 0;
  const body = sample.subarray(bomLength);
  if (body.every((byte) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09)) {
    throw new NotCsvError('the file is empty');
  }
  if (body.includes(0)) throw new NotCsvError('the file is not text (it contains NUL bytes)');
  const encoding = bomLength > 0 || decodesAsUtf8(body) ? 'utf-8' : 'windows-1252';
  const text = new TextDecoder(encoding).decode(body);
  const headerLine = firstLine(text);
  const counts = ([';', ',', '\t'] as const).map(
    (delimiter) => [delimiter, countOutsideQuotes(headerLine, delimiter)] as const,
  );
  const [delimiter, count] = counts.reduce((best, next) => (next[1] > best[1] ? next : best));
  if (count === 0) {
    throw new NotCsvError('the header line has no `;`, `,` or tab separating columns');
  }
  return { encoding, bomLength, delimiter };
}

function decodesAsUtf8(bytes: Uint8Array): boolean {
  // A sample may end inside a multibyte character: allow up to 3 trailing bytes to be cut.
  for (let cut = 0; cut <= Math.min(3, bytes.length); cut += 1) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, bytes.length - cut));
      return true;
    } catch {
      // try with one byte less
    }
  }
  return false;
}

function firstLine(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return text.slice(0, i);
  }
  return text;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let quoted = false;
  let count = 0;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === delimiter) count += 1;
  }
  return count;
}

/**
 * One CSV cell for a file opened in a spreadsheet: a value starting with `=`, `+`, `-`, `@`
 * (or a tab / carriage return) is prefixed with `'` so it is never run as a formula; then
 * quoted when it holds the separator, a quote or a line break.
 */
export function csvCell(value: string, delimiter = ','): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return safe.includes(delimiter) || /["\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One CSV line (cells through `csvCell`, CRLF-terminated as RFC 4180 says). */
export function csvLine(values: readonly string[], delimiter = ','): string {
  return `${values.map((value) => csvCell(value, delimiter)).join(delimiter)}\r\n`;
}
