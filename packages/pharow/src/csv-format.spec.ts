import { csvCell, csvLine, NotCsvError, sniffCsv } from './csv-format.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('sniffCsv', () => {
  it('detects UTF-8 with a BOM and `;`', () => {
    expect(sniffCsv(bytes('\uFEFFEntreprise;Prénom;Nom\r\nA;B;C\r\n'))).toEqual({
      encoding: 'utf-8',
      bomLength: 3,
      delimiter: ';',
    });
  });

  it('detects UTF-8 without a BOM and `,`', () => {
    expect(sniffCsv(bytes('Company,"First; name",Last\n'))).toEqual({
      encoding: 'utf-8',
      bomLength: 0,
      delimiter: ',',
    });
  });

  it('detects a Windows-1252 Excel export (accents intact once decoded)', () => {
    const latin = Uint8Array.from(
      Buffer.from('Entreprise;Prénom;Nom\r\nÉditions;Hélène;Lefèvre\r\n', 'latin1'),
    );
    const format = sniffCsv(latin);
    expect(format).toEqual({ encoding: 'windows-1252', bomLength: 0, delimiter: ';' });
    expect(new TextDecoder(format.encoding).decode(latin)).toContain('Hélène;Lefèvre');
  });

  it('accepts a sample cut inside a multibyte character', () => {
    const full = bytes('Entreprise;Prénom\nÉ');
    expect(sniffCsv(full.subarray(0, full.length - 1)).encoding).toBe('utf-8');
  });

  it.each([
    ['an empty file', ''],
    ['only a BOM and blank lines', '\uFEFF\r\n\r\n'],
  ])('refuses %s', (_why, text) => {
    expect(() => sniffCsv(bytes(text))).toThrow(new NotCsvError('the file is empty'));
  });

  it('refuses binary content', () => {
    expect(() => sniffCsv(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 1]))).toThrow(/not text/);
  });

  it('refuses a header without separators', () => {
    expect(() => sniffCsv(bytes('just some prose\nmore prose'))).toThrow(/no `;`, `,` or tab/);
  });
});

describe('csvCell', () => {
  it.each([
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+33 1 23', "'+33 1 23"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['line\nbreak', '"line\nbreak"'],
  ])('writes %j as %j', (value, expected) => {
    expect(csvCell(value)).toBe(expected);
  });

  it('ends lines with CRLF', () => {
    expect(csvLine(['1', '=1+1'])).toBe("1,'=1+1\r\n");
  });
});
